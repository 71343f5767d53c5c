import GGUF

/// Text to token ids and back, exactly as llama.cpp does it for the same GGUF file.
///
/// Two vocabulary families are supported, picked by `tokenizer.ggml.model`:
/// - `gpt2`: byte-level BPE in native Swift, with the pre-tokenizer `tokenizer.ggml.pre` names;
/// - `llama`: SentencePiece, through libsentencepiece, from a model built from the GGUF's vocabulary.
///
/// ```swift
/// let file = try GGUFFile(path: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")
/// let tokenizer = try Tokenizer(file: file)
/// let ids = tokenizer.encode("<|im_start|>user\nHello<|im_end|>", parseSpecial: true)
/// let text = tokenizer.decode(ids)   // the same text back
/// ```
///
/// A `Tokenizer` is immutable after loading and safe to share between threads.
public final class Tokenizer: Sendable {
    /// How raw text (with special tokens already cut out) becomes ids.
    enum Model: Sendable {
        case byteLevelBPE(ByteLevelBPE)
        case sentencePiece(SentencePieceModel)
    }

    let vocabulary: Vocabulary
    let model: Model
    private let specialTokens: SpecialTokenMatcher
    /// The pre-tokenizer, for byte-level BPE vocabularies.
    public let preTokenizer: PreTokenizer?

    /// Loads the tokenizer described by the file's `tokenizer.ggml.*` metadata.
    public init(file: GGUFFile) throws {
        let modelName = try file.string(TokenizerKey.model)
        switch modelName {
        case "gpt2":
            // llama.cpp treats a missing label as "default" (with a warning); an unknown one is an error.
            let label = try file.optional(TokenizerKey.pre, file.string) ?? "default"
            let preTokenizer = try PreTokenizer.named(label)
            let vocabulary = try Vocabulary(file: file, kind: .byteLevelBPE, preTokenizer: preTokenizer)
            let merges = try file.array(TokenizerKey.merges)
            self.vocabulary = vocabulary
            self.preTokenizer = preTokenizer
            self.model = .byteLevelBPE(try ByteLevelBPE(vocabulary: vocabulary, mergeList: merges, preTokenizer: preTokenizer))
        case "llama":
            let vocabulary = try Vocabulary(file: file, kind: .sentencePiece, preTokenizer: nil)
            self.vocabulary = vocabulary
            self.preTokenizer = nil
            self.model = .sentencePiece(try SentencePieceModel(vocabulary: vocabulary))
        default:
            throw TokenizerError.unsupportedModel(modelName)
        }
        specialTokens = SpecialTokenMatcher(vocabulary: vocabulary)
    }

    // MARK: Vocabulary facts

    /// Number of tokens (llama.cpp's `n_vocab`).
    public var vocabularySize: Int { vocabulary.count }
    /// Beginning-of-sequence id, if the vocabulary has one.
    public var bos: Int32? { vocabulary.bos }
    /// End-of-sequence id, if the vocabulary has one.
    public var eos: Int32? { vocabulary.eos }
    /// End-of-turn id (`<|im_end|>`, `<end_of_turn>`, ...), if the vocabulary has one. From the metadata, else
    /// found by text; when a vocabulary has several candidates, llama.cpp's pick depends on hash-map order and
    /// this one takes the first in llama.cpp's candidate list (SmolLM2: `<|im_end|>` here, `<|endoftext|>` there).
    /// Both are in `endOfGeneration` either way.
    public var eot: Int32? { vocabulary.eot }
    /// Every token that ends generation, as llama.cpp's `llama_vocab_is_eog` decides it.
    public var endOfGeneration: Set<Int32> { vocabulary.endOfGeneration }
    /// Whether `encode` adds BOS when not told otherwise (`tokenizer.ggml.add_bos_token`, or llama.cpp's default).
    public var addsBOSByDefault: Bool { vocabulary.addsBOS }
    /// Whether `encode` adds EOS when not told otherwise (`tokenizer.ggml.add_eos_token`).
    public var addsEOSByDefault: Bool { vocabulary.addsEOS }

    public func isEndOfGeneration(_ id: Int32) -> Bool { vocabulary.endOfGeneration.contains(id) }

    /// Whether `id` is a control token (BOS, EOS, `<|im_start|>`, ...). Out-of-range ids are not.
    public func isControl(_ id: Int32) -> Bool { attributes(of: id).contains(.control) }

    /// llama.cpp's attributes of `id` (empty for an out-of-range id).
    public func attributes(of id: Int32) -> TokenAttributes {
        isInRange(id) ? vocabulary.attributes[Int(id)] : []
    }

    /// The id of the special (control, user-defined or unknown) token whose text is exactly `text`, for chat
    /// templates: `specialToken("<|im_start|>")`, `specialToken("<start_of_turn>")`.
    public func specialToken(_ text: String) -> Int32? { specialTokens.token(forText: text) }

    /// The id of the token whose vocabulary text is exactly `text` (any type; byte-level BPE texts are in the
    /// GPT-2 mapping, e.g. "Ġthe").
    public func tokenID(forVocabularyText text: String) -> Int32? { vocabulary.id(forText: text) }

    /// The vocabulary text of `id` as stored in the GGUF (not decoded); nil for an out-of-range id.
    public func vocabularyText(_ id: Int32) -> String? {
        isInRange(id) ? vocabulary.texts.text(Int(id)) : nil
    }

    // MARK: Encoding

    /// The ids of `text`, as llama.cpp's `llama_tokenize`.
    ///
    /// - Parameters:
    ///   - addBOS: prepend BOS; `nil` follows the model (`addsBOSByDefault`).
    ///   - addEOS: append EOS; `nil` follows the model (`addsEOSByDefault`).
    ///   - parseSpecial: recognise control tokens written in the text (`<|im_start|>`). User-defined tokens are
    ///     recognised either way, as in llama.cpp.
    public func encode(_ text: String, addBOS: Bool? = nil, addEOS: Bool? = nil, parseSpecial: Bool = false) -> [Int32] {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { buffer in
            encode(utf8: UnsafeBufferPointer(buffer), addBOS: addBOS ?? vocabulary.addsBOS,
                       addEOS: addEOS ?? vocabulary.addsEOS, parseSpecial: parseSpecial)
        }
    }

    private func encode(utf8 text: UnsafeBufferPointer<UInt8>, addBOS: Bool, addEOS: Bool, parseSpecial: Bool) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.count / 3 + 4)
        if addBOS, let bos = vocabulary.bos { output.append(bos) }
        let fragments = specialTokens.partition(text, parseSpecial: parseSpecial)
        switch model {
        case let .byteLevelBPE(bpe):
            for fragment in fragments {
                switch fragment {
                case let .raw(range): bpe.encode(UnsafeBufferPointer(rebasing: text[range]), into: &output)
                case let .token(id): output.append(id)
                }
            }
        case let .sentencePiece(sentencePiece):
            // llama.cpp prefixes a space to raw text at the start and after each special token, when the model
            // asks for it (`add_space_prefix`; Gemma 3 does not).
            var previousWasSpecial = true
            for fragment in fragments {
                switch fragment {
                case let .raw(range):
                    if vocabulary.addsSpacePrefix && previousWasSpecial {
                        let prefixed = [UInt8(ascii: " ")] + text[range]
                        prefixed.withUnsafeBufferPointer { sentencePiece.encode($0, into: &output) }
                    } else {
                        sentencePiece.encode(UnsafeBufferPointer(rebasing: text[range]), into: &output)
                    }
                    previousWasSpecial = false
                case let .token(id):
                    output.append(id)
                    previousWasSpecial = true
                }
            }
        }
        if addEOS, let eos = vocabulary.eos { output.append(eos) }
        return output
    }

    // MARK: Decoding

    /// The bytes of one token as llama.cpp's `llama_token_to_piece(..., special: true)` gives them: control
    /// tokens as their text, byte tokens as their byte, BPE text unmapped to raw bytes, SentencePiece's U+2581 as
    /// a space. A piece can be part of a UTF-8 character. An id outside the vocabulary (a model whose output
    /// layer is padded past it) has no piece.
    public func tokenPiece(_ id: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        if isInRange(id) { appendPiece(Int(id), to: &bytes) }
        return bytes
    }

    /// The raw bytes of `ids` joined, as llama.cpp's `llama_detokenize(remove_special: false,
    /// unparse_special: renderSpecial)`. Control tokens are left out when `renderSpecial` is false; ids outside
    /// the vocabulary add nothing.
    public func decodeBytes(_ ids: [Int32], renderSpecial: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = []
        // llama.cpp drops one leading space of the first piece when it adds space prefixes.
        var stripLeadingSpace = vocabulary.addsSpacePrefix
        for id in ids {
            defer { stripLeadingSpace = false }
            guard isInRange(id) else { continue }
            if !renderSpecial, !vocabulary.attributes[Int(id)].isDisjoint(with: [.control, .unknown]) { continue }
            let start = bytes.count
            appendPiece(Int(id), to: &bytes)
            if stripLeadingSpace, bytes.count > start, bytes[start] == UInt8(ascii: " ") { bytes.remove(at: start) }
        }
        if let bpe = preTokenizer, bpe.cleansSpaces { bytes = Tokenizer.cleanSpaces(bytes) }
        return bytes
    }

    /// `decodeBytes` as a string (malformed UTF-8, e.g. a cut-off character, becomes U+FFFD).
    public func decode(_ ids: [Int32], renderSpecial: Bool = true) -> String {
        String(decoding: decodeBytes(ids, renderSpecial: renderSpecial), as: UTF8.self)
    }

    private func isInRange(_ id: Int32) -> Bool { id >= 0 && Int(id) < vocabulary.count }

    /// Appends token `id`'s piece, llama.cpp's `token_to_piece(special: true)`. Computed from the vocabulary
    /// text on each call rather than cached for every token as llama.cpp does (`cache_token_to_piece`): the
    /// texts are already in memory, and a second id -> bytes table would cost 3 MB for Gemma 3's vocabulary.
    private func appendPiece(_ id: Int, to bytes: inout [UInt8]) {
        let attributes = vocabulary.attributes[id]
        vocabulary.texts.withText(id) { utf8 in
            if !attributes.isDisjoint(with: [.unknown, .control, .userDefined]) {
                bytes.append(contentsOf: utf8)
            } else if attributes.contains(.normal) {
                switch vocabulary.kind {
                case .sentencePiece: Tokenizer.appendUnescapingWhitespace(utf8, to: &bytes)
                case .byteLevelBPE: GPT2ByteMapping.decode(String(decoding: utf8, as: UTF8.self), appendingTo: &bytes)
                }
            } else if attributes.contains(.byte) {
                // "<0xAB>": llama.cpp's `strtol(text.substr(3, 2), 16)`.
                if utf8.count >= 5, let byte = UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16) {
                    bytes.append(byte)
                }
            }
            // Unused and undefined tokens have no piece.
        }
    }

    /// Appends `text` with SentencePiece's whitespace marker U+2581 turned back into a space (llama.cpp's
    /// `llama_unescape_whitespace`). In valid UTF-8 the bytes E2 96 81 can only be that character.
    static func appendUnescapingWhitespace<Text: Sequence<UInt8>>(_ text: Text, to bytes: inout [UInt8]) {
        let start = bytes.count
        for byte in text {
            bytes.append(byte)
            let end = bytes.count
            if byte == 0x81, end - start >= 3, bytes[end - 2] == 0x96, bytes[end - 3] == 0xE2 {
                bytes.removeLast(3)
                bytes.append(UInt8(ascii: " "))
            }
        }
    }

    /// llama.cpp's `clean_spaces` passes over detokenized text: " ?" " !" " ." " ," lose their space, a lone
    /// " ' " loses both, and " 's" " 'm" " 're" " 've" lose theirs.
    static func cleanSpaces(_ input: [UInt8]) -> [UInt8] {
        let space = UInt8(ascii: " "), apostrophe = UInt8(ascii: "'")
        var text = input
        guard !text.isEmpty else { return text }
        // First pass: space before ?!.,
        var out: [UInt8] = [text[0]]
        for i in 1..<text.count {
            let x = text[i]
            if text[i - 1] == space, x == UInt8(ascii: "?") || x == UInt8(ascii: "!") || x == UInt8(ascii: ".") || x == UInt8(ascii: ",") {
                out.removeLast()
            }
            out.append(x)
        }
        // Second pass: a single apostrophe between spaces. llama.cpp works in place and overwrites the space
        // after the apostrophe with NUL, which a later comparison then sees; the copy here does the same.
        text = out
        out = [text[0]]
        var i = 1
        while i < text.count {
            let x = text[i]
            if x == apostrophe, i + 1 < text.count, text[i - 1] == space, text[i + 1] == space {
                out.removeLast()
                text[i + 1] = 0
                out.append(x)
                i += 2
                continue
            }
            out.append(x)
            i += 1
        }
        // Third pass: contractions " 's" " 'm" " 're" " 've".
        text = out
        out = [text[0]]
        for i in 1..<text.count {
            let x = text[i]
            if text[i - 1] == space, x == apostrophe, i + 1 < text.count {
                let x1 = text[i + 1]
                if x1 == UInt8(ascii: "s") || x1 == UInt8(ascii: "m") {
                    out.removeLast()
                } else if i + 2 < text.count {
                    let x2 = text[i + 2]
                    if (x1 == UInt8(ascii: "r") && x2 == UInt8(ascii: "e")) || (x1 == UInt8(ascii: "v") && x2 == UInt8(ascii: "e")) {
                        out.removeLast()
                    }
                }
            }
            out.append(x)
        }
        return out
    }
}
