import GGUF

// Gemma 3: like Llama, plus RMS norms on queries and keys, norms after attention and after the
// feed-forward (sandwich norms), GeGLU (tanh GELU), embeddings scaled by sqrt(n_embd), the embedding
// table tied as the output matrix, and sliding-window attention on five of every six layers with their
// own rope base. The `1 +` of Gemma's norm weights is already folded into the GGUF at conversion.
// ref: llama.cpp src/models/gemma3.cpp (and gemma3 hparams in src/llama-model.cpp).

final class Gemma3: Architecture {
    /// Views into the read-only memory map, immutable after loading.
    struct Layer: @unchecked Sendable {
        let attnNorm: UnsafePointer<Float>
        let wq, wk, wv, wo: Linear
        let qNorm, kNorm: UnsafePointer<Float>
        let postAttentionNorm: UnsafePointer<Float>
        let ffnNorm: UnsafePointer<Float>
        let ffnGate, ffnUp, ffnDown: Linear
        let postFfnNorm: UnsafePointer<Float>
        /// Sliding-window layers see only the last `window` positions and use the local rope.
        let slidingWindow: Bool
    }

    /// Every sixth layer attends globally; the other five use the sliding window (llama.cpp's swa pattern 6).
    static let slidingWindowPattern = 6
    /// Rope base of the sliding-window layers (rope_freq_base_train_swa; not in the GGUF).
    static let localRopeBase: Float = 10_000

    let shape: ModelShape
    let window: Int
    let globalRope: Rope
    let localRope: Rope
    let embedding: Embedding
    let layers: [Layer]
    let output: OutputHead

    init(loader: WeightLoader) throws {
        let file = loader.file
        let shape = try ModelShape(file: file, arch: "gemma3")
        self.shape = shape
        window = try file.int("gemma3.attention.sliding_window")
        guard window > 0 else { throw ModelError.invalidHyperparameter(key: "gemma3.attention.sliding_window") }
        let ropeBase = try file.optional("gemma3.rope.freq_base", file.float) ?? 1_000_000
        let ropeScale = try file.optional("gemma3.rope.scaling.factor", file.float) ?? 1
        globalRope = Rope(style: .halves, headDim: shape.headDim, base: ropeBase, linearScale: ropeScale)
        localRope = Rope(style: .halves, headDim: shape.headDim, base: Self.localRopeBase)
        embedding = try Embedding(loader: loader, shape: shape)
        let d = shape.embeddingLength, ff = shape.feedForwardLength
        layers = try (0..<shape.layerCount).map { i in
            let blk = "blk.\(i)"
            return Layer(
                attnNorm: try loader.vector("\(blk).attn_norm.weight", count: d),
                wq: try loader.linear("\(blk).attn_q", rows: shape.queryDim, cols: d),
                wk: try loader.linear("\(blk).attn_k", rows: shape.kvDim, cols: d),
                wv: try loader.linear("\(blk).attn_v", rows: shape.kvDim, cols: d),
                wo: try loader.linear("\(blk).attn_output", rows: d, cols: shape.queryDim),
                qNorm: try loader.vector("\(blk).attn_q_norm.weight", count: shape.headDim),
                kNorm: try loader.vector("\(blk).attn_k_norm.weight", count: shape.headDim),
                postAttentionNorm: try loader.vector("\(blk).post_attention_norm.weight", count: d),
                ffnNorm: try loader.vector("\(blk).ffn_norm.weight", count: d),
                ffnGate: try loader.linear("\(blk).ffn_gate", rows: ff, cols: d),
                ffnUp: try loader.linear("\(blk).ffn_up", rows: ff, cols: d),
                ffnDown: try loader.linear("\(blk).ffn_down", rows: d, cols: ff),
                postFfnNorm: try loader.vector("\(blk).post_ffw_norm.weight", count: d),
                slidingWindow: (i + 1) % Self.slidingWindowPattern != 0)
        }
        output = try OutputHead(loader: loader, shape: shape, embedding: embedding)
    }

    func forward(_ tokens: UnsafeBufferPointer<Int32>, startPosition: Int, logitRows: Int,
                 state s: RunState, cache: KVCache) {
        let n = tokens.count, d = shape.embeddingLength, ff = shape.feedForwardLength
        let eps = shape.rmsEpsilon
        // Gemma's query scale is 1/sqrt(head_dim) (hparams.f_attention_scale for the small models).
        let scale = 1 / Float(shape.headDim).squareRoot()
        embedding.lookup(tokens, into: s.x, scale: Float(d).squareRoot())

        for (il, layer) in layers.enumerated() {
            let rope = layer.slidingWindow ? localRope : globalRope
            // attention with per-head q/k norms, then a norm on its output before the residual add
            rmsNormRows(s.x, weight: layer.attnNorm, into: s.xb, rows: n, count: d, epsilon: eps)
            layer.wq(s.xb, count: n, into: s.q, s)
            layer.wk(s.xb, count: n, into: s.k, s)
            layer.wv(s.xb, count: n, into: s.v, s)
            rmsNormRows(s.q, weight: layer.qNorm, into: s.q, rows: n * shape.headCount, count: shape.headDim, epsilon: eps)
            rmsNormRows(s.k, weight: layer.kNorm, into: s.k, rows: n * shape.kvHeadCount, count: shape.headDim, epsilon: eps)
            for t in 0..<n {
                let position = startPosition + t
                rope.apply(s.q + t * shape.queryDim, heads: shape.headCount, position: position)
                rope.apply(s.k + t * shape.kvDim, heads: shape.kvHeadCount, position: position)
                storeKV(key: s.k + t * shape.kvDim, value: s.v + t * shape.kvDim,
                        layer: il, position: position, cache: cache)
            }
            attention(queries: s.q, tokens: n, startPosition: startPosition, layer: il, cache: cache,
                      shape: shape, scale: scale, window: layer.slidingWindow ? window : nil,
                      output: s.xb2, scores: s.scores, pool: s.pool)
            layer.wo(s.xb2, count: n, into: s.xb, s)
            rmsNormRows(s.xb, weight: layer.postAttentionNorm, into: s.xb, rows: n, count: d, epsilon: eps)
            addInPlace(s.x, s.xb, count: n * d)

            // feed-forward: x += norm(down · (gelu(gate · norm(x)) * (up · norm(x))))
            rmsNormRows(s.x, weight: layer.ffnNorm, into: s.xb, rows: n, count: d, epsilon: eps)
            layer.ffnGate(s.xb, count: n, into: s.hb, s)
            layer.ffnUp(s.xb, count: n, into: s.hb2, s)
            geglu(s.hb, s.hb2, count: n * ff)
            layer.ffnDown(s.hb, count: n, into: s.xb, s)
            rmsNormRows(s.xb, weight: layer.postFfnNorm, into: s.xb, rows: n, count: d, epsilon: eps)
            addInPlace(s.x, s.xb, count: n * d)
        }
        output(tokens: n, rows: logitRows, shape: shape, state: s)
    }
}
