/// Everything that can stop a tokenizer from being built from a GGUF file. Each case names the metadata key or
/// the token that is wrong.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// `tokenizer.ggml.model` names a vocabulary type this engine does not implement.
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this engine does not implement (never silently replaced).
    case unknownPreTokenizer(String)
    /// An array such as `tokenizer.ggml.scores` has fewer entries than there are tokens.
    case arrayTooShort(key: String, count: Int, tokens: Int)
    /// The same token text appears twice in `tokenizer.ggml.tokens`.
    case duplicateToken(String, ids: (Int, Int))
    /// The decoded pieces of all tokens together exceed the 4 GiB a piece table indexes (only a forged
    /// vocabulary gets near: real ones take a few megabytes).
    case piecesTooLarge(bytes: Int)

    public var description: String {
        switch self {
        case let .unsupportedModel(model):
            return "tokenizer.ggml.model '\(model)' is not supported (supported: 'gpt2' byte-level BPE, 'llama' SentencePiece)"
        case let .unknownPreTokenizer(label):
            return "unknown pre-tokenizer type '\(label)' in tokenizer.ggml.pre (supported: \(PreTokenizer.supportedLabels.joined(separator: ", ")))"
        case let .arrayTooShort(key, count, tokens):
            return "\(key) has \(count) entries but tokenizer.ggml.tokens has \(tokens)"
        case let .duplicateToken(text, ids):
            return "token text \(text.debugDescription) appears twice in tokenizer.ggml.tokens (ids \(ids.0) and \(ids.1))"
        case let .piecesTooLarge(bytes):
            return "the vocabulary's decoded pieces take more than 4 GiB (\(bytes) bytes so far)"
        }
    }

    public static func == (lhs: TokenizerError, rhs: TokenizerError) -> Bool {
        lhs.description == rhs.description
    }
}
