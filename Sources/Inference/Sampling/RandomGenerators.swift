/// SplitMix64 (Steele, Lea & Flood 2014; the public-domain C by Sebastiano Vigna, prng.di.unimi.it).
/// A 64-bit counter passed through a strong mixer. It is used here, as its authors recommend, to expand
/// one 64-bit seed into the 256-bit state of `Xoshiro256StarStar`, so that nearby seeds give unrelated streams.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna 2018, prng.di.unimi.it/xoshiro256starstar.c): the sampler's generator.
/// Fast, 2^256 − 1 period, passes BigCrush, and — unlike the system generator — the same seed gives the same
/// stream on every platform and Swift version, which is what makes a seeded run repeatable.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the state from SplitMix64, the seeding the authors recommend (the state must not be all zero,
    /// which SplitMix64 cannot produce four times in a row).
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// Starts from an explicit state, as the reference C code does (for checking against its outputs).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
        s = state
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotateLeft(s.3, 45)
        return result
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

extension RandomNumberGenerator {
    /// A uniform Double in [0, 1) from the top 53 bits (every value a multiple of 2^-53, as in Vigna's notes).
    @inline(__always)
    mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
