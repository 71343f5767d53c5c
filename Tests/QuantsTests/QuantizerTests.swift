import GGUF
import XCTest
@testable import Quants

/// The activation quantizers: ggml's rounding rules on hand-made blocks, fast == reference bit for bit, and
/// quantize -> dequantize error bounds.
final class QuantizerTests: XCTestCase {
    /// quantize_row_q8_0_ref rounds with roundf: nearest, ties away from zero.
    func testQ8_0RoundsHalfAwayFromZero() {
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127  // amax 127: d = 1, so x / d is x itself
        x[1] = 2.5; x[2] = -2.5; x[3] = 0.5; x[4] = -0.5; x[5] = 1.49; x[6] = -126.5
        let out = AlignedBuffer(bytes: 34)
        Q8_0.quantizeReference(x, count: 32, into: out.raw)
        XCTAssertEqual(out.raw.load(as: Float16.self), 1)
        let q = (0..<7).map { out.raw.load(fromByteOffset: 2 + $0, as: Int8.self) }
        XCTAssertEqual(q, [127, 3, -3, 1, -1, 1, -127])
    }

    /// quantize_row_q8_K_ref: iscale = -127 / max with max the first element of largest magnitude (signed),
    /// nearest_int rounds ties to even, values clamp at 127, d = 1 / iscale, bsums per 16.
    func testQ8_KScaleSignAndTiesToEven() {
        var x = [Float](repeating: 0, count: 256)
        x[1] = 2.5; x[2] = 3.5; x[3] = -2.5; x[5] = -127; x[9] = 127
        let out = AlignedBuffer(bytes: 292)
        Q8_K.quantizeReference(x, count: 256, into: out.raw)
        XCTAssertEqual(out.raw.load(as: Float.self), 1)  // max = -127 (first), iscale = 1
        let q = (0..<10).map { out.raw.load(fromByteOffset: 4 + $0, as: Int8.self) }
        XCTAssertEqual(q, [0, 2, 4, -2, 0, -127, 0, 0, 0, 127])
        XCTAssertEqual(out.raw.load(fromByteOffset: 260, as: Int16.self), 2 + 4 - 2 - 127 + 127)

        // The positive one first: iscale = -1, every sign flips, d = -1.
        x[5] = 127; x[9] = -127
        Q8_K.quantizeReference(x, count: 256, into: out.raw)
        XCTAssertEqual(out.raw.load(as: Float.self), -1)
        let flipped = (0..<10).map { out.raw.load(fromByteOffset: 4 + $0, as: Int8.self) }
        XCTAssertEqual(flipped, [0, -2, -4, 2, 0, -127, 0, 0, 0, 127])
    }

    func testAllZeroBlocks() {
        let zeros = [Float](repeating: 0, count: 256)
        let k = AlignedBuffer(bytes: 292)
        k.raw.initializeMemory(as: UInt8.self, repeating: 0xAB, count: 292)
        Q8_K.quantize(zeros, count: 256, into: k.raw)
        XCTAssertTrue(UnsafeRawBufferPointer(start: k.raw, count: 292).allSatisfy { $0 == 0 })
        let b = AlignedBuffer(bytes: 34)
        Q8_0.quantize(zeros, count: 32, into: b.raw)
        XCTAssertTrue(UnsafeRawBufferPointer(start: b.raw, count: 34).allSatisfy { $0 == 0 })
    }

    /// Random rows plus rows of exact ties (multiples of 0.5 at scale 1): fast and reference bytes are identical.
    func testFastQuantizersEqualReferenceBytes() {
        var rng = SeededGenerator(seed: 5)
        let count = 1024
        var inputs: [AlignedBuffer] = [randomFloats(count, using: &rng), randomFloats(count, range: -1e-3...1e-3, using: &rng)]
        let ties = AlignedBuffer(bytes: 4 * count)
        for i in 0..<count { ties.floats[i] = i % 32 == 0 ? 127 : Float(Int.random(in: -254...254, using: &rng)) / 2 }
        inputs.append(ties)
        for x in inputs {
            let pairs: [(String, Int, (UnsafePointer<Float>, Int, UnsafeMutableRawPointer) -> Void, (UnsafePointer<Float>, Int, UnsafeMutableRawPointer) -> Void)] = [
                ("Q8_0", 34 * count / 32, { Q8_0.quantize($0, count: $1, into: $2) }, { Q8_0.quantizeReference($0, count: $1, into: $2) }),
                ("Q8_1", 36 * count / 32, { Q8_1.quantize($0, count: $1, into: $2) }, { Q8_1.quantizeReference($0, count: $1, into: $2) }),
                ("Q8_K", 292 * count / 256, { Q8_K.quantize($0, count: $1, into: $2) }, { Q8_K.quantizeReference($0, count: $1, into: $2) }),
            ]
            for (name, bytes, fast, reference) in pairs {
                let a = AlignedBuffer(bytes: bytes), b = AlignedBuffer(bytes: bytes)
                fast(x.floats, count, a.raw)
                reference(x.floats, count, b.raw)
                XCTAssertEqual(memcmp(a.raw, b.raw, bytes), 0, "\(name)")
            }
        }
    }

    /// Q8_0 round trip: each element within half a step plus the f16 rounding of d (127 * d * 2^-11):
    /// |x - x'| <= 0.57 d, d = amax / 127.
    func testQ8_0RoundTripError() {
        var rng = SeededGenerator(seed: 6)
        let count = 4096
        let x = randomFloats(count, range: -3...3, using: &rng)
        let q = AlignedBuffer(bytes: 34 * count / 32), y = AlignedBuffer(bytes: 4 * count)
        Q8_0.quantize(x.floats, count: count, into: q.raw)
        Q8_0.dequantize(q.raw, count: count, into: y.floats)
        for b in 0..<count / 32 {
            let amax = (0..<32).map { abs(x.floats[32 * b + $0]) }.max()!
            for j in 0..<32 {
                XCTAssertLessThanOrEqual(abs(x.floats[32 * b + j] - y.floats[32 * b + j]), 0.57 * amax / 127)
            }
        }
        XCTAssertLessThan(nmse(y.floats, x.floats, count: count), 1e-4)
    }

    /// Q8_K round trip: d is an exact f32 here, so |x - x'| <= |d| / 2 (plus float rounding).
    func testQ8_KRoundTripError() {
        var rng = SeededGenerator(seed: 7)
        let count = 4096
        let x = randomFloats(count, range: -3...3, using: &rng)
        let q = AlignedBuffer(bytes: 292 * count / 256), y = AlignedBuffer(bytes: 4 * count)
        Q8_K.quantize(x.floats, count: count, into: q.raw)
        Q8_K.dequantizeReference(q.raw, count: count, into: y.floats)
        for b in 0..<count / 256 {
            let d = abs((q.raw + b * 292).load(as: Float.self))
            for j in 0..<256 {
                XCTAssertLessThanOrEqual(abs(x.floats[256 * b + j] - y.floats[256 * b + j]), 0.5001 * d)
            }
        }
    }
}
