import GGUF
import XCTest
@testable import Quants

/// Hand-built blocks check the scalar references (the specification) value by value. Each block is packed
/// here from the layout as documented in ggml-common.h, independently of the kernels' own indexing.
final class ReferenceKernelTests: XCTestCase {
    func dequantizeReference(_ type: GGMLType, _ block: AlignedBuffer, count: Int) -> [Float] {
        let y = AlignedBuffer(bytes: 4 * count)
        QuantKernels.dequantizeRowReference(type: type, block.raw, count: count, into: y.floats)
        return Array(UnsafeBufferPointer(start: y.floats, count: count))
    }

    func testQ4_0() {
        // d = 0.5; byte j = j (low) | (15 - j) (high): elements j -> (j - 8) / 2, j + 16 -> (7 - j) / 2.
        let block = AlignedBuffer(bytes: 18)
        storeHalf(0.5, block.raw, 0)
        for j in 0..<16 { block.raw.storeBytes(of: UInt8(j | (15 - j) << 4), toByteOffset: 2 + j, as: UInt8.self) }
        let y = dequantizeReference(.q4_0, block, count: 32)
        for j in 0..<16 {
            XCTAssertEqual(y[j], Float(j - 8) * 0.5)
            XCTAssertEqual(y[j + 16], Float(7 - j) * 0.5)
        }
    }

    func testQ4_1() {
        // d = 0.25, m = -1; both nibbles of byte j are j: x = j / 4 - 1.
        let block = AlignedBuffer(bytes: 20)
        storeHalf(0.25, block.raw, 0)
        storeHalf(-1, block.raw, 2)
        for j in 0..<16 { block.raw.storeBytes(of: UInt8(j | j << 4), toByteOffset: 4 + j, as: UInt8.self) }
        let y = dequantizeReference(.q4_1, block, count: 32)
        for j in 0..<16 {
            XCTAssertEqual(y[j], Float(j) * 0.25 - 1)
            XCTAssertEqual(y[j + 16], Float(j) * 0.25 - 1)
        }
    }

    func testQ5_0() {
        // d = 2; all nibbles 3 (low) / 5 (high); fifth bits set for elements 0, 16 and 31 only.
        let block = AlignedBuffer(bytes: 22)
        storeHalf(2, block.raw, 0)
        block.raw.storeBytes(of: UInt32(0x8001_0001).littleEndian, toByteOffset: 2, as: UInt32.self)
        for j in 0..<16 { block.raw.storeBytes(of: UInt8(3 | 5 << 4), toByteOffset: 6 + j, as: UInt8.self) }
        let y = dequantizeReference(.q5_0, block, count: 32)
        for e in 0..<32 {
            let high: Float = [0, 16, 31].contains(e) ? 16 : 0
            XCTAssertEqual(y[e], ((e < 16 ? 3 : 5) + high - 16) * 2, "element \(e)")
        }
    }

    func testQ5_1() {
        // d = 0.5, m = 1; nibbles 1 (low) / 2 (high); fifth bits for elements 1 and 16.
        let block = AlignedBuffer(bytes: 24)
        storeHalf(0.5, block.raw, 0)
        storeHalf(1, block.raw, 2)
        block.raw.storeBytes(of: UInt32(0x0001_0002).littleEndian, toByteOffset: 4, as: UInt32.self)
        for j in 0..<16 { block.raw.storeBytes(of: UInt8(0x21), toByteOffset: 8 + j, as: UInt8.self) }
        let y = dequantizeReference(.q5_1, block, count: 32)
        for e in 0..<32 {
            let high: Float = (e == 1 || e == 16) ? 16 : 0
            XCTAssertEqual(y[e], ((e < 16 ? 1 : 2) + high) * 0.5 + 1, "element \(e)")
        }
    }

    func testQ8_0() {
        let block = AlignedBuffer(bytes: 34)
        storeHalf(0.25, block.raw, 0)
        for j in 0..<32 { block.raw.storeBytes(of: Int8(j - 16), toByteOffset: 2 + j, as: Int8.self) }
        let y = dequantizeReference(.q8_0, block, count: 32)
        for j in 0..<32 { XCTAssertEqual(y[j], Float(j - 16) * 0.25) }
    }

    // K-quant scales: six bits each, including values >= 16 whose top bits go to the spare bits 6-7.
    static let scales: [UInt8] = [1, 2, 3, 63, 17, 33, 48, 5]
    static let mins: [UInt8] = [0, 7, 15, 62, 18, 40, 63, 9]

    /// The 12 scale bytes of Q4_K/Q5_K, packed from the layout (the inverse of get_scale_min_k4).
    func packScalesAndMins(_ sc: [UInt8], _ m: [UInt8]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            bytes[j] = sc[j] | (sc[j + 4] >> 4) << 6
            bytes[j + 4] = m[j] | (m[j + 4] >> 4) << 6
            bytes[j + 8] = (sc[j + 4] & 0xF) | (m[j + 4] & 0xF) << 4
        }
        return bytes
    }

    /// Nibble of element e in the test's K blocks: 0..15 rising in the low half of each 64, falling in the high.
    func kNibble(_ e: Int) -> Int { e % 64 < 32 ? e % 16 : 15 - e % 16 }

    func kQuantBlock(fifthBits: Bool) -> AlignedBuffer {
        let bytes = fifthBits ? 176 : 144, qs = fifthBits ? 48 : 16
        let block = AlignedBuffer(bytes: bytes)
        storeHalf(0.5, block.raw, 0)
        storeHalf(0.25, block.raw, 2)
        for (i, b) in packScalesAndMins(Self.scales, Self.mins).enumerated() { block.raw.storeBytes(of: b, toByteOffset: 4 + i, as: UInt8.self) }
        for e in 0..<256 {
            let chunk = e / 64, l = e % 32, high = e % 64 >= 32
            let offset = qs + 32 * chunk + l
            let old = block.raw.load(fromByteOffset: offset, as: UInt8.self)
            block.raw.storeBytes(of: old | UInt8(kNibble(e)) << (high ? 4 : 0), toByteOffset: offset, as: UInt8.self)
            if fifthBits && fifthBit(e) {
                let bit = 2 * chunk + (high ? 1 : 0)
                let h = block.raw.load(fromByteOffset: 16 + l, as: UInt8.self)
                block.raw.storeBytes(of: h | UInt8(1) << bit, toByteOffset: 16 + l, as: UInt8.self)
            }
        }
        return block
    }

    func fifthBit(_ e: Int) -> Bool { (e * 7) % 3 == 0 }

    func testQ4_K() {
        let y = dequantizeReference(.q4_K, kQuantBlock(fifthBits: false), count: 256)
        for e in 0..<256 {
            let j = e / 32
            XCTAssertEqual(y[e], 0.5 * Float(Self.scales[j]) * Float(kNibble(e)) - 0.25 * Float(Self.mins[j]), "element \(e)")
        }
    }

    func testQ5_K() {
        let y = dequantizeReference(.q5_K, kQuantBlock(fifthBits: true), count: 256)
        for e in 0..<256 {
            let j = e / 32, q = kNibble(e) + (fifthBit(e) ? 16 : 0)
            XCTAssertEqual(y[e], 0.5 * Float(Self.scales[j]) * Float(q) - 0.25 * Float(Self.mins[j]), "element \(e)")
        }
    }

    func testQ6_K() {
        // 6-bit values q(e) = (5e + 3) mod 64, int8 scales j - 8 (negative ones too), d = 0.125.
        func q(_ e: Int) -> UInt8 { UInt8((5 * e + 3) % 64) }
        let block = AlignedBuffer(bytes: 210)
        for n in 0..<2 {
            for l in 0..<32 {
                let e = 128 * n + l
                block.raw.storeBytes(of: (q(e) & 0xF) | (q(e + 64) & 0xF) << 4, toByteOffset: 64 * n + l, as: UInt8.self)
                block.raw.storeBytes(of: (q(e + 32) & 0xF) | (q(e + 96) & 0xF) << 4, toByteOffset: 64 * n + 32 + l, as: UInt8.self)
                let h = (q(e) >> 4) | (q(e + 32) >> 4) << 2 | (q(e + 64) >> 4) << 4 | (q(e + 96) >> 4) << 6
                block.raw.storeBytes(of: h, toByteOffset: 128 + 32 * n + l, as: UInt8.self)
            }
        }
        for j in 0..<16 { block.raw.storeBytes(of: Int8(j - 8), toByteOffset: 192 + j, as: Int8.self) }
        storeHalf(0.125, block.raw, 208)
        let y = dequantizeReference(.q6_K, block, count: 256)
        for e in 0..<256 {
            XCTAssertEqual(y[e], 0.125 * Float(e / 16 - 8) * Float(Int(q(e)) - 32), "element \(e)")
        }
    }

    func testFloatRows() {
        let f16 = AlignedBuffer(bytes: 6), bf16 = AlignedBuffer(bytes: 6)
        for (i, v) in [Float(1.5), -0.25, 65504].enumerated() {
            storeHalf(v, f16.raw, 2 * i)
            bf16.raw.storeBytes(of: UInt16(v.bitPattern >> 16), toByteOffset: 2 * i, as: UInt16.self)
        }
        XCTAssertEqual(dequantizeReference(.f16, f16, count: 3), [1.5, -0.25, 65504])
        XCTAssertEqual(dequantizeReference(.bf16, bf16, count: 3), [1.5, -0.25, 65280])  // 65504 with its low 16 bits cut
    }

    /// A Q4_0 row dotted with a Q8_0 activation block by hand: d = 0.5 weights as in `testQ4_0`, activation
    /// d = 0.25 with every quant 2: sum (q - 8) * 2 = (-8 - 8) * 2 = -32, times 0.5 * 0.25 = -4.
    func testQ4_0DotByHand() {
        let w = AlignedBuffer(bytes: 18)
        storeHalf(0.5, w.raw, 0)
        for j in 0..<16 { w.raw.storeBytes(of: UInt8(j | (15 - j) << 4), toByteOffset: 2 + j, as: UInt8.self) }
        let a = AlignedBuffer(bytes: 34)
        storeHalf(0.25, a.raw, 0)
        for j in 0..<32 { a.raw.storeBytes(of: Int8(2), toByteOffset: 2 + j, as: Int8.self) }
        XCTAssertEqual(Q4_0.dotReference(w.raw, a.raw, count: 32), -4)
    }

    /// Every reference dot equals the float dot of the dequantized weights with the dequantized activation
    /// (ties each dot's indexing to the hand-checked dequantizers). Q4_1/Q5_1 read the activation sum from
    /// Q8_1's f16 `s`, so they agree only to f16 precision in the min term.
    func testReferenceDotsAgreeWithDequantizedProducts() {
        var rng = SeededGenerator(seed: 4)
        for type: GGMLType in [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K] {
            let count = 512
            let w = randomRows(type, count: count, using: &rng)
            let x = randomFloats(count, using: &rng)
            let activation = QuantKernels.activationType(for: type)
            let a = AlignedBuffer(bytes: activation.byteCount(elements: count)!)
            let xa = AlignedBuffer(bytes: 4 * count)
            switch activation {
            case .q8_0:
                Q8_0.quantizeReference(x.floats, count: count, into: a.raw)
                Q8_0.dequantizeReference(a.raw, count: count, into: xa.floats)
            case .q8_1:
                Q8_1.quantizeReference(x.floats, count: count, into: a.raw)
                for i in 0..<count {
                    let block = a.raw + (i / 32) * Q8_1.blockBytes
                    xa.floats[i] = Float(block.load(fromByteOffset: 0, as: Float16.self))
                        * Float(block.load(fromByteOffset: 4 + i % 32, as: Int8.self))
                }
            default:
                Q8_K.quantizeReference(x.floats, count: count, into: a.raw)
                Q8_K.dequantizeReference(a.raw, count: count, into: xa.floats)
            }
            let wd = AlignedBuffer(bytes: 4 * count)
            QuantKernels.dequantizeRowReference(type: type, w.raw, count: count, into: wd.floats)
            var expected = 0.0, magnitude = 0.0
            for i in 0..<count {
                expected += Double(wd.floats[i]) * Double(xa.floats[i])
                magnitude += abs(Double(wd.floats[i]) * Double(xa.floats[i]))
            }
            let got = QuantKernels.dotReference(type: type, row: w.raw, count: count, activation: a.raw)
            let bound = (activation == .q8_1 ? 2e-3 : 1e-5) * magnitude
            XCTAssertLessThanOrEqual(abs(Double(got) - expected), bound, "\(type): reference dot \(got) vs \(expected)")
        }
    }
}
