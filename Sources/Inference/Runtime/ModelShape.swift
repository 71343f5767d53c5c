import GGUF

/// The sizes every decoder-only transformer here shares, read from `<arch>.*` metadata keys.
public struct ModelShape: Sendable, Equatable {
    /// n_embd, "<arch>.embedding_length"
    public var embeddingLength: Int
    /// n_layer, "<arch>.block_count"
    public var layerCount: Int
    /// n_head, "<arch>.attention.head_count"
    public var headCount: Int
    /// n_head_kv, "<arch>.attention.head_count_kv" (grouped-query attention when smaller than headCount)
    public var kvHeadCount: Int
    /// n_embd_head_k, "<arch>.attention.key_length" (defaults to n_embd / n_head)
    public var headDim: Int
    /// n_ff, "<arch>.feed_forward_length"
    public var feedForwardLength: Int
    /// n_ctx_train, "<arch>.context_length"
    public var trainedContextLength: Int
    public var vocabularySize: Int
    /// f_norm_rms_eps, "<arch>.attention.layer_norm_rms_epsilon"
    public var rmsEpsilon: Float

    public var queryDim: Int { headCount * headDim }
    public var kvDim: Int { kvHeadCount * headDim }

    /// A shape given directly (tests, synthetic models).
    public init(embeddingLength: Int, layerCount: Int, headCount: Int, kvHeadCount: Int, headDim: Int,
                feedForwardLength: Int, trainedContextLength: Int, vocabularySize: Int, rmsEpsilon: Float) {
        self.embeddingLength = embeddingLength
        self.layerCount = layerCount
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.headDim = headDim
        self.feedForwardLength = feedForwardLength
        self.trainedContextLength = trainedContextLength
        self.vocabularySize = vocabularySize
        self.rmsEpsilon = rmsEpsilon
    }

    /// Reads the shared keys of architecture `arch` and checks them for consistency.
    public init(file: GGUFFile, arch: String) throws {
        func key(_ suffix: String) -> String { "\(arch).\(suffix)" }
        embeddingLength = try file.int(key("embedding_length"))
        layerCount = try file.int(key("block_count"))
        headCount = try file.int(key("attention.head_count"))
        kvHeadCount = try file.optional(key("attention.head_count_kv"), file.int) ?? headCount
        feedForwardLength = try file.int(key("feed_forward_length"))
        trainedContextLength = try file.int(key("context_length"))
        rmsEpsilon = try file.positiveFiniteFloat(key("attention.layer_norm_rms_epsilon"))
        let defaultHeadDim = headCount > 0 ? embeddingLength / headCount : 0
        headDim = try file.optional(key("attention.key_length"), file.int) ?? defaultHeadDim
        guard let embedding = file.tensor(named: "token_embd.weight"), embedding.shape.count == 2 else {
            throw GGUFError.missingTensor("token_embd.weight")
        }
        vocabularySize = embedding.shape[1]

        // Rule: every size is at most Int32.max, the reader's limit for a tensor dimension (each of them is one, or
        // a factor of one), so that products such as the query width (head_count × key_length) cannot overflow.
        // This module is compiled -Ounchecked: an overflowed product would wrap silently, could equal a real
        // tensor's width, and would then index memory.
        let size = 1...Int(Int32.max)
        let checks: [(Bool, String)] = [
            (size.contains(embeddingLength), key("embedding_length")),
            (layerCount > 0 && layerCount <= 1024, key("block_count")),
            (size.contains(headCount), key("attention.head_count")),
            (size.contains(kvHeadCount) && headCount % kvHeadCount == 0, key("attention.head_count_kv")),
            (size.contains(headDim) && headDim % 2 == 0, key("attention.key_length")),
            (size.contains(feedForwardLength), key("feed_forward_length")),
            (size.contains(trainedContextLength), key("context_length")),
        ]
        for (ok, name) in checks where !ok {
            throw ModelError.invalidHyperparameter(key: name)
        }
    }
}

extension GGUFFile {
    /// The number at `key` (or `fallback` when absent), refused unless finite and greater than zero.
    ///
    /// Rule: rope bases, rope scales and norm epsilons are finite and positive. A NaN or infinite one turns
    /// every activation into NaN, a zero or negative one makes rope or the norm meaningless; the model would
    /// run and produce garbage, so such a file is refused at load.
    func positiveFiniteFloat(_ key: String, default fallback: Float? = nil) throws -> Float {
        guard let value = try optional(key, float) ?? fallback else { throw GGUFError.missingKey(key) }
        guard value.isFinite, value > 0 else { throw ModelError.notPositiveFinite(key: key, value: value) }
        return value
    }
}

/// Errors of model construction and use that are not about the GGUF container itself.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    case unknownArchitecture(String, known: [String])
    case invalidHyperparameter(key: String)
    /// A rope base, rope scale or norm epsilon that is NaN, infinite, zero or negative.
    case notPositiveFinite(key: String, value: Float)
    /// `tokenizer.ggml.tokens` does not have one text per row of `token_embd.weight`.
    case vocabularyMismatch(tokens: Int, embeddingRows: Int)
    /// A tensor of the file that the architecture does not use.
    case unusedTensor(String)
    case tensorShape(name: String, expected: [Int], found: [Int])
    case unsupportedTensorType(name: String, type: String)
    case contextFull(limit: Int, needed: Int)
    case emptyPrompt
    case tokenOutOfRange(id: Int32, vocabularySize: Int)
    case modelNotFound(String, known: [String])
    case cancelled
    /// An environment variable holds a value that is none of those it takes.
    case badSetting(variable: String, value: String, allowed: [String])

    public var description: String {
        switch self {
        case let .unknownArchitecture(name, known):
            return "general.architecture '\(name)' is not supported (supported: \(known.joined(separator: ", ")))"
        case let .invalidHyperparameter(key):
            return "metadata key '\(key)' has an invalid value"
        case let .notPositiveFinite(key, value):
            return "metadata key '\(key)' is \(value); it must be a finite number greater than zero"
        case let .vocabularyMismatch(tokens, rows):
            return "tokenizer.ggml.tokens has \(tokens) texts but token_embd.weight has \(rows) rows; they must be equal"
        case let .unusedTensor(name):
            return "tensor '\(name)' is not one this architecture uses (a misnamed or foreign tensor)"
        case let .tensorShape(name, expected, found):
            return "tensor '\(name)' has shape \(found), expected \(expected)"
        case let .unsupportedTensorType(name, type):
            return "tensor '\(name)' has type \(type), which this engine cannot use there"
        case let .contextFull(limit, needed):
            return "the context holds \(limit) tokens but \(needed) are needed; shorten the input or raise --context"
        case .emptyPrompt:
            return "the prompt is empty (no tokens to evaluate)"
        case let .tokenOutOfRange(id, size):
            return "token id \(id) is outside the vocabulary (0..<\(size))"
        case let .modelNotFound(name, known):
            return "no model file or bundled model named '\(name)' (bundled: \(known.joined(separator: ", ")))"
        case .cancelled:
            return "cancelled"
        case let .badSetting(variable, value, allowed):
            return "\(variable)=\(value) is not a setting it takes; use one of \(allowed.joined(separator: ", "))"
        }
    }
}
