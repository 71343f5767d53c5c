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
        /// attn_q, attn_k, attn_v applied together: [q | k | v]
        let qkv: FusedLinear
        let wo: Linear
        let qNorm, kNorm: UnsafePointer<Float>
        let postAttentionNorm: UnsafePointer<Float>
        let ffnNorm: UnsafePointer<Float>
        /// ffn_gate, ffn_up applied together: [gate | up]
        let gateUp: FusedLinear
        let ffnDown: Linear
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
        let ropeBase = try file.positiveFiniteFloat("gemma3.rope.freq_base", default: 1_000_000)
        let ropeScale = try file.positiveFiniteFloat("gemma3.rope.scaling.factor", default: 1)
        embedding = try Embedding(loader: loader, shape: shape)
        let d = shape.embeddingLength, ff = shape.feedForwardLength
        layers = try (0..<shape.layerCount).map { i in
            let blk = "blk.\(i)"
            return Layer(
                attnNorm: try loader.vector("\(blk).attn_norm.weight", count: d),
                qkv: try loader.fusedQKV(block: blk, shape: shape),
                wo: try loader.linear("\(blk).attn_output", rows: d, cols: shape.queryDim),
                qNorm: try loader.vector("\(blk).attn_q_norm.weight", count: shape.headDim),
                kNorm: try loader.vector("\(blk).attn_k_norm.weight", count: shape.headDim),
                postAttentionNorm: try loader.vector("\(blk).post_attention_norm.weight", count: d),
                ffnNorm: try loader.vector("\(blk).ffn_norm.weight", count: d),
                gateUp: try loader.fusedGateUp(block: blk, shape: shape),
                ffnDown: try loader.linear("\(blk).ffn_down", rows: d, cols: ff),
                postFfnNorm: try loader.vector("\(blk).post_ffw_norm.weight", count: d),
                slidingWindow: (i + 1) % Self.slidingWindowPattern != 0)
        }
        output = try OutputHead(loader: loader, shape: shape, embedding: embedding)
        // Built once the tensors (attn_q_norm has head_dim weights) have confirmed the head size.
        globalRope = Rope(style: .halves, headDim: shape.headDim, base: ropeBase, linearScale: ropeScale)
        localRope = Rope(style: .halves, headDim: shape.headDim, base: Self.localRopeBase)
    }

    func forward(_ tokens: UnsafeBufferPointer<Int32>, startPosition: Int, logitRows: Int,
                 state s: RunState, cache: KVCache) {
        let n = tokens.count, d = shape.embeddingLength, ff = shape.feedForwardLength
        let qDim = shape.queryDim, kvDim = shape.kvDim, qkvWidth = qDim + 2 * kvDim
        let eps = shape.rmsEpsilon
        // Gemma's query scale is 1/sqrt(head_dim) (hparams.f_attention_scale for the small models).
        let scale = 1 / Float(shape.headDim).squareRoot()
        embedding.lookup(tokens, into: s.x, scale: Float(d).squareRoot())

        for (il, layer) in layers.enumerated() {
            let rope = layer.slidingWindow ? localRope : globalRope
            // attention with per-head q/k norms, then a norm on its output before the residual add
            rmsNormRows(s.x, weight: layer.attnNorm, into: s.xb, rows: n, count: d, epsilon: eps)
            layer.qkv(s.xb, count: n, into: s.qkv, s)
            for t in 0..<n {
                let position = startPosition + t
                let q = s.qkv + t * qkvWidth, k = q + qDim, v = k + kvDim
                rmsNormRows(q, weight: layer.qNorm, into: q, rows: shape.headCount, count: shape.headDim, epsilon: eps)
                rmsNormRows(k, weight: layer.kNorm, into: k, rows: shape.kvHeadCount, count: shape.headDim, epsilon: eps)
                rope.apply(q, heads: shape.headCount, position: position)
                rope.apply(k, heads: shape.kvHeadCount, position: position)
                storeKV(key: k, value: v, layer: il, position: position, cache: cache)
            }
            attention(queries: s.qkv, queryStride: qkvWidth, tokens: n, startPosition: startPosition, layer: il,
                      cache: cache, shape: shape, scale: scale, window: layer.slidingWindow ? window : nil,
                      output: s.xb2, scores: s.scores, pool: s.pool)
            layer.wo(s.xb2, count: n, into: s.xb, s)
            rmsNormRows(s.xb, weight: layer.postAttentionNorm, into: s.xb, rows: n, count: d, epsilon: eps)
            addInPlace(s.x, s.xb, count: n * d)

            // feed-forward: x += norm(down · (gelu(gate · norm(x)) * (up · norm(x))))
            rmsNormRows(s.x, weight: layer.ffnNorm, into: s.xb, rows: n, count: d, epsilon: eps)
            layer.gateUp(s.xb, count: n, into: s.gateUp, s)
            GatedActivation.gelu.apply(s.gateUp, tokens: n, width: ff, into: s.hb, pool: s.pool)
            layer.ffnDown(s.hb, count: n, into: s.xb, s)
            rmsNormRows(s.xb, weight: layer.postFfnNorm, into: s.xb, rows: n, count: d, epsilon: eps)
            addInPlace(s.x, s.xb, count: n * d)
        }
        output(tokens: n, rows: logitRows, shape: shape, state: s)
    }
}
