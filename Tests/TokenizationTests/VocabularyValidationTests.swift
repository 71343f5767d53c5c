import Foundation
import GGUF
import Tokenization
import XCTest

/// The vocabulary rules (see `Vocabulary` and `ByteLevelBPE`): each kind of damage to a small, otherwise valid
/// vocabulary is refused with its own error naming the key, the token or the merge. Each file differs from one
/// that loads in exactly the field under test, so the refusal can only come from that field.
final class VocabularyValidationTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vellum-vocab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func load(_ gguf: MetadataOnlyGGUF) throws -> Tokenizer { try gguf.tokenizer(in: directory) }

    private func assertRefused<E: Error & Equatable>(_ gguf: MetadataOnlyGGUF, _ expected: E, _ message: String = "",
                                                      line: UInt = #line) {
        XCTAssertThrowsError(try load(gguf), message, line: line) { error in
            XCTAssertEqual(error as? E, expected, "\(message): \(error)", line: line)
        }
    }

    /// 256 byte tokens plus "ab", with the merge "a b" (a vocabulary that loads).
    private func byteLevel(extra: [(text: String, type: Int32)] = [("ab", 1)], merges: [String] = ["a b"]) -> MetadataOnlyGGUF {
        MetadataOnlyGGUF.byteLevelBPE(pre: "gpt-2", extra: extra, merges: merges)
    }

    /// A SentencePiece vocabulary: <unk>, <s>, </s>, three pieces and the 256 byte pieces byte fallback needs,
    /// with float32 scores.
    private func sentencePiece(pieces: [String] = ["\u{2581}a", "a", "b"]) -> MetadataOnlyGGUF {
        let bytes = (0..<256).map { String(format: "<0x%02X>", $0) }
        let texts = ["<unk>", "<s>", "</s>"] + pieces + bytes
        return MetadataOnlyGGUF(entries: [
            ("general.architecture", .string("llama")),
            ("tokenizer.ggml.model", .string("llama")),
            ("tokenizer.ggml.tokens", .strings(texts)),
            ("tokenizer.ggml.scores", .float32s(texts.indices.map { -Float($0) })),
            ("tokenizer.ggml.token_type", .int32s([2, 3, 3] + pieces.map { _ in 1 } + bytes.map { _ in 6 })),
            ("tokenizer.ggml.unknown_token_id", .int32(0)),
        ])
    }

    func testTheBaseVocabulariesLoad() throws {
        XCTAssertEqual(try load(byteLevel()).vocabularySize, 257)
        XCTAssertEqual(try load(sentencePiece()).vocabularySize, 262)
    }

    func testArraysOfAnotherElementTypeThanTheSpecGives() {
        var gguf = byteLevel()
        gguf.entries[4] = ("tokenizer.ggml.token_type", .uint32s(Array(repeating: 1, count: 257)))
        assertRefused(gguf, GGUFError.wrongType(key: "tokenizer.ggml.token_type", expected: "array<int32>", found: "array<uint32>[257]"))

        var spm = sentencePiece()
        spm.entries[3] = ("tokenizer.ggml.scores", .int32s(Array(repeating: 0, count: 262)))
        assertRefused(spm, GGUFError.wrongType(key: "tokenizer.ggml.scores", expected: "array<float32>", found: "array<int32>[262]"))
    }

    func testTokenTypesOutsideTheEnumeration() {
        for type: Int32 in [7, -1, 1 << 20] {
            assertRefused(byteLevel(extra: [("ab", 1), ("cd", type)]), TokenizerError.invalidTokenType(id: 257, type: Int(type)), "type \(type)")
        }
        XCTAssertNoThrow(try load(byteLevel(extra: [("ab", 1), ("cd", 0)])), "0 (undefined) is in the enumeration")
    }

    func testSpecialTokenIDsOutsideTheVocabulary() {
        for key in ["bos", "eos", "unknown", "padding", "eot"] {
            for id: Int32 in [257, 1_000_000, -1] {
                var gguf = byteLevel()
                gguf.entries.append(("tokenizer.ggml.\(key)_token_id", .int32(id)))
                assertRefused(gguf, TokenizerError.specialTokenOutOfRange(key: "tokenizer.ggml.\(key)_token_id", id: Int(id), vocabularySize: 257),
                              "\(key) \(id)")
            }
        }
        var gguf = byteLevel()
        gguf.entries.append(("tokenizer.ggml.eos_token_id", .int32(256)))
        XCTAssertEqual(try load(gguf).eos, 256, "the last id is in range")
    }

    func testEmptyTextsWhereTheTokenizerTypeForbidsThem() {
        // SentencePiece: no empty piece of any type.
        assertRefused(sentencePiece(pieces: ["a", "", "b"]), TokenizerError.emptyToken(id: 4))
        // Byte-level BPE: a normal or byte token has at least one byte...
        assertRefused(byteLevel(extra: [("ab", 1), ("", 1)]), TokenizerError.emptyToken(id: 257))
        assertRefused(byteLevel(extra: [("ab", 1), ("", 6)]), TokenizerError.emptyToken(id: 257))
        // ...while an empty control token is only a name, which llama.cpp renames and keeps.
        XCTAssertNoThrow(try load(byteLevel(extra: [("ab", 1), ("", 3)])))
    }

    /// A SentencePiece vocabulary without a "▁" piece loads (nothing requires one), and must then encode spaces
    /// too: each space is escaped to U+2581 and falls back to its three UTF-8 bytes, E2 96 81, so one input byte
    /// becomes three ids. Encoding a single space used to stop the process (an id buffer sized one id per byte;
    /// found by the GGUF fuzz target).
    func testSentencePieceWithoutASpacePieceEncodesSpacesAsBytes() throws {
        var gguf = sentencePiece(pieces: ["a", "b"])
        // Without llama.cpp's default leading space, so that the ids below are the text's alone.
        gguf.entries.append(("tokenizer.ggml.add_space_prefix", .bool(false)))
        let tokenizer = try load(gguf)
        // Byte pieces follow <unk>, <s>, </s> and the two pieces: <0xNN> is id 5 + NN.
        let escapedSpace: [Int32] = [0xE2, 0x96, 0x81].map { 5 + $0 }
        XCTAssertEqual(tokenizer.encode(" ", addBOS: false), escapedSpace)
        XCTAssertEqual(tokenizer.encode("a  b", addBOS: false), [3] + escapedSpace + escapedSpace + [4])
        // Byte pieces decode to their raw bytes, as llama.cpp's token_to_piece gives them: only normal pieces have
        // their marker turned back into a space, so these spaces come back as the marker itself.
        XCTAssertEqual(tokenizer.decode(tokenizer.encode("   ", addBOS: false)), "\u{2581}\u{2581}\u{2581}")
    }

    func testMergesWhoseHalvesOrResultAreNotTokens() {
        let cases: [(merge: String, reason: String)] = [
            ("a c", "the two halves joined are not a token"),
            ("xy b", "its left half is not a token"),
            ("a xy", "its right half is not a token"),
            ("ab", "no space between two halves"),
            ("", "no space between two halves"),
        ]
        for (merge, reason) in cases {
            assertRefused(byteLevel(merges: ["a b", merge]), TokenizerError.invalidMerge(rank: 1, line: merge, reason: reason), merge)
        }
    }
}
