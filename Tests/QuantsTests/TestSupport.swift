import GGUF
@testable import Quants

/// SplitMix64: a small, seeded generator so every random block is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A 64-byte aligned byte buffer freed with its owner.
final class AlignedBuffer {
    let raw: UnsafeMutableRawPointer
    let count: Int
    init(bytes: Int) {
        count = bytes
        raw = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 1))
    }
    deinit { raw.deallocate() }
    var floats: UnsafeMutablePointer<Float> { raw.assumingMemoryBound(to: Float.self) }
}

/// Byte offsets of the f16 scale/min fields in a block of `type`.
func halfFieldOffsets(_ type: GGMLType) -> [Int] {
    switch type {
    case .q4_0, .q5_0, .q8_0: return [0]
    case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
    case .q6_K: return [208]
    default: return []
    }
}

/// `rows` rows of `count` elements of `type`: uniformly random bytes (every quant and packed-scale bit pattern
/// is legal), with the f16 scales replaced by finite values in [-scale, scale].
func randomRows(_ type: GGMLType, rows: Int = 1, count: Int, scale: Float = 0.05,
                using rng: inout SeededGenerator) -> AlignedBuffer {
    let bytes = type.byteCount(elements: count)! * rows
    let buffer = AlignedBuffer(bytes: bytes)
    for i in 0..<bytes { buffer.raw.storeBytes(of: UInt8.random(in: 0...255, using: &rng), toByteOffset: i, as: UInt8.self) }
    switch type {
    case .f32:
        for i in 0..<rows * count { buffer.raw.storeBytes(of: Float.random(in: -1...1, using: &rng), toByteOffset: 4 * i, as: Float.self) }
    case .f16:
        for i in 0..<rows * count { buffer.raw.storeBytes(of: Float16(Float.random(in: -1...1, using: &rng)), toByteOffset: 2 * i, as: Float16.self) }
    case .bf16:
        for i in 0..<rows * count {
            buffer.raw.storeBytes(of: FloatRows.floatToBF16(Float.random(in: -1...1, using: &rng)), toByteOffset: 2 * i, as: UInt16.self)
        }
    default:
        for b in 0..<bytes / type.blockBytes {
            for o in halfFieldOffsets(type) {
                buffer.raw.storeBytes(of: Float16(Float.random(in: -scale...scale, using: &rng)),
                                      toByteOffset: b * type.blockBytes + o, as: Float16.self)
            }
        }
    }
    return buffer
}

func randomFloats(_ count: Int, range: ClosedRange<Float> = -2...2, using rng: inout SeededGenerator) -> AlignedBuffer {
    let buffer = AlignedBuffer(bytes: 4 * count)
    for i in 0..<count { buffer.floats[i] = Float.random(in: range, using: &rng) }
    return buffer
}

func storeHalf(_ value: Float, _ p: UnsafeMutableRawPointer, _ offset: Int) {
    p.storeBytes(of: Float16(value), toByteOffset: offset, as: Float16.self)
}

/// sum |a[i] - b[i]|^2 / sum b[i]^2 (normalized mean squared error), as llama.cpp's check-nmse.
func nmse(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
    var num = 0.0, den = 0.0
    for i in 0..<count {
        let e = Double(a[i]) - Double(b[i])
        num += e * e
        den += Double(b[i]) * Double(b[i])
    }
    return den == 0 ? num : num / den
}
