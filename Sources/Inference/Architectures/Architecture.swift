import GGUF
import Quants

/// A decoder-only transformer: one file per architecture, registered by its `general.architecture` name.
///
/// `forward` evaluates a batch of consecutive tokens of one sequence, appends their keys and values to the
/// cache, and writes the logits of the last `logitRows` tokens of the batch to `state.logits`, one row of
/// `vocabularySize` floats each. Everything it touches is preallocated in `RunState`, so decoding allocates
/// nothing.
public protocol Architecture: AnyObject, Sendable {
    var shape: ModelShape { get }
    func forward(_ tokens: UnsafeBufferPointer<Int32>, startPosition: Int, logitRows: Int,
                 state: RunState, cache: KVCache)
}

/// The architectures this engine runs, keyed by `general.architecture`. Adding one is a new file in this
/// folder plus one row here.
public enum ArchitectureRegistry {
    public static let builders: [String: @Sendable (WeightLoader) throws -> any Architecture] = [
        "llama": { try Llama(loader: $0) },
        "qwen2": { try Qwen2.load($0) },
        "gemma3": { try Gemma3(loader: $0) },
    ]

    public static func load(_ file: GGUFFile) throws -> any Architecture {
        let name = try file.string("general.architecture")
        guard let build = builders[name] else {
            throw ModelError.unknownArchitecture(name, known: builders.keys.sorted())
        }
        let loader = WeightLoader(file: file)
        let architecture = try build(loader)
        // Rule: the architecture uses every tensor of the file, as llama.cpp requires ("wrong number of
        // tensors"). A tensor it does not read is a misnamed one (a damaged index) or a part of some other
        // model that would silently be left out of the computation.
        if let unused = loader.unusedTensors.first { throw ModelError.unusedTensor(unused) }
        return architecture
    }
}

/// Preallocated activations for batches of up to `maxBatch` tokens (run.c's `RunState`).
public final class RunState: @unchecked Sendable {
    public let maxBatch: Int
    public let maxLogitRows: Int
    let pool: ThreadPool
    let scratch: Scratch
    /// Residual stream, [batch][n_embd].
    let x: UnsafeMutablePointer<Float>
    /// Normalized input of the current sub-layer and its output, [batch][max(n_embd, n_head*head_dim)].
    let xb: UnsafeMutablePointer<Float>
    /// Attention output, [batch][n_head*head_dim]: live from attention to the output projection.
    let xb2: UnsafeMutablePointer<Float>
    /// Queries, keys and values of the batch side by side, [batch][n_head*head_dim + 2*n_head_kv*head_dim]:
    /// live from the q/k/v projection to the end of attention.
    let qkv: UnsafeMutablePointer<Float>
    /// Feed-forward gate and up projections side by side, [batch][2*n_ff], and their product, [batch][n_ff]:
    /// live from the gate/up projection to the down projection.
    ///
    /// Within a layer the attention buffers are dead before the feed-forward ones are written and the other way
    /// round, so `gateUp` shares its memory with `xb2` and `hb` with `qkv` (at a 512-token batch that is 6 MB
    /// less for Gemma 3 270M, touched on every prefill).
    let gateUp: UnsafeMutablePointer<Float>
    let hb: UnsafeMutablePointer<Float>
    /// Attention scores: per thread, one row of the context length for each query head of a KV group.
    let scores: UnsafeMutablePointer<Float>
    /// Output logits, [logitRows][n_vocab].
    public let logits: UnsafeMutablePointer<Float>
    private var owned: [UnsafeMutablePointer<Float>] = []

    /// `weightTypes` are the types of the matrices the model multiplies (their activation formats size the
    /// quantized-activation scratch); the default allows for every type the kernels support.
    public init(shape: ModelShape, contextLength: Int, maxBatch: Int = 256, maxLogitRows: Int = 1,
                batchedProduct: BatchedProduct = .quantized, pool: ThreadPool,
                weightTypes: [GGMLType] = QuantKernels.supportedWeightTypes) {
        self.maxBatch = maxBatch
        self.maxLogitRows = maxLogitRows
        self.pool = pool
        let wide = max(shape.embeddingLength, shape.queryDim)
        scratch = Scratch(maxCols: max(wide, shape.feedForwardLength), maxBatch: maxBatch,
                          threads: pool.threadCount, batchedProduct: batchedProduct, weightTypes: weightTypes)
        var owned: [UnsafeMutablePointer<Float>] = []
        // Left uninitialized on purpose: every step writes a buffer before reading it, and pages never written
        // are never made resident. A session sized for 32 logit rows and 256-token batches that only ever
        // generates one token at a time keeps most of those pages untouched (Gemma 3: 32 rows of its
        // 262,144-token vocabulary are 32 MB).
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            owned.append(pointer)
            return pointer
        }
        x = buffer(maxBatch * shape.embeddingLength)
        xb = buffer(maxBatch * wide)
        xb2 = buffer(maxBatch * max(wide, 2 * shape.feedForwardLength))
        gateUp = xb2
        qkv = buffer(maxBatch * max(shape.queryDim + 2 * shape.kvDim, shape.feedForwardLength))
        hb = qkv
        scores = buffer(pool.threadCount * (shape.headCount / shape.kvHeadCount) * contextLength)
        logits = buffer(maxLogitRows * shape.vocabularySize)
        self.owned = owned
    }

    deinit { owned.forEach { $0.deallocate() } }
}

extension FusedLinear {
    @inline(__always)
    func callAsFunction(_ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>,
                        _ state: RunState) {
        apply(input, count: count, into: output, state)
    }
}

extension Linear {
    /// `apply` with the run state's scratch and threads.
    @inline(__always)
    func callAsFunction(_ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>,
                        _ state: RunState) {
        apply(input, count: count, into: output, scratch: state.scratch, pool: state.pool)
    }
}

/// The token embedding table, `token_embd.weight`: row `id` is token `id`'s vector.
struct Embedding: Sendable {
    let table: Linear

    init(loader: WeightLoader, shape: ModelShape) throws {
        table = try loader.linear("token_embd", rows: shape.vocabularySize, cols: shape.embeddingLength)
    }

    /// Writes the vectors of `tokens` into `out`, [tokens][n_embd], each multiplied by `scale`.
    func lookup(_ tokens: UnsafeBufferPointer<Int32>, into out: UnsafeMutablePointer<Float>, scale: Float = 1) {
        let width = table.cols
        for (t, id) in tokens.enumerated() {
            let row = out + t * width
            QuantKernels.dequantizeRow(type: table.type, table.data + Int(id) * table.rowBytes, count: width, into: row)
            if scale != 1 { for i in 0..<width { row[i] *= scale } }
        }
    }
}

/// The final norm and the projection to vocabulary logits, `output_norm` and `output` (or the token
/// embedding when the model ties them).
struct OutputHead: @unchecked Sendable {
    let norm: UnsafePointer<Float>
    let projection: Linear

    init(loader: WeightLoader, shape: ModelShape, embedding: Embedding) throws {
        norm = try loader.vector("output_norm.weight", count: shape.embeddingLength)
        projection = loader.has("output.weight")
            ? try loader.linear("output", rows: shape.vocabularySize, cols: shape.embeddingLength)
            : embedding.table
    }

    /// Logits of the last `rows` of the `tokens` residual vectors in `state.x`.
    func callAsFunction(tokens: Int, rows: Int, shape: ModelShape, state: RunState) {
        let width = shape.embeddingLength
        rmsNormRows(state.x + (tokens - rows) * width, weight: norm, into: state.xb,
                    rows: rows, count: width, epsilon: shape.rmsEpsilon)
        projection(state.xb, count: rows, into: state.logits, state)
    }
}
