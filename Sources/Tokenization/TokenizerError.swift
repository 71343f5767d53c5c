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
    /// A `tokenizer.ggml.token_type` value outside llama.cpp's enumeration (0 to 6).
    case invalidTokenType(id: Int, type: Int)
    /// A special-token id in the metadata (`key`) that is negative or past the vocabulary.
    case specialTokenOutOfRange(key: String, id: Int, vocabularySize: Int)
    /// An empty token text where the tokenizer type forbids one.
    case emptyToken(id: Int)
    /// A line of `tokenizer.ggml.merges` (rank `rank`) that is not two tokens whose concatenation is a token.
    case invalidMerge(rank: Int, line: String, reason: String)

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
        case let .invalidTokenType(id, type):
            return "tokenizer.ggml.token_type of token \(id) is \(type), outside the token types 0 to 6"
        case let .specialTokenOutOfRange(key, id, size):
            return "\(key) is \(id), outside the vocabulary of \(size) tokens"
        case let .emptyToken(id):
            return "tokenizer.ggml.tokens has an empty text at id \(id), which this tokenizer type does not allow"
        case let .invalidMerge(rank, line, reason):
            return "tokenizer.ggml.merges entry \(rank) \(line.debugDescription): \(reason)"
        }
    }

    public static func == (lhs: TokenizerError, rhs: TokenizerError) -> Bool {
        lhs.description == rhs.description
    }
}
