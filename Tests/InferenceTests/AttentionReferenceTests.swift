@testable import Inference
import TestSupport
import XCTest

/// The tuned `attention` (blocked, threaded, SIMD, vectorized exp) against `referenceAttention`, its plain
/// definition, on random queries, keys and values: real keys give each query a peaked softmax, so a key or
/// value read from the wrong KV head, position or window edge shows (uniform weights over zero keys would hide
/// most such mistakes).
final class AttentionReferenceTests: XCTestCase {
    /// (query heads, KV heads, head dim): the bundled models' groupings (SmolLM2 9/3, Gemma 3 4/1, Qwen2.5 0.5B
    /// 14/2 and 1.5B 12/2, at their head dims), plain multi-head attention, and a head dim that is not a
    /// multiple of 16 (the kernels' scalar tails).
    static let shapes = [(9, 3, 64), (4, 1, 256), (14, 2, 64), (12, 2, 128), (2, 2, 64), (6, 2, 40)]

    /// A 512-token prompt batch, a 127-token batch after it, then one decode step: every batch after the
    /// first attends to keys another call wrote, and with window 512 the later queries lose the first keys.
    /// Window 100 is smaller than a batch and not a multiple of the kernel's 32-position blocks.
    static let batches = [0..<512, 512..<639, 639..<640]
    static let windows: [Int?] = [nil, 512, 100]

    func testTunedAttentionMatchesScalarReference() throws {
        var rng = SeededGenerator(seed: 13)
        let pool = ThreadPool(threadCount: 2)
        let length = Self.batches.last!.upperBound
        for (heads, kvHeads, headDim) in Self.shapes {
            let shape = try ModelShapeFixture.make(headDim: headDim, heads: heads, kvHeads: kvHeads)
            let cache = KVCache(layerCount: 1, capacity: length, kvDim: shape.kvDim)
            for p in 0..<length {
                let key = randomFloats(shape.kvDim, using: &rng), value = randomFloats(shape.kvDim, range: -1...1, using: &rng)
                storeKV(key: key.floats, value: value.floats, layer: 0, position: p, cache: cache)
            }
            cache.count = length
            let queries = randomFloats(length * shape.queryDim, using: &rng)
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: pool.threadCount * (heads / kvHeads) * length)
            defer { scores.deallocate() }
            let tuned = AlignedBuffer(bytes: 4 * length * shape.queryDim), plain = AlignedBuffer(bytes: 4 * length * shape.queryDim)
            for window in Self.windows {
                var largest: Float = 0
                for batch in Self.batches {
                    let offset = batch.lowerBound * shape.queryDim
                    attention(queries: queries.floats + offset, queryStride: shape.queryDim, tokens: batch.count,
                              startPosition: batch.lowerBound, layer: 0, cache: cache, shape: shape,
                              scale: 1 / Float(headDim).squareRoot(), window: window, output: tuned.floats + offset,
                              scores: scores, pool: pool)
                    // The reference one token at a time, for a sample of each batch's tokens (every 23rd, and the
                    // last): the whole of it would take minutes, and each token's output depends on nothing but
                    // its own query and the cache.
                    for t in Set(stride(from: batch.lowerBound, to: batch.upperBound, by: 23)).union([batch.upperBound - 1]) {
                        referenceAttention(queries: queries.floats + t * shape.queryDim, queryStride: shape.queryDim,
                                           tokens: 1, startPosition: t, layer: 0, cache: cache, shape: shape,
                                           scale: 1 / Float(headDim).squareRoot(), window: window,
                                           output: plain.floats + t * shape.queryDim)
                        for i in t * shape.queryDim..<(t + 1) * shape.queryDim {
                            largest = max(largest, abs(tuned.floats[i] - plain.floats[i]))
                        }
                    }
                }
                // Outputs are weighted means of values in [-1, 1]: F32 sums over at most 640 positions and the
                // vectorized exp (relative error ~1e-7) stay far below 1e-4; a wrong key, value or weight would
                // not.
                XCTAssertLessThan(largest, 1e-4, "\(heads)/\(kvHeads) heads, dim \(headDim), window \(window.map(String.init) ?? "none")")
            }
        }
    }
}
