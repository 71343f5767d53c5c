import GGUF
import XCTest
@testable import Quants

/// `matMulQuantized` (panels of 16 rows, 4 tokens per micro-kernel step) against the per-(row, token) `dot` and
/// the scalar ggml reference, on seeded random blocks, with row ranges and token counts that leave partial
/// panels and partial token groups.
final class QuantizedMatMulTests: XCTestCase {
    static let weightTypes: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K, .f16]

    func columnCounts(_ type: GGMLType) -> [Int] {
        type.blockElements == 256 ? [256, 768] : [32, 96, 576]
    }

    func testMatchesDotAndReferenceForEveryTokenCount() {
        forEachKernelPath { path in
            var rng = SeededGenerator(seed: 21)
            let totalRows = 40
            let rows = 3..<38  // panels of 16, 16 and 3 rows; rows outside stay untouched
            for type in Self.weightTypes {
                for cols in columnCounts(type) {
                    let w = randomRows(type, rows: totalRows, count: cols, using: &rng)
                    let rowBytes = type.byteCount(elements: cols)!
                    for tokens in [1, 3, 5, 17] {
                        let stride = (QuantKernels.activationBytes(for: type, count: cols) + 63) / 64 * 64
                        let x = randomFloats(tokens * cols, using: &rng)
                        let act = AlignedBuffer(bytes: stride * tokens)
                        for t in 0..<tokens {
                            QuantKernels.quantizeActivation(x.floats + t * cols, count: cols, for: type, into: act.raw + t * stride)
                        }
                        let y = AlignedBuffer(bytes: 4 * tokens * totalRows)
                        let sentinel: Float = -12345
                        for i in 0..<tokens * totalRows { y.floats[i] = sentinel }
                        QuantKernels.matMulQuantized(type: type, weights: w.raw, cols: cols, rows: rows, activations: act.raw,
                                                     activationStride: stride, tokens: tokens, output: y.floats, outputStride: totalRows)
                        for t in 0..<tokens {
                            let activation = act.raw + t * stride
                            for r in 0..<totalRows {
                                let got = y.floats[t * totalRows + r]
                                let context = "\(type) cols \(cols) tokens \(tokens) token \(t) row \(r)"
                                guard rows.contains(r) else {
                                    XCTAssertEqual(got, sentinel, "\(path) \(context): written outside the row range")
                                    continue
                                }
                                let row = w.raw + r * rowBytes
                                let bound = KernelEquivalenceTests.maxDotRelativeError * absoluteDot(type, row, x.floats + t * cols, cols)
                                let dot = QuantKernels.dot(type: type, row: row, count: cols, activation: activation)
                                let reference = QuantKernels.dotReference(type: type, row: row, count: cols, activation: activation)
                                XCTAssertLessThanOrEqual(abs(got - dot), bound, "\(path) \(context): matMul \(got) dot \(dot)")
                                XCTAssertLessThanOrEqual(abs(got - reference), bound, "\(path) \(context): matMul \(got) reference \(reference)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// Extreme quants: every weight and activation at the end of its range, so the integer sums are largest
    /// (Q6_K: scales -128 and quants 0, the -32 offset at its extreme) and any overflow or sign slip shows.
    /// Q8_0 fill 0x7F is q = 127, stored as 255 against activations of -127: the pair sums AVX2's
    /// `vpmaddubsw` would saturate if the full-range split were skipped.
    func testExtremeBlocksMatchReference() {
        forEachKernelPath { path in
            let cols = 512, tokens = 5
            for type: GGMLType in [.q4_0, .q5_0, .q8_0, .q4_1, .q4_K, .q5_K, .q6_K] {
                for fill: UInt8 in [0x00, 0xFF, 0x80, 0x7F] {
                    let rowBytes = type.byteCount(elements: cols)!
                    let w = AlignedBuffer(bytes: rowBytes * 16)
                    w.raw.initializeMemory(as: UInt8.self, repeating: fill, count: rowBytes * 16)
                    for b in 0..<rowBytes * 16 / type.blockBytes {
                        for o in halfFieldOffsets(type) { storeHalf(0.01, w.raw, b * type.blockBytes + o) }
                    }
                    let stride = (QuantKernels.activationBytes(for: type, count: cols) + 63) / 64 * 64
                    let act = AlignedBuffer(bytes: stride * tokens)
                    let x = AlignedBuffer(bytes: 4 * cols)
                    for t in 0..<tokens {
                        for i in 0..<cols { x.floats[i] = t % 2 == 0 ? -3 : (i % 2 == 0 ? 3 : -2.9) }
                        QuantKernels.quantizeActivation(x.floats, count: cols, for: type, into: act.raw + t * stride)
                    }
                    let y = AlignedBuffer(bytes: 4 * 16 * tokens)
                    QuantKernels.matMulQuantized(type: type, weights: w.raw, cols: cols, rows: 0..<16, activations: act.raw,
                                                 activationStride: stride, tokens: tokens, output: y.floats, outputStride: 16)
                    for t in 0..<tokens {
                        let reference = QuantKernels.dotReference(type: type, row: w.raw, count: cols, activation: act.raw + t * stride)
                        for r in 0..<16 {
                            XCTAssertEqual(y.floats[t * 16 + r], reference, accuracy: 1e-4 * max(1, abs(reference)),
                                           "\(path) \(type) fill \(fill) token \(t) row \(r)")
                        }
                    }
                }
            }
        }
    }

    /// Every lane and every token runs the same operations, so a token's outputs do not depend on which other
    /// tokens share its batch, nor a row's on how the rows are split between threads: bit-identical.
    func testResultsIndependentOfBatchAndRowSplit() {
        forEachKernelPath { path in
            var rng = SeededGenerator(seed: 22)
            let rows = 50, tokens = 7
            for type: GGMLType in [.q4_1, .q5_0, .q8_0, .q4_K, .q6_K] {
                let cols = type.blockElements == 256 ? 512 : 576
                let w = randomRows(type, rows: rows, count: cols, using: &rng)
                let stride = (QuantKernels.activationBytes(for: type, count: cols) + 63) / 64 * 64
                let x = randomFloats(tokens * cols, using: &rng)
                let act = AlignedBuffer(bytes: stride * tokens)
                for t in 0..<tokens {
                    QuantKernels.quantizeActivation(x.floats + t * cols, count: cols, for: type, into: act.raw + t * stride)
                }
                let whole = AlignedBuffer(bytes: 4 * tokens * rows), pieces = AlignedBuffer(bytes: 4 * tokens * rows)
                QuantKernels.matMulQuantized(type: type, weights: w.raw, cols: cols, rows: 0..<rows, activations: act.raw,
                                             activationStride: stride, tokens: tokens, output: whole.floats, outputStride: rows)
                // One token at a time, rows split at 21 (panels of 16 + 5 and 16 + 13 rows).
                for t in 0..<tokens {
                    for part in [0..<21, 21..<rows] {
                        QuantKernels.matMulQuantized(type: type, weights: w.raw, cols: cols, rows: part, activations: act.raw + t * stride,
                                                     activationStride: stride, tokens: 1, output: pieces.floats + t * rows, outputStride: rows)
                    }
                }
                XCTAssertEqual(memcmp(whole.raw, pieces.raw, 4 * tokens * rows), 0, "\(path) \(type)")
            }
        }
    }
}
