import XCTest
@testable import Quants
import QuantsIntrinsicsAVX2
import QuantsIntrinsicsGeneric

/// The run-time kernel choice (CPUID, `VELLUM_KERNELS`) and the AVX2 multiply-accumulates against the scalar
/// definitions of `vpdpbusd` and `vpdpwssd`. (The AVX-512 VNNI build cannot run on a CPU without AVX-512; its
/// paths' tests above run wherever the CPU has it.)
final class KernelPathTests: XCTestCase {
    /// An AVX2 desktop (x86-64-v3, no AVX-512).
    static let avx2Desktop = Set(CPUFeature.baseline)
    /// An AVX-512 VNNI server.
    static let vnniServer = Set(CPUFeature.allCases)

    func testFastestSupportedPathIsChosenWhenUnset() throws {
        XCTAssertEqual(try QuantKernels.path(named: nil, features: Self.vnniServer), .avx512VNNI)
        XCTAssertEqual(try QuantKernels.path(named: nil, features: Self.avx2Desktop), .avx2)
        XCTAssertEqual(QuantKernels.supportedPaths.first, try QuantKernels.path(named: nil))
    }

    func testForcedPathIsCheckedAgainstTheCPU() throws {
        XCTAssertEqual(try QuantKernels.path(named: "generic", features: Self.vnniServer), .generic)
        XCTAssertEqual(try QuantKernels.path(named: "avx2", features: Self.vnniServer), .avx2)
        XCTAssertThrowsError(try QuantKernels.path(named: "avx512-vnni", features: Self.avx2Desktop)) { error in
            let missing: [CPUFeature] = [.avx512f, .avx512dq, .avx512cd, .avx512bw, .avx512vl, .avx512vnni]
            XCTAssertEqual(error as? KernelPathError, .unsupported(.avx512VNNI, missing: missing))
            XCTAssertEqual("\(error)", "kernel path avx512-vnni needs CPU features this CPU lacks: "
                                       + "avx512f, avx512dq, avx512cd, avx512bw, avx512vl, avx512_vnni")
        }
        // AVX-512 without VNNI (Skylake-SP) names only the one feature.
        let skylake = Self.vnniServer.subtracting([.avx512vnni, .avxvnni])
        XCTAssertThrowsError(try QuantKernels.path(named: "avx512-vnni", features: skylake)) { error in
            XCTAssertEqual(error as? KernelPathError, .unsupported(.avx512VNNI, missing: [.avx512vnni]))
        }
        XCTAssertThrowsError(try QuantKernels.path(named: "avx512", features: Self.vnniServer)) { error in
            XCTAssertEqual("\(error)", "VELLUM_KERNELS=avx512 is not a kernel path; use one of avx512-vnni, avx2, generic")
        }
    }

    /// On this machine: every path it lacks is refused by `use` with its missing features, every other accepted.
    func testUseRefusesPathsThisCPULacks() throws {
        let start = QuantKernels.path
        defer { try! QuantKernels.use(start) }
        XCTAssertTrue(QuantKernels.supportedPaths.contains(.generic))
        for path in KernelPath.allCases {
            let missing = path.requiredFeatures.filter { !CPUFeature.host.contains($0) }
            if missing.isEmpty {
                try QuantKernels.use(path)
                XCTAssertEqual(QuantKernels.path, path)
            } else {
                XCTAssertThrowsError(try QuantKernels.use(path)) { error in
                    XCTAssertEqual(error as? KernelPathError, .unsupported(path, missing: missing))
                }
            }
        }
    }

    // MARK: AVX2 multiply-accumulates

    /// Per lane: acc + sum of the four u8(a) x s8(b) byte products (`vpdpbusd`), in Int64 so nothing wraps.
    static func scalarByteDot(_ acc: SIMD16<Int32>, _ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> {
        var out = acc
        for lane in 0..<16 {
            var sum = Int64(acc[lane])
            for byte in 0..<4 {
                let u = Int64(UInt8(truncatingIfNeeded: a[lane] >> (8 * byte)))
                let s = Int64(Int8(truncatingIfNeeded: b[lane] >> (8 * byte)))
                sum += u * s
            }
            out[lane] = Int32(truncatingIfNeeded: sum)
        }
        return out
    }

    /// Random bytes, plus lanes of the extremes (255 or 127 against -128 and 127) where saturation would show.
    func byteOperands(_ rng: inout SeededGenerator, unsignedBelow limit: UInt32) -> [(SIMD16<Int32>, SIMD16<Int32>)] {
        func word(_ rng: inout SeededGenerator, _ limit: UInt32) -> Int32 {
            var w: UInt32 = 0
            for byte in 0..<4 { w |= UInt32.random(in: 0..<limit, using: &rng) << (8 * byte) }
            return Int32(bitPattern: w)
        }
        var cases: [(SIMD16<Int32>, SIMD16<Int32>)] = []
        for _ in 0..<200 {
            var a = SIMD16<Int32>(), b = SIMD16<Int32>()
            for lane in 0..<16 { a[lane] = word(&rng, limit); b[lane] = word(&rng, 256) }
            cases.append((a, b))
        }
        let top = Int32(bitPattern: (limit - 1) * 0x0101_0101)
        for b: UInt32 in [0x8080_8080, 0x7F7F_7F7F, 0x807F_807F] {
            cases.append((SIMD16(repeating: top), SIMD16(repeating: Int32(bitPattern: b))))
        }
        return cases
    }

    func testAVX2ByteDotsEqualVPDPBUSD() throws {
        try XCTSkipUnless(CPUFeature.host.contains(.avx2), "no AVX2")
        var rng = SeededGenerator(seed: 31)
        let acc = SIMD16<Int32>((0..<16).map { Int32($0) * 1_000_003 - 7_000_000 })
        for (a, b) in byteOperands(&rng, unsignedBelow: 256) {
            let expected = Self.scalarByteDot(acc, a, b)
            XCTAssertEqual(QuantsIntrinsicsAVX2.dotBytesAccumulate(acc, unsigned: a, signed: b), expected, "a \(a) b \(b)")
            XCTAssertEqual(QuantsIntrinsicsGeneric.dotBytesAccumulate(acc, unsigned: a, signed: b), expected, "a \(a) b \(b)")
        }
        for (a, b) in byteOperands(&rng, unsignedBelow: 128) {
            let expected = Self.scalarByteDot(acc, a, b)
            XCTAssertEqual(QuantsIntrinsicsAVX2.dotSmallBytesAccumulate(acc, unsigned: a, signed: b), expected, "a \(a) b \(b)")
        }
    }

    func testAVX2HalfWordDotsEqualVPDPWSSD() throws {
        try XCTSkipUnless(CPUFeature.host.contains(.avx2), "no AVX2")
        var rng = SeededGenerator(seed: 32)
        for _ in 0..<200 {
            var acc = SIMD16<Int32>(), a = SIMD16<Int32>(), b = SIMD16<Int32>()
            for lane in 0..<16 {
                acc[lane] = .random(in: -1 << 20...1 << 20, using: &rng)
                a[lane] = .random(in: .min ... .max, using: &rng)
                b[lane] = .random(in: .min ... .max, using: &rng)
            }
            var expected = acc
            for lane in 0..<16 {
                let low = Int32(Int16(truncatingIfNeeded: a[lane])) &* Int32(Int16(truncatingIfNeeded: b[lane]))
                let high = Int32(Int16(truncatingIfNeeded: a[lane] >> 16)) &* Int32(Int16(truncatingIfNeeded: b[lane] >> 16))
                expected[lane] = acc[lane] &+ low &+ high
            }
            XCTAssertEqual(QuantsIntrinsicsAVX2.dotHalfWordsAccumulate(acc, a, b), expected)
            XCTAssertEqual(QuantsIntrinsicsGeneric.dotHalfWordsAccumulate(acc, a, b), expected)
        }
    }
}
