import GGUF
import XCTest
@testable import Quants

/// Every SIMD path against its scalar ggml reference, on seeded random blocks.
final class KernelEquivalenceTests: XCTestCase {
    static let weightTypes: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K, .f16, .bf16, .f32]

    /// Relative dot error allowed between a SIMD dot and its reference: both sum exact integer block dots
    /// (float weights: exact products) scaled in f32, so they differ only in float summation order.
    static let maxDotRelativeError: Float = 1e-4

    /// Row lengths: whole packed groups (4096), and lengths that leave tails for the scalar tail path
    /// (32-element types: 96 = 3 blocks, 160 = 5 blocks, 224 = 7 blocks).
    /// Float rows: 1, 37 and 100 leave scalar tails after the 64- and 16-lane loops.
    func rowLengths(_ type: GGMLType) -> [Int] {
        switch type.blockElements {
        case 256: return [256, 768, 4096]
        case 32: return [32, 96, 160, 224, 4096]
        default: return [1, 37, 100, 4096]
        }
    }

    func testSIMDDotMatchesReference() {
        forEachKernelPath { path in
            var rng = SeededGenerator(seed: 1)
            for type in Self.weightTypes {
                for count in rowLengths(type) {
                    let rows = 4
                    let w = randomRows(type, rows: rows, count: count, using: &rng)
                    let x = randomFloats(count, using: &rng)
                    let act = AlignedBuffer(bytes: QuantKernels.activationBytes(for: type, count: count))
                    QuantKernels.quantizeActivation(x.floats, count: count, for: type, into: act.raw)
                    let y = AlignedBuffer(bytes: 4 * rows)
                    QuantKernels.matVec(type: type, weights: w.raw, cols: count, rows: 0..<rows, activation: act.raw, into: y.floats)
                    let stride = type.byteCount(elements: count)!
                    for r in 0..<rows {
                        let reference = QuantKernels.dotReference(type: type, row: w.raw + r * stride, count: count, activation: act.raw)
                        // Scale the bound by the sum of |terms|, so a cancelling sum is not held to a relative bound.
                        let magnitude = absoluteDot(type, w.raw + r * stride, x.floats, count)
                        XCTAssertLessThanOrEqual(abs(y.floats[r] - reference), Self.maxDotRelativeError * magnitude,
                                                 "\(path) \(type) cols \(count) row \(r): simd \(y.floats[r]) reference \(reference)")
                    }
                }
            }
        }
    }

    /// matVec over any row range must give every row of the range its single-row dot bit for bit (the threads
    /// split a matrix by row ranges) and leave the rows outside the range untouched.
    func testKQuantMatVecRowRangesEqualSingleRowDots() {
        forEachKernelPath { path in
            var rng = SeededGenerator(seed: 12)
            let ranges = [0..<1, 0..<4, 0..<7, 1..<10, 3..<6, 2..<11, 0..<11]
            for type in [GGMLType.q4_K, .q5_K, .q6_K] {
                // 8960: qwen2.5 1.5B ffn_down.
                for count in [768, 4096, 8960] {
                    let rows = 11
                    let w = randomRows(type, rows: rows, count: count, using: &rng)
                    let x = randomFloats(count, using: &rng)
                    let act = AlignedBuffer(bytes: QuantKernels.activationBytes(for: type, count: count))
                    QuantKernels.quantizeActivation(x.floats, count: count, for: type, into: act.raw)
                    let stride = type.byteCount(elements: count)!
                    for range in ranges {
                        let y = AlignedBuffer(bytes: 4 * rows)
                        for r in 0..<rows { y.floats[r] = .nan }
                        QuantKernels.matVec(type: type, weights: w.raw, cols: count, rows: range, activation: act.raw, into: y.floats)
                        for r in 0..<rows {
                            if range.contains(r) {
                                let single = QuantKernels.dot(type: type, row: w.raw + r * stride, count: count, activation: act.raw)
                                XCTAssertEqual(y.floats[r].bitPattern, single.bitPattern,
                                               "\(path) \(type) cols \(count) rows \(range) row \(r): matVec \(y.floats[r]) dot \(single)")
                            } else {
                                XCTAssertTrue(y.floats[r].isNaN, "\(path) \(type) cols \(count) rows \(range) wrote row \(r) outside the range")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The fast dequantizers compute the same float expression per element as ggml's: bit-identical.
    func testSIMDDequantizeEqualsReferenceExactly() {
        var rng = SeededGenerator(seed: 2)
        for type in Self.weightTypes {
            let count = 1024
            let w = randomRows(type, count: count, using: &rng)
            let fast = AlignedBuffer(bytes: 4 * count), reference = AlignedBuffer(bytes: 4 * count)
            QuantKernels.dequantizeRow(type: type, w.raw, count: count, into: fast.floats)
            QuantKernels.dequantizeRowReference(type: type, w.raw, count: count, into: reference.floats)
            for i in 0..<count where fast.floats[i].bitPattern != reference.floats[i].bitPattern {
                XCTFail("\(type) element \(i): fast \(fast.floats[i]) reference \(reference.floats[i])")
                break
            }
        }
    }

    /// The quantized dot approximates the float dot of the dequantized weights with the original activations;
    /// the gap is the activation's 8-bit rounding (relative to sum |w x|).
    func testQuantizedDotApproximatesFloatDot() {
        forEachKernelPath { path in
            var rng = SeededGenerator(seed: 3)
            let maxActivationRoundingError: Float = 0.01
            for type in Self.weightTypes {
                let count = 1024
                let w = randomRows(type, count: count, using: &rng)
                let x = randomFloats(count, using: &rng)
                let act = AlignedBuffer(bytes: QuantKernels.activationBytes(for: type, count: count))
                QuantKernels.quantizeActivation(x.floats, count: count, for: type, into: act.raw)
                let deq = AlignedBuffer(bytes: 4 * count)
                QuantKernels.dequantizeRowReference(type: type, w.raw, count: count, into: deq.floats)
                var exact: Double = 0
                for i in 0..<count { exact += Double(deq.floats[i]) * Double(x.floats[i]) }
                let got = QuantKernels.dot(type: type, row: w.raw, count: count, activation: act.raw)
                XCTAssertLessThanOrEqual(abs(Float(exact) - got), maxActivationRoundingError * absoluteDot(type, w.raw, x.floats, count),
                                         "\(path) \(type): quantized \(got) float \(exact)")
            }
        }
    }
}
