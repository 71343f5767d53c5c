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
        }
    }

    public static func == (lhs: TokenizerError, rhs: TokenizerError) -> Bool {
        lhs.description == rhs.description
    }
}
