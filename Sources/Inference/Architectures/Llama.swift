import GGUF

// Llama: pre-norm decoder blocks with RMSNorm, rotary positions, grouped-query attention and a SwiGLU
// feed-forward. Covers SmolLM2, TinyLlama, Llama 2/3 and Mistral-style GQA models.
// ref: llama.cpp src/models/llama.cpp; Qwen2 reuses this forward pass (see Qwen2.swift).

final class Llama: Architecture {
    /// Views into the read-only memory map, immutable after loading.
    struct Layer: @unchecked Sendable {
        let attnNorm: UnsafePointer<Float>
        let wq, wk, wv, wo: Linear
        let ffnNorm: UnsafePointer<Float>
        let ffnGate, ffnUp, ffnDown: Linear
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
        let ropeBase = try file.optional("\(architecture).rope.freq_base", file.float) ?? 10_000
        rope = Rope(style: ropeStyle, headDim: shape.headDim, base: ropeBase)
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
                ffnNorm: try loader.vector("\(blk).ffn_norm.weight", count: d),
                ffnGate: try loader.linear("\(blk).ffn_gate", rows: ff, cols: d),
                ffnUp: try loader.linear("\(blk).ffn_up", rows: ff, cols: d),
                ffnDown: try loader.linear("\(blk).ffn_down", rows: d, cols: ff))
        }
        output = try OutputHead(loader: loader, shape: shape, embedding: embedding)
    }

    func forward(_ tokens: UnsafeBufferPointer<Int32>, startPosition: Int, logitRows: Int,
                 state s: RunState, cache: KVCache) {
        let n = tokens.count, d = shape.embeddingLength, ff = shape.feedForwardLength
        let scale = 1 / Float(shape.headDim).squareRoot()
        embedding.lookup(tokens, into: s.x)

        for (il, layer) in layers.enumerated() {
            // attention: x += wo · attention(rope(wq·norm(x)), rope(wk·norm(x)), wv·norm(x))
            rmsNormRows(s.x, weight: layer.attnNorm, into: s.xb, rows: n, count: d, epsilon: shape.rmsEpsilon)
            layer.wq(s.xb, count: n, into: s.q, s)
            layer.wk(s.xb, count: n, into: s.k, s)
            layer.wv(s.xb, count: n, into: s.v, s)
            for t in 0..<n {
                let position = startPosition + t
                rope.apply(s.q + t * shape.queryDim, heads: shape.headCount, position: position)
                rope.apply(s.k + t * shape.kvDim, heads: shape.kvHeadCount, position: position)
                storeKV(key: s.k + t * shape.kvDim, value: s.v + t * shape.kvDim,
                        layer: il, position: position, cache: cache)
            }
            attention(queries: s.q, tokens: n, startPosition: startPosition, layer: il, cache: cache,
                      shape: shape, scale: scale, window: nil, output: s.xb2, scores: s.scores, pool: s.pool)
            layer.wo(s.xb2, count: n, into: s.xb, s)
            addInPlace(s.x, s.xb, count: n * d)

            // feed-forward: x += down · (silu(gate · norm(x)) * (up · norm(x)))
            rmsNormRows(s.x, weight: layer.ffnNorm, into: s.xb, rows: n, count: d, epsilon: shape.rmsEpsilon)
            layer.ffnGate(s.xb, count: n, into: s.hb, s)
            layer.ffnUp(s.xb, count: n, into: s.hb2, s)
            swiglu(s.hb, s.hb2, count: n * ff)
            layer.ffnDown(s.hb, count: n, into: s.xb, s)
            addInPlace(s.x, s.xb, count: n * d)
        }
        output(tokens: n, rows: logitRows, shape: shape, state: s)
    }
}
