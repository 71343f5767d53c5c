import Dispatch
import GGUF
import XCTest
@testable import Quants

/// matMul (OpenBLAS on dequantized tiles) against a naive product; matVec split across threads; F16/BF16 rows.
final class ProductTests: XCTestCase {
    func testMatMulEqualsNaiveProduct() {
        var rng = SeededGenerator(seed: 8)
        let cols = 512, totalRows = 37, batch = 3
        let rows = 5..<33
        for type: GGMLType in [.q4_K, .q8_0, .q6_K, .f16, .f32] {
            let w = randomRows(type, rows: totalRows, count: cols, using: &rng)
            let x = randomFloats(batch * cols, using: &rng)
            let y = AlignedBuffer(bytes: 4 * batch * totalRows)
            let sentinel: Float = -12345
            for i in 0..<batch * totalRows { y.floats[i] = sentinel }
            // Scratch for 4 rows: 28 rows run as 7 tiles.
            let scratch = AlignedBuffer(bytes: 4 * 4 * cols)
            QuantKernels.matMul(type: type, weights: w.raw, cols: cols, rows: rows, input: x.floats, batch: batch,
                                output: y.floats, outputStride: totalRows, scratch: scratch.floats, scratchCount: 4 * cols)
            let stride = type.byteCount(elements: cols)!
            let wr = AlignedBuffer(bytes: 4 * cols)
            for r in 0..<totalRows {
                QuantKernels.dequantizeRowReference(type: type, w.raw + r * stride, count: cols, into: wr.floats)
                for b in 0..<batch {
                    let got = y.floats[b * totalRows + r]
                    guard rows.contains(r) else {
                        XCTAssertEqual(got, sentinel, "\(type): row \(r) outside the range was written")
                        continue
                    }
                    var expected = 0.0, magnitude = 0.0
                    for k in 0..<cols {
                        let t = Double(wr.floats[k]) * Double(x.floats[b * cols + k])
                        expected += t
                        magnitude += abs(t)
                    }
                    XCTAssertLessThanOrEqual(abs(Double(got) - expected), 1e-5 * magnitude, "\(type) batch \(b) row \(r)")
                }
            }
        }
    }

    func testMatVecRowRangesOnTwoThreadsEqualOneThread() {
        forEachKernelPath { path in
            var rng = SeededGenerator(seed: 10)
            let cols = 1024, rows = 64
            let w = randomRows(.q4_K, rows: rows, count: cols, using: &rng)
            let x = randomFloats(cols, using: &rng)
            let act = AlignedBuffer(bytes: QuantKernels.activationBytes(for: .q4_K, count: cols))
            QuantKernels.quantizeActivation(x.floats, count: cols, for: .q4_K, into: act.raw)
            let serial = AlignedBuffer(bytes: 4 * rows), parallel = AlignedBuffer(bytes: 4 * rows)
            QuantKernels.matVec(type: .q4_K, weights: w.raw, cols: cols, rows: 0..<rows, activation: act.raw, into: serial.floats)
            // Each thread writes only its own rows of `out`.
            nonisolated(unsafe) let weights = UnsafeRawPointer(w.raw), activation = UnsafeRawPointer(act.raw), out = parallel.floats
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                QuantKernels.matVec(type: .q4_K, weights: weights, cols: cols, rows: part * rows / 2..<(part + 1) * rows / 2,
                                    activation: activation, into: out)
            }
            XCTAssertEqual(memcmp(serial.raw, parallel.raw, 4 * rows), 0, "\(path)")
        }
    }

    func testF16RowConversionMatchesScalarConversion() {
        var rng = SeededGenerator(seed: 11)
        let count = 37  // two 16-lane steps and a scalar tail
        let x = randomFloats(count, range: -70000...70000, using: &rng)
        for (i, v) in [Float.infinity, -.infinity, .nan, -0.0, 1e-7, 65520, 3e-5].enumerated() { x.floats[i] = v }
        let h = AlignedBuffer(bytes: 2 * count), back = AlignedBuffer(bytes: 4 * count)
        FloatRows.f32ToF16(x.floats, count: count, into: h.raw)
        FloatRows.f16ToF32(h.raw, count: count, into: back.floats)
        for i in 0..<count {
            let expected = Float16(x.floats[i])
            let got = h.raw.load(fromByteOffset: 2 * i, as: Float16.self)
            XCTAssertTrue(got.bitPattern == expected.bitPattern || (got.isNaN && expected.isNaN), "element \(i)")
            XCTAssertTrue(back.floats[i] == Float(got) || (back.floats[i].isNaN && got.isNaN), "element \(i)")
        }
    }

    /// ggml_compute_fp32_to_bf16: round to nearest, ties to even; NaN stays NaN.
    func testBF16Rounding() {
        XCTAssertEqual(FloatRows.floatToBF16(Float(bitPattern: 0x3F80_8000)), 0x3F80)  // tie, even stays
        XCTAssertEqual(FloatRows.floatToBF16(Float(bitPattern: 0x3F81_8000)), 0x3F82)  // tie, odd rounds up
        XCTAssertEqual(FloatRows.floatToBF16(Float(bitPattern: 0x3F80_8001)), 0x3F81)  // above the tie
        XCTAssertTrue(FloatRows.bf16ToFloat(FloatRows.floatToBF16(.nan)).isNaN)
        let x: [Float] = (0..<40).map { Float($0) * 0.37 - 7 }
        let b = AlignedBuffer(bytes: 80), back = AlignedBuffer(bytes: 160)
        FloatRows.f32ToBF16(x, count: 40, into: b.raw)
        FloatRows.bf16ToF32(b.raw, count: 40, into: back.floats)
        for i in 0..<40 { XCTAssertEqual(back.floats[i], FloatRows.bf16ToFloat(FloatRows.floatToBF16(x[i]))) }
    }
}
