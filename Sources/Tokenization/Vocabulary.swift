import GGUF

/// GGUF metadata keys the tokenizer reads (llama.cpp's `LLM_KV_TOKENIZER_*`, src/llama-arch.cpp).
enum TokenizerKey {
    static let model = "tokenizer.ggml.model"
    static let pre = "tokenizer.ggml.pre"
    static let tokens = "tokenizer.ggml.tokens"
    static let tokenType = "tokenizer.ggml.token_type"
    static let scores = "tokenizer.ggml.scores"
    static let merges = "tokenizer.ggml.merges"
    static let bosID = "tokenizer.ggml.bos_token_id"
    static let eosID = "tokenizer.ggml.eos_token_id"
    static let eotID = "tokenizer.ggml.eot_token_id"
    static let eomID = "tokenizer.ggml.eom_token_id"
    static let unknownID = "tokenizer.ggml.unknown_token_id"
    static let paddingID = "tokenizer.ggml.padding_token_id"
    static let fimPadID = "tokenizer.ggml.fim_pad_token_id"
    static let fimRepID = "tokenizer.ggml.fim_rep_token_id"
    static let fimSepID = "tokenizer.ggml.fim_sep_token_id"
    static let addBOS = "tokenizer.ggml.add_bos_token"
    static let addEOS = "tokenizer.ggml.add_eos_token"
    static let addSpacePrefix = "tokenizer.ggml.add_space_prefix"
    /// Read only for llama.cpp's per-model special-token whitespace rules.
    static let generalName = "general.name"
    static let generalArchitecture = "general.architecture"
}

/// What a token is, as llama.cpp's `llama_token_attr` bits (the GGUF stores a `token_type` per token; llama.cpp
/// turns it into these and then adjusts a few by their text, which `Vocabulary` repeats).
public struct TokenAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let unknown = TokenAttributes(rawValue: 1 << 0)
    public static let unused = TokenAttributes(rawValue: 1 << 1)
    public static let normal = TokenAttributes(rawValue: 1 << 2)
    public static let control = TokenAttributes(rawValue: 1 << 3)
    public static let userDefined = TokenAttributes(rawValue: 1 << 4)
    public static let byte = TokenAttributes(rawValue: 1 << 5)
    /// llama.cpp's LSTRIP: when found as a special token, whitespace before it is dropped.
    public static let stripsLeft = TokenAttributes(rawValue: 1 << 7)
    /// llama.cpp's RSTRIP: when found as a special token, whitespace after it is dropped.
    public static let stripsRight = TokenAttributes(rawValue: 1 << 8)

    /// The values `tokenizer.ggml.token_type` may hold: llama.cpp's `LLAMA_TOKEN_TYPE_*`, 0 (undefined) to 6 (byte).
    static let ggufTokenTypes = 0...6

    /// From a GGUF `tokenizer.ggml.token_type` value (one of `ggufTokenTypes`); 0 is "undefined": no bits.
    init(ggufTokenType type: Int) {
        switch type {
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: self = []
        }
    }
}

/// Token scores: read from the map (the file stores them as `float32`), 0 for every token when the file has
/// none (llama.cpp's default).
enum TokenScores: Sendable {
    case inPlace(GGUFFloat32Elements)
    case none

    subscript(id: Int) -> Float {
        switch self {
        case let .inPlace(elements): return elements[id]
        case .none: return 0
        }
    }
}

/// The two vocabulary families llama.cpp calls SPM and BPE.
enum VocabularyKind: Sendable {
    case sentencePiece  // tokenizer.ggml.model = "llama"
    case byteLevelBPE   // tokenizer.ggml.model = "gpt2"
}

/// A GGUF vocabulary with llama.cpp's view of it: texts, scores, attributes, the special ids and the set of
/// end-of-generation tokens. Port of the vocabulary part of `llama_vocab::impl::load` (llama.cpp
/// src/llama-vocab.cpp, MIT).
final class Vocabulary: Sendable {
    let kind: VocabularyKind
    /// Texts (in the file's memory map) and the id of each text.
    let texts: TokenTexts
    /// SentencePiece merge priorities (byte-level BPE ranks its merges by their order instead).
    let scores: TokenScores
    let attributes: [TokenAttributes]

    let bos: Int32?
    let eos: Int32?
    let eot: Int32?
    let unknown: Int32?
    let padding: Int32?
    let endOfGeneration: Set<Int32>

    /// llama.cpp's `add_bos` / `add_eos` after the metadata overrides.
    let addsBOS: Bool
    let addsEOS: Bool
    /// llama.cpp's `add_space_prefix`: SentencePiece text gets a leading space before each raw fragment that
    /// starts the text or follows a special token.
    let addsSpacePrefix: Bool

    var count: Int { texts.count }

    /// The id of the token whose text is byte for byte `text`.
    func id(forText text: String) -> Int32? { texts.id(for: text) }

    init(file: GGUFFile, kind: VocabularyKind, preTokenizer: PreTokenizer?) throws {
        self.kind = kind
        // The texts stay in the map: no `[String]` of the whole vocabulary is ever built.
        let texts = try TokenTexts(file.array(TokenizerKey.tokens))
        let count = texts.count

        let scores: TokenScores
        if file.metadata.contains(TokenizerKey.scores) {
            let array = try file.array(TokenizerKey.scores)
            // Rule: scores are an array of float32, as the spec gives them. llama.cpp reads the array's bytes as
            // floats whatever type the file declares, so any other element type means numbers it would misread.
            guard let inPlace = array.float32Elements() else {
                throw GGUFError.wrongType(key: TokenizerKey.scores, expected: "array<float32>", found: array.typeName)
            }
            guard array.count >= count else {
                throw TokenizerError.arrayTooShort(key: TokenizerKey.scores, count: array.count, tokens: count)
            }
            scores = .inPlace(inPlace)
        } else {
            scores = .none
        }
        var attributes: [TokenAttributes]
        if file.metadata.contains(TokenizerKey.tokenType) {
            let types = try file.array(TokenizerKey.tokenType)
            // Rule: token types are an array of int32, as the spec gives them (llama.cpp reads the bytes as
            // int32 whatever the declared type, so another width would be misread there).
            guard types.elementType == .int32 else {
                throw GGUFError.wrongType(key: TokenizerKey.tokenType, expected: "array<int32>", found: types.typeName)
            }
            guard types.count >= count else {
                throw TokenizerError.arrayTooShort(key: TokenizerKey.tokenType, count: types.count, tokens: count)
            }
            // Converted straight from the map, without an intermediate `[Int]`; the first value outside the
            // enumeration is kept for the error.
            var id = 0
            var invalid: (id: Int, type: Int)?
            attributes = try types.map(expected: "array<int32>") { value in
                defer { id += 1 }
                guard let type = value.intValue else { return nil }
                if invalid == nil, id < count, !TokenAttributes.ggufTokenTypes.contains(type) { invalid = (id, type) }
                return TokenAttributes(ggufTokenType: type)
            }
            // Rule: every token's type is in the enumeration. llama.cpp maps other values to "undefined" (no
            // text when decoded), which hides a damaged or misread array instead of reporting it.
            if let invalid { throw TokenizerError.invalidTokenType(id: invalid.id, type: invalid.type) }
            attributes.removeLast(attributes.count - count)
        } else {
            attributes = Array(repeating: .normal, count: count)
        }

        // Rule: no empty token texts where the tokenizer type forbids them. SentencePiece refuses empty pieces
        // (libsentencepiece's own check), and a byte-level BPE normal or byte token is at least one byte by
        // construction. llama.cpp renames every empty text "[EMPTY_<id>]" and goes on; that stays for the
        // control and unused tokens of BPE vocabularies, where a text is a name and never matched as input.
        for id in texts.emptyTextIDs where kind == .sentencePiece || !attributes[id].isDisjoint(with: [.normal, .byte]) {
            throw TokenizerError.emptyToken(id: id)
        }

        // Special ids: llama.cpp's defaults per family, each replaced by the metadata's.
        func specialID(_ key: String, default fallback: Int32?) throws -> Int32? {
            guard let value = try file.optional(key, file.int) else { return fallback.flatMap { $0 < count ? $0 : nil } }
            // Rule: a special id in the metadata names a token of the vocabulary. llama.cpp warns and falls
            // back to its default; here ids index the vocabulary's tables, so a wrong one is refused.
            guard value >= 0, value < count else {
                throw TokenizerError.specialTokenOutOfRange(key: key, id: value, vocabularySize: count)
            }
            return Int32(value)
        }
        let defaults: (bos: Int32?, eos: Int32?, unknown: Int32?) = kind == .sentencePiece ? (1, 2, 0) : (11, 11, nil)
        let bos = try specialID(TokenizerKey.bosID, default: defaults.bos)
        let eos = try specialID(TokenizerKey.eosID, default: defaults.eos)
        var eot = try specialID(TokenizerKey.eotID, default: nil)
        var eom = try specialID(TokenizerKey.eomID, default: nil)
        let unknown = try specialID(TokenizerKey.unknownID, default: defaults.unknown)
        let padding = try specialID(TokenizerKey.paddingID, default: nil)
        var fimPad = try specialID(TokenizerKey.fimPadID, default: nil)
        var fimRep = try specialID(TokenizerKey.fimRepID, default: nil)
        var fimSep = try specialID(TokenizerKey.fimSepID, default: nil)

        // Tokens found by their text are forced to be control tokens, as llama.cpp does ("control-looking
        // token ... its type will be overridden").
        func findByText(_ candidates: [String]) -> Int32? {
            // llama.cpp walks a hash map and keeps the first hit; when a vocabulary has several candidates its
            // choice is arbitrary. Candidate order is used here, which agrees whenever there is one.
            for text in candidates {
                if let id = texts.id(for: text) {
                    attributes[Int(id)].insert(.control)
                    return id
                }
            }
            return nil
        }
        if eot == nil {
            eot = findByText(["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
                              "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>"])
        }
        if eom == nil { eom = findByText(["<|eom_id|>"]) }
        if fimPad == nil { fimPad = findByText(["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]) }
        if fimRep == nil { fimRep = findByText(["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]) }
        if fimSep == nil { fimSep = findByText(["<|file_sep|>"]) }

        // Control tokens whose text says "unused" are unused (a byte search, as llama.cpp's `strstr`).
        let unusedBytes = Array("unused".utf8)
        for i in 0..<count where attributes[i].contains(.control) {
            let containsUnused = texts.withText(i) { bytes in
                bytes.count >= unusedBytes.count && (0...(bytes.count - unusedBytes.count)).contains {
                    bytes[$0..<($0 + unusedBytes.count)].elementsEqual(unusedBytes)
                }
            }
            if containsUnused { attributes[i].insert(.unused) }
        }

        // End of generation: the FIM pad/repo/file-separator tokens, every token with one of these texts, and
        // the eos/eot/eom ids.
        var endOfGeneration = Set([fimPad, fimRep, fimSep].compactMap { $0 })
        for text in ["<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
                     "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
                     "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
                     "<｜end▁of▁sentence｜>", "[e~["] {
            if let id = texts.id(for: text) {
                endOfGeneration.insert(id)
                attributes[Int(id)].insert(.control)
            }
        }
        // gpt-oss: these are always rendered.
        for text in ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"] {
            if let id = texts.id(for: text) { attributes[Int(id)] = .userDefined }
        }
        endOfGeneration.formUnion([eos, eot, eom].compactMap { $0 })
        // o200k_harmony and solar-open: "<|end|>" is not end of generation when "<|return|>"/"<|call|>" (or
        // "<|calls|>"/"<|flush|>") exist.
        let eogTexts = Set(endOfGeneration.map { texts.bytes(Int($0)) })
        func isEndOfGeneration(_ text: String) -> Bool { eogTexts.contains(Array(text.utf8)) }
        if let endID = texts.id(for: "<|end|>"), endOfGeneration.contains(endID),
           (isEndOfGeneration("<|return|>") && isEndOfGeneration("<|call|>"))
            || (isEndOfGeneration("<|calls|>") && isEndOfGeneration("<|flush|>")) {
            endOfGeneration.remove(endID)
            attributes[Int(endID)] = .userDefined
        }
        // gemma4 and plamo: "</s>" is a normal token.
        if let closeID = texts.id(for: "</s>"), endOfGeneration.contains(closeID),
           isEndOfGeneration("<|tool_response>") || isEndOfGeneration("<|plamo:eos|>") {
            endOfGeneration.remove(closeID)
            attributes[Int(closeID)] = .normal
        }

        // Per-model whitespace stripping around special tokens, chosen by model name as llama.cpp does (the
        // GGUF has no field for it). The set of special tokens is taken before these changes, as there.
        let modelName = (try file.optional(TokenizerKey.generalName, file.string) ?? "").lowercased()
        let preLabel = try file.optional(TokenizerKey.pre, file.string) ?? ""
        let architecture = try file.optional(TokenizerKey.generalArchitecture, file.string) ?? ""
        if ["jina-v2-de", "jina-v2-es", "jina-v2-code"].contains(where: preLabel.contains)
            || ["nomic-bert-moe", "jina-bert-v3"].contains(where: architecture.contains) {
            if let id = texts.id(for: "<mask>") { attributes[Int(id)].insert(.stripsLeft) }
        } else if modelName.contains("phi-3") || modelName.contains("phi3") {
            for i in 0..<count where !attributes[i].isDisjoint(with: [.control, .userDefined, .unknown]) {
                attributes[i].insert(.stripsRight)
            }
            for text in ["<unk>", "<s>", "<|endoftext|>"] {
                if let id = texts.id(for: text) { attributes[Int(id)].remove(.stripsRight) }
            }
        } else if modelName.contains("modern-bert"), let id = texts.id(for: "[MASK]") {
            attributes[Int(id)].insert(.stripsLeft)
        }

        // BOS/EOS policy: the family default, the pre-tokenizer's, then the metadata's word.
        let defaultAddsBOS = kind == .sentencePiece || (preTokenizer?.addsBOSByDefault ?? false)
        self.addsBOS = try file.optional(TokenizerKey.addBOS, file.bool) ?? defaultAddsBOS
        self.addsEOS = try file.optional(TokenizerKey.addEOS, file.bool) ?? false
        self.addsSpacePrefix = try file.optional(TokenizerKey.addSpacePrefix, file.bool) ?? (kind == .sentencePiece)

        self.texts = texts
        self.scores = scores
        self.attributes = attributes
        self.bos = bos
        self.eos = eos
        self.eot = eot
        self.unknown = unknown
        self.padding = padding
        self.endOfGeneration = endOfGeneration
    }
}
