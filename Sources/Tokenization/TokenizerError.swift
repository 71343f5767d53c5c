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
    /// A required token (such as the SentencePiece byte piece `<0x0A>`) is missing from the vocabulary.
    case missingToken(String, reason: String)
    /// libsentencepiece refused the model built from the vocabulary.
    case sentencePieceRejected(String)

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
        case let .missingToken(text, reason):
            return "token \(text.debugDescription) is missing from the vocabulary: \(reason)"
        case let .sentencePieceRejected(message):
            return "libsentencepiece refused the vocabulary: \(message)"
        }
    }

    public static func == (lhs: TokenizerError, rhs: TokenizerError) -> Bool {
        lhs.description == rhs.description
    }
}
