@testable import Inference
import XCTest

/// The transformer building blocks against hand-computed values.
final class LayerTests: XCTestCase {
    func testRMSNorm() {
        let x: [Float] = [1, 2, 3, 4]
        let weight: [Float] = [1, 1, 2, 0.5]
        var out = [Float](repeating: 0, count: 4)
        rmsNorm(x, weight: weight, into: &out, count: 4, epsilon: 0)
        let rms = (30 / 4 as Float).squareRoot()
        for (got, want) in zip(out, [1 / rms, 2 / rms, 6 / rms, 2 / rms]) { XCTAssertEqual(got, want, accuracy: 1e-6) }
    }

    func testRopeStylesRotateTheirOwnPairs() {
        // headDim 4, base 1: every pair rotates by the position itself (θ_i = 1).
        var interleaved: [Float] = [1, 0, 1, 0]
        Rope(style: .interleaved, headDim: 4, base: 1).apply(&interleaved, heads: 1, position: 1)
        XCTAssertEqual(interleaved[0], cosf(1), accuracy: 1e-6)
        XCTAssertEqual(interleaved[1], sinf(1), accuracy: 1e-6)

        var halves: [Float] = [1, 1, 0, 0]
        Rope(style: .halves, headDim: 4, base: 1).apply(&halves, heads: 1, position: 1)
        XCTAssertEqual(halves[0], cosf(1), accuracy: 1e-6)
        XCTAssertEqual(halves[2], sinf(1), accuracy: 1e-6)

        var zero: [Float] = [0.3, -2, 5, 1]
        let original = zero
        Rope(style: .halves, headDim: 4, base: 10_000).apply(&zero, heads: 1, position: 0)
        XCTAssertEqual(zero, original, "position 0 is the identity")
    }

    func testSlidingWindowAttendsOnlyToRecentPositions() throws {
        // One head of dim 16; all keys zero, so attention is uniform over whatever it may see. Value at
        // position p is p in every lane: the output is the mean of the visible positions.
        let shape = try ModelShapeFixture.make(headDim: 16, heads: 1, kvHeads: 1)
        let cache = KVCache(layerCount: 1, capacity: 8, kvDim: 16)
        for p in 0..<6 {
            let key = [Float](repeating: 0, count: 16), value = [Float](repeating: Float(p), count: 16)
            storeKV(key: key, value: value, layer: 0, position: p, cache: cache)
        }
        cache.count = 6
        let pool = ThreadPool(threadCount: 2)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: 2 * 8)
        defer { scores.deallocate() }
        var output = [Float](repeating: 0, count: 16)
        let query = [Float](repeating: 1, count: 16)
        attention(queries: query, queryStride: 16, tokens: 1, startPosition: 5, layer: 0, cache: cache, shape: shape, scale: 1,
                  window: 2, output: &output, scores: scores, pool: pool)
        XCTAssertEqual(output[0], 4.5, accuracy: 1e-3, "window 2 at position 5 sees positions 4 and 5")
        attention(queries: query, queryStride: 16, tokens: 1, startPosition: 5, layer: 0, cache: cache, shape: shape, scale: 1,
                  window: nil, output: &output, scores: scores, pool: pool)
        XCTAssertEqual(output[3], 2.5, accuracy: 1e-3, "no window: positions 0 through 5")
    }

    func testGatedActivationsMatchTheirScalarDefinitions() {
        // Two tokens of width 37, split by token; then one token, split by columns.
        let width = 37, tokens = 2
        // Gates up to ±12, past GELU's ±10 cutoffs.
        var gateUp = (0..<(tokens * 2 * width)).map { Float(sin(Double($0) * 0.7) * 12) }
        gateUp[3] = -10; gateUp[4] = 10  // the cutoffs themselves
        let pool = ThreadPool(threadCount: 2)
        for kind in [GatedActivation.swiglu, .gelu] {
            var out = [Float](repeating: .nan, count: tokens * width)
            kind.apply(gateUp, tokens: tokens, width: width, into: &out, pool: pool)
            for t in 0..<tokens {
                for i in 0..<width {
                    let g = gateUp[t * 2 * width + i], u = gateUp[t * 2 * width + width + i]
                    switch kind {
                    case .swiglu:
                        let want = g / (1 + expf(-g)) * u
                        XCTAssertEqual(out[t * width + i], want, accuracy: 1e-6 * max(1, abs(want)), "swiglu [\(t)][\(i)]")
                    case .gelu:
                        // ggml's GELU table: the tanh formula at the F16-rounded input, stored as F16; 0 at or
                        // below -10, the input at or above 10. One F16 rounding step of slack (2^-11 relative).
                        let gelu = g <= -10 ? 0 : g >= 10 ? g
                            : Float(Float16(ggmlGELU(Float(Float16(g)))))
                        let want = gelu * u
                        XCTAssertEqual(out[t * width + i], want, accuracy: abs(want) / 2048 + 1e-7, "gelu [\(t)][\(i)] g \(g)")
                    }
                }
            }
        }
        // A single token splits its columns between the threads.
        var single = [Float](repeating: .nan, count: width)
        GatedActivation.swiglu.apply(gateUp, tokens: 1, width: width, into: &single, pool: pool)
        XCTAssertFalse(single.contains { $0.isNaN })
    }

    /// ggml_gelu_f32's formula, the definition its table is filled from.
    private func ggmlGELU(_ x: Float) -> Float {
        0.5 * x * (1 + tanhf(0.797_884_560_802_865_4 * x * (1 + 0.044715 * x * x)))
    }

    /// The vector exponential against libm's `expf`: within 2 ulp over the whole unclamped range, and finite and
    /// positive past it (what the sigmoid form of GELU relies on).
    func testVectorExpMatchesLibm() {
        var worst: Float = 0
        var x: Float = -87.3
        while x < 88 {
            var lanes = SIMD16<Float>()
            for l in 0..<16 { lanes[l] = min(x + Float(l) * 0.0013, 88) }
            let got = VectorMath.exp(lanes)
            for l in 0..<16 { worst = max(worst, abs(got[l] - expf(lanes[l])) / expf(lanes[l]).ulp) }
            x += 0.0171
        }
        XCTAssertLessThanOrEqual(worst, 2, "largest error in ulp")
        let extremes = VectorMath.exp(SIMD16(-1000, -90, 90, 1000, .infinity, -.infinity, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0))
        for l in 0..<6 { XCTAssertTrue(extremes[l].isFinite && extremes[l] > 0, "lane \(l): \(extremes[l])") }
        XCTAssertEqual(extremes[6], 1)
        XCTAssertEqual(extremes[7], expf(1), accuracy: expf(1).ulp)
    }

    func testThreadPoolCoversEveryIndexOnce() {
        let pool = ThreadPool(threadCount: 3)
        var hits = [Int](repeating: 0, count: 1000)
        hits.withUnsafeMutableBufferPointer { buffer in
            for _ in 0..<200 {
                pool.parallelFor(buffer.count) { range, _ in for i in range { buffer[i] += 1 } }
            }
        }
        XCTAssertEqual(Set(hits), [200])
    }
}

enum ModelShapeFixture {
    static func make(headDim: Int, heads: Int, kvHeads: Int) throws -> ModelShape {
        ModelShape(embeddingLength: headDim * heads, layerCount: 1, headCount: heads, kvHeadCount: kvHeads,
                   headDim: headDim, feedForwardLength: 4, trainedContextLength: 8, vocabularySize: 4,
                   rmsEpsilon: 1e-6)
    }
}
