import Foundation
import GGUF
import Tokenization
import XCTest

/// Writes a metadata-only GGUF v3 file (no tensors), enough to describe a vocabulary.
struct MetadataOnlyGGUF {
    enum Value {
        case string(String)
        case int32(Int32)
        case bool(Bool)
        case strings([String])
        case int32s([Int32])
        case uint32s([UInt32])
        case float32s([Float])
    }

    var entries: [(String, Value)] = []

    func write(to url: URL) throws {
        var data = Data("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); data.append(contentsOf: Array(s.utf8)) }
        u32(3)                        // version
        u64(0)                        // tensor_count
        u64(UInt64(entries.count))    // metadata_kv_count
        for (key, value) in entries {
            string(key)
            switch value {
            case let .string(s): u32(8); string(s)
            case let .int32(i): u32(5); u32(UInt32(bitPattern: i))
            case let .bool(b): u32(7); data.append(b ? 1 : 0)
            case let .strings(list): u32(9); u32(8); u64(UInt64(list.count)); list.forEach(string)
            case let .int32s(list): u32(9); u32(5); u64(UInt64(list.count)); list.forEach { u32(UInt32(bitPattern: $0)) }
            case let .uint32s(list): u32(9); u32(4); u64(UInt64(list.count)); list.forEach(u32)
            case let .float32s(list): u32(9); u32(6); u64(UInt64(list.count)); list.forEach { u32($0.bitPattern) }
            }
        }
        try data.write(to: url)
    }

    /// The tokenizer of this vocabulary, written to a file of its own in `directory` and loaded as any model's is.
    func tokenizer(in directory: URL) throws -> Tokenizer {
        let url = directory.appendingPathComponent("vocab-\(UUID().uuidString).gguf")
        try write(to: url)
        return try Tokenizer(file: GGUFFile(path: url.path))
    }

    /// A byte-level BPE vocabulary: the 256 mapped byte texts, then `extra` tokens with their GGUF types.
    static func byteLevelBPE(pre: String, extra: [(text: String, type: Int32)], merges: [String] = []) -> MetadataOnlyGGUF {
        var tokens = (0..<256).map { byte -> String in
            // GPT-2's byte-to-unicode mapping (the tokenizer's own table is internal; this is the published one).
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable { return String(Character(Unicode.Scalar(UInt8(byte)))) }
            let rank = (0..<byte).filter { !((0x21...0x7E).contains($0) || (0xA1...0xAC).contains($0) || (0xAE...0xFF).contains($0)) }.count
            return String(Character(Unicode.Scalar(UInt32(256 + rank))!))
        }
        var types = [Int32](repeating: 1, count: 256)
        for (text, type) in extra {
            tokens.append(text)
            types.append(type)
        }
        return MetadataOnlyGGUF(entries: [
            ("general.architecture", .string("llama")),
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string(pre)),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.token_type", .int32s(types)),
            ("tokenizer.ggml.merges", .strings(merges)),
        ])
    }
}

/// Behaviour that the bundled models' reference strings do not exercise, on small vocabularies written here.
final class SyntheticVocabularyTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vellum-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func tokenizer(_ gguf: MetadataOnlyGGUF) throws -> Tokenizer { try gguf.tokenizer(in: directory) }

    private let controlType: Int32 = 3
    private let userDefinedType: Int32 = 4

    func testUnknownPreTokenizerIsAnErrorNamingIt() throws {
        let url = directory.appendingPathComponent("vocab.gguf")
        try MetadataOnlyGGUF.byteLevelBPE(pre: "no-such-pre", extra: []).write(to: url)
        XCTAssertThrowsError(try Tokenizer(file: GGUFFile(path: url.path))) { error in
            XCTAssertEqual(error as? TokenizerError, .unknownPreTokenizer("no-such-pre"))
        }
    }

    func testUnsupportedModelIsAnError() throws {
        var gguf = MetadataOnlyGGUF.byteLevelBPE(pre: "gpt-2", extra: [])
        gguf.entries[1] = ("tokenizer.ggml.model", .string("bert"))
        XCTAssertThrowsError(try tokenizer(gguf)) { error in
            XCTAssertEqual(error as? TokenizerError, .unsupportedModel("bert"))
        }
    }

    func testMalformedVocabulariesAreErrorsNamingTheProblem() throws {
        // The same text twice: llama.cpp aborts on this; here it is an error naming the text and both ids.
        XCTAssertThrowsError(try tokenizer(.byteLevelBPE(pre: "gpt-2", extra: [("ab", 1), ("ab", 1)]))) { error in
            XCTAssertEqual(error as? TokenizerError, .duplicateToken("ab", ids: (256, 257)))
        }
        // Fewer token types than tokens.
        var gguf = MetadataOnlyGGUF.byteLevelBPE(pre: "gpt-2", extra: [])
        gguf.entries[4] = ("tokenizer.ggml.token_type", .int32s([1, 1, 1]))
        XCTAssertThrowsError(try tokenizer(gguf)) { error in
            XCTAssertEqual(error as? TokenizerError, .arrayTooShort(key: "tokenizer.ggml.token_type", count: 3, tokens: 256))
        }
        // A metadata value of the wrong type is the GGUF reader's error, naming the key.
        gguf.entries[4] = ("tokenizer.ggml.token_type", .string("normal"))
        XCTAssertThrowsError(try tokenizer(gguf)) { error in
            XCTAssertTrue("\(error)".contains("tokenizer.ggml.token_type"), "\(error)")
        }
    }

    func testMergesApplyByRankWithTiesToTheLeft() throws {
        // "aaa": the pair "a a" can merge at 0 or 1; the leftmost goes first, leaving "aa" + "a".
        let tokenizer = try tokenizer(.byteLevelBPE(pre: "gpt-2", extra: [("aa", 1)], merges: ["a a"]))
        let aa = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "aa"))
        let a = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "a"))
        XCTAssertEqual(tokenizer.encode("aaa", addBOS: false), [aa, a])
        XCTAssertEqual(tokenizer.encode("aaaa", addBOS: false), [aa, aa])
    }

    func testLowerRankMergesFirst() throws {
        // Ranks: "b c" (0) before "a b" (1), so "abc" becomes "a" + "bc", not "ab" + "c".
        let tokenizer = try tokenizer(.byteLevelBPE(pre: "gpt-2", extra: [("ab", 1), ("bc", 1)], merges: ["b c", "a b"]))
        let bc = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "bc"))
        let a = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "a"))
        XCTAssertEqual(tokenizer.encode("abc", addBOS: false), [a, bc])
    }

    func testSpecialTokensLongestTextFirstAcrossTheWholeText() throws {
        // llama.cpp takes special tokens longest first over the whole text, not leftmost first: in "abcd" the
        // 3-byte "bcd" is cut out before the 2-byte "ab" is looked for, so "ab" no longer fits.
        let tokenizer = try tokenizer(.byteLevelBPE(pre: "gpt-2", extra: [("ab", controlType), ("bcd", controlType)]))
        let ab = try XCTUnwrap(tokenizer.specialToken("ab"))
        let bcd = try XCTUnwrap(tokenizer.specialToken("bcd"))
        let a = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "a"))
        let c = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "c"))
        XCTAssertEqual(tokenizer.encode("abcd", addBOS: false, parseSpecial: true), [a, bcd])
        XCTAssertEqual(tokenizer.encode("abcab", addBOS: false, parseSpecial: true), [ab, c, ab])
        // Without special parsing, control tokens are plain text.
        XCTAssertFalse(tokenizer.encode("abcd", addBOS: false, parseSpecial: false).contains(bcd))
    }

    func testUserDefinedTokensAreFoundEvenWithoutSpecialParsing() throws {
        let tokenizer = try tokenizer(.byteLevelBPE(pre: "gpt-2", extra: [("<tool_call>", userDefinedType), ("<|im_start|>", controlType)]))
        let toolCall = try XCTUnwrap(tokenizer.specialToken("<tool_call>"))
        let imStart = try XCTUnwrap(tokenizer.specialToken("<|im_start|>"))
        let ids = tokenizer.encode("x<tool_call>y<|im_start|>", addBOS: false, parseSpecial: false)
        XCTAssertTrue(ids.contains(toolCall))
        XCTAssertFalse(ids.contains(imStart))
        XCTAssertTrue(tokenizer.isControl(imStart))
        XCTAssertFalse(tokenizer.isControl(toolCall))
        // Control tokens are rendered by default and dropped on request; user-defined ones always rendered.
        XCTAssertEqual(tokenizer.decode([imStart, toolCall]), "<|im_start|><tool_call>")
        XCTAssertEqual(tokenizer.decode([imStart, toolCall], renderSpecial: false), "<tool_call>")
    }

    func testPhi3SpecialTokensDropTheWhitespaceAfterThem() throws {
        // llama.cpp gives every special token of a model named Phi-3 the RSTRIP attribute (except <unk>, <s>
        // and <|endoftext|>): whitespace right after it is dropped, whitespace before it kept.
        var gguf = MetadataOnlyGGUF.byteLevelBPE(pre: "gpt-2", extra: [("<|end|>", controlType), ("<|endoftext|>", controlType)])
        gguf.entries.append(("general.name", .string("Phi-3 mini (synthetic)")))
        let tokenizer = try tokenizer(gguf)
        let end = try XCTUnwrap(tokenizer.specialToken("<|end|>"))
        let endOfText = try XCTUnwrap(tokenizer.specialToken("<|endoftext|>"))
        XCTAssertTrue(tokenizer.attributes(of: end).contains(.stripsRight))
        XCTAssertFalse(tokenizer.attributes(of: endOfText).contains(.stripsRight))
        let a = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "a"))
        let b = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "b"))
        let space = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "\u{120}"))  // GPT-2's mapped " "
        XCTAssertEqual(tokenizer.encode("a <|end|> \n b", addBOS: false, parseSpecial: true), [a, space, end, b])
        XCTAssertEqual(tokenizer.encode("a <|endoftext|> b", addBOS: false, parseSpecial: true), [a, space, endOfText, space, b])
        // The same vocabulary under another name strips nothing.
        gguf.entries.removeLast()
        let plain = try self.tokenizer(gguf)
        XCTAssertEqual(plain.encode("a <|end|> b", addBOS: false, parseSpecial: true), [a, space, end, space, b])
    }

    func testEndOfGenerationTokensAreFoundByText() throws {
        let tokenizer = try tokenizer(.byteLevelBPE(pre: "qwen2", extra: [("<|endoftext|>", controlType), ("<|im_end|>", controlType), ("<|fim_pad|>", controlType)]))
        let expected = Set(["<|endoftext|>", "<|im_end|>", "<|fim_pad|>"].compactMap { tokenizer.specialToken($0) })
        XCTAssertEqual(expected.count, 3)
        // No eos id in this file: llama.cpp's BPE default (11) is the byte "," and is end of generation too.
        XCTAssertEqual(tokenizer.eos, 11)
        XCTAssertEqual(tokenizer.endOfGeneration, expected.union([11]))
    }

    func testOutOfRangeIdsDecodeToNothing() throws {
        let tokenizer = try tokenizer(.byteLevelBPE(pre: "gpt-2", extra: []))
        XCTAssertEqual(tokenizer.tokenPiece(-1), [])
        XCTAssertEqual(tokenizer.tokenPiece(Int32(tokenizer.vocabularySize)), [])
        XCTAssertEqual(tokenizer.decode([72, 105, 99_999]), "Hi")  // "H" "i" in the byte table's order
    }
}
