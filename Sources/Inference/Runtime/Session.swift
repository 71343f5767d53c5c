import GGUF

/// One conversation or document with a model: the tokens evaluated so far, their KV cache and the buffers.
///
/// A session keeps its cache between calls, so a follow-up that starts with what was already evaluated (the
/// next chat turn, a second question about the same record) only evaluates the new tokens: `evaluate(prompt:)`
/// reuses the longest common prefix. Not thread-safe: use one session per concurrent request.
///
/// ```swift
/// let model = try LanguageModel(path: "model.gguf")
/// let session = Session(model: model, contextLength: 2048, threads: 2)
/// var logits = try session.evaluate(prompt: model.tokenizer.encode("The patient"))
/// ```
public final class Session: @unchecked Sendable {
    public let model: LanguageModel
    public let cache: KVCache
    public let state: RunState
    /// The tokens whose keys and values are in the cache, in order.
    public private(set) var tokens: [Int32] = []
    public var contextLength: Int { cache.capacity }

    /// Tokens evaluated together at most, when not told otherwise. Prompts longer than this go in several
    /// batches. The batch buffers grow with it (about 39 KB per token for Gemma 3 270M); on this machine 256 is
    /// no slower for prefill than 512.
    public static let defaultMaxBatch = 256

    public init(model: LanguageModel, contextLength: Int = 4096, threads: Int = 2, maxBatch: Int = Session.defaultMaxBatch,
                maxLogitRows: Int = 32, batchedProduct: BatchedProduct = .quantized) {
        let shape = model.architecture.shape
        let context = max(1, contextLength)
        self.model = model
        cache = KVCache(layerCount: shape.layerCount, capacity: context, kvDim: shape.kvDim)
        state = RunState(shape: shape, contextLength: context, maxBatch: max(1, maxBatch),
                         maxLogitRows: max(1, maxLogitRows), batchedProduct: batchedProduct,
                         pool: model.threadPool(threads), weightTypes: model.matrixTypes)
        tokens.reserveCapacity(context)
    }

    public var vocabularySize: Int { model.architecture.shape.vocabularySize }

    /// Drops everything after the first `count` tokens.
    public func rewind(to count: Int) {
        let keep = min(max(0, count), tokens.count)
        tokens.removeLast(tokens.count - keep)  // keeps the storage: no reallocation on the next append
        cache.truncate(to: keep)
    }

    /// Makes the cache hold exactly `prompt`, evaluating only what differs from what it holds now, and
    /// returns the logits after its last token. At least the last token is always evaluated, so logits are fresh.
    @discardableResult
    public func evaluate(prompt: [Int32]) throws -> Logits {
        guard !prompt.isEmpty else { throw ModelError.emptyPrompt }
        let common = reusablePrefixLength(for: prompt)
        rewind(to: common)
        return try append(Array(prompt[common...]))
    }

    /// How many leading tokens of `prompt` the cache already holds and `evaluate(prompt:)` will keep: the common
    /// prefix, short of the prompt's last token, which is always evaluated so that its logits are fresh.
    public func reusablePrefixLength(for prompt: [Int32]) -> Int {
        var common = 0
        while common < min(prompt.count - 1, tokens.count), prompt[common] == tokens[common] { common += 1 }
        return common
    }

    /// Evaluates `newTokens` after what the cache holds and returns the logits after the last one.
    @discardableResult
    public func append(_ newTokens: [Int32]) throws -> Logits {
        try newTokens.withUnsafeBufferPointer { try run($0, logitRows: 1) }
        return Logits(owner: state, rows: 1, rowLength: vocabularySize)
    }

    /// One decode step: evaluates `token` and returns the logits after it. Allocates nothing (once the
    /// token history has grown its storage), which is what a generation loop calls per token.
    @discardableResult
    public func append(token: Int32) throws -> Logits {
        var token = token
        try withUnsafePointer(to: &token) { try run(UnsafeBufferPointer(start: $0, count: 1), logitRows: 1) }
        return Logits(owner: state, rows: 1, rowLength: vocabularySize)
    }

    /// Evaluates `newTokens` and returns the logits after each of the last `logitRows` of them, as rows of
    /// the vocabulary size, valid until the next call. Batches longer than `maxBatch` are split.
    public func appendReturningLogits(_ newTokens: [Int32], logitRows: Int) throws -> Logits {
        try newTokens.withUnsafeBufferPointer { try run($0, logitRows: logitRows) }
        return Logits(owner: state, rows: logitRows, rowLength: vocabularySize)
    }

    private func run(_ newTokens: UnsafeBufferPointer<Int32>, logitRows: Int) throws {
        guard !newTokens.isEmpty else { throw ModelError.emptyPrompt }
        precondition(logitRows >= 1 && logitRows <= min(newTokens.count, state.maxLogitRows), "logitRows out of range")
        let needed = tokens.count + newTokens.count
        guard needed <= cache.capacity else { throw ModelError.contextFull(limit: cache.capacity, needed: needed) }
        let vocabulary = vocabularySize
        for id in newTokens where id < 0 || Int(id) >= vocabulary {
            throw ModelError.tokenOutOfRange(id: id, vocabularySize: vocabulary)
        }
        // Split into batches; the logits rows must all come from the final batch.
        var start = 0
        while start < newTokens.count {
            var end = min(newTokens.count, start + state.maxBatch)
            let tail = newTokens.count - end
            if tail > 0 && tail < logitRows { end = newTokens.count - logitRows }  // keep wanted rows together
            let isLast = end == newTokens.count
            let batch = UnsafeBufferPointer(rebasing: newTokens[start..<end])
            model.architecture.forward(batch, startPosition: tokens.count, logitRows: isLast ? logitRows : 1,
                                       state: state, cache: cache)
            tokens.append(contentsOf: batch)
            cache.count = tokens.count
            start = end
        }
    }
}
