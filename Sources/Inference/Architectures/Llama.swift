import GGUF

// Llama: pre-norm decoder blocks with RMSNorm, rotary positions, grouped-query attention and a SwiGLU
// feed-forward. Covers SmolLM2, TinyLlama, Llama 2/3 and Mistral-style GQA models.
// ref: llama.cpp src/models/llama.cpp; Qwen2 reuses this forward pass (see Qwen2.swift).

final class Llama: Architecture {
    /// Views into the read-only memory map, immutable after loading.
    struct Layer: @unchecked Sendable {
        let attnNorm: UnsafePointer<Float>
        /// attn_q, attn_k, attn_v applied together: [q | k | v]
        let qkv: FusedLinear
        let wo: Linear
        let ffnNorm: UnsafePointer<Float>
        /// ffn_gate, ffn_up applied together: [gate | up]
        let gateUp: FusedLinear
        let ffnDown: Linear
    }

    let shape: ModelShape
    let rope: Rope
    let embedding: Embedding
    let layers: [Layer]
    let output: OutputHead

    /// `architecture` names the metadata key prefix; `ropeStyle` is the only other thing Llama-family
    /// variants change at this level (biases, when a file has them, are picked up by `Linear`).
    init(loader: WeightLoader, architecture: String = "llama", ropeStyle: RopeStyle = .interleaved) throws {
        let file = loader.file
        let shape = try ModelShape(file: file, arch: architecture)
        self.shape = shape
        let ropeBase = try file.positiveFiniteFloat("\(architecture).rope.freq_base", default: 10_000)
        embedding = try Embedding(loader: loader, shape: shape)
        let d = shape.embeddingLength, ff = shape.feedForwardLength
        layers = try (0..<shape.layerCount).map { i in
            let blk = "blk.\(i)"
            return Layer(
                attnNorm: try loader.vector("\(blk).attn_norm.weight", count: d),
                qkv: try loader.fusedQKV(block: blk, shape: shape),
                wo: try loader.linear("\(blk).attn_output", rows: d, cols: shape.queryDim),
                ffnNorm: try loader.vector("\(blk).ffn_norm.weight", count: d),
                gateUp: try loader.fusedGateUp(block: blk, shape: shape),
                ffnDown: try loader.linear("\(blk).ffn_down", rows: d, cols: ff))
        }
        output = try OutputHead(loader: loader, shape: shape, embedding: embedding)
        // Built once the tensors have confirmed the head size: its table has an entry per pair of dimensions, so a
        // forged size built it first at gigabytes and seconds (fuzz-gguf found one) before the tensors refused it.
        rope = Rope(style: ropeStyle, headDim: shape.headDim, base: ropeBase)
    }

    func forward(_ tokens: UnsafeBufferPointer<Int32>, startPosition: Int, logitRows: Int,
                 state s: RunState, cache: KVCache) {
        let n = tokens.count, d = shape.embeddingLength, ff = shape.feedForwardLength
        let qDim = shape.queryDim, kvDim = shape.kvDim, qkvWidth = qDim + 2 * kvDim
        let scale = 1 / Float(shape.headDim).squareRoot()
        embedding.lookup(tokens, into: s.x)

        for (il, layer) in layers.enumerated() {
            // attention: x += wo · attention(rope(wq·norm(x)), rope(wk·norm(x)), wv·norm(x))
            rmsNormRows(s.x, weight: layer.attnNorm, into: s.xb, rows: n, count: d, epsilon: shape.rmsEpsilon)
            layer.qkv(s.xb, count: n, into: s.qkv, s)
            for t in 0..<n {
                let position = startPosition + t
                let q = s.qkv + t * qkvWidth, k = q + qDim, v = k + kvDim
                rope.apply(q, heads: shape.headCount, position: position)
                rope.apply(k, heads: shape.kvHeadCount, position: position)
                storeKV(key: k, value: v, layer: il, position: position, cache: cache)
            }
            attention(queries: s.qkv, queryStride: qkvWidth, tokens: n, startPosition: startPosition, layer: il,
                      cache: cache, shape: shape, scale: scale, window: nil, output: s.xb2, scores: s.scores,
                      pool: s.pool)
            layer.wo(s.xb2, count: n, into: s.xb, s)
            addInPlace(s.x, s.xb, count: n * d)

            // feed-forward: x += down · (silu(gate · norm(x)) * (up · norm(x)))
            rmsNormRows(s.x, weight: layer.ffnNorm, into: s.xb, rows: n, count: d, epsilon: shape.rmsEpsilon)
            layer.gateUp(s.xb, count: n, into: s.gateUp, s)
            GatedActivation.swiglu.apply(s.gateUp, tokens: n, width: ff, into: s.hb, pool: s.pool)
            layer.ffnDown(s.hb, count: n, into: s.xb, s)
            addInPlace(s.x, s.xb, count: n * d)
        }
        output(tokens: n, rows: logitRows, shape: shape, state: s)
    }
}
