import Tokenization
import XCTest

/// The streaming detokenizer never hands out half a character, on the real vocabularies.
final class StreamingDetokenizerTests: XCTestCase {
    /// Texts whose characters take 2 to 4 UTF-8 bytes, including multi-scalar emoji.
    private let multiByteTexts = [
        "emoji 😀👍🏽 ❤️ 🇫🇷",
        "日本語のテキストと中文",
        "Ελληνικά и русский",
        "naïve résumé über Straße",
    ]

    func testSmolLM2() throws { try checkStreaming(.smolLM2) }
    func testGemma3() throws { try checkStreaming(.gemma3) }
    func testQwenCoder05B() throws { try checkStreaming(.qwenCoder05B) }

    private func checkStreaming(_ model: ReferenceModel) throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(model)
        for text in multiByteTexts {
            // The tokenizer's own ids (some tokens end inside a character).
            assertStreamsWholeCharacters(tokenizer, ids: tokenizer.encode(text, addBOS: false), text: text, model: model)
            // One token per byte: the hardest case, every multi-byte character arrives in pieces.
            let tokens = byteTokens(tokenizer)
            let byteIDs = try Array(text.utf8).map { try XCTUnwrap(tokens[$0], "\(model.rawValue) has no token for byte \($0)") }
            assertStreamsWholeCharacters(tokenizer, ids: byteIDs, text: text, model: model)
        }
    }

    /// Feeds `ids` one at a time: every chunk must be whole characters (no U+FFFD), each character must come
    /// out as soon as its last byte arrives, and the chunks must add up to `text`.
    private func assertStreamsWholeCharacters(_ tokenizer: Tokenizer, ids: [Int32], text: String, model: ReferenceModel) {
        let detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var streamed = ""
        var bytesSeen: [UInt8] = []
        for id in ids {
            let chunk = detokenizer.append(id)
            XCTAssertFalse(chunk.unicodeScalars.contains("\u{FFFD}"), "\(model.rawValue): a broken character in \(chunk.debugDescription)")
            streamed += chunk
            bytesSeen += tokenizer.tokenPiece(id)
            // Whatever complete characters the bytes so far hold have been emitted.
            let complete = String(decoding: bytesSeen, as: UTF8.self)
            let withoutBrokenTail = complete.unicodeScalars.last == "\u{FFFD}" ? String(complete.unicodeScalars.dropLast()) : complete
            XCTAssertEqual(streamed, withoutBrokenTail, "\(model.rawValue): held back more than an incomplete character")
        }
        XCTAssertEqual(streamed + detokenizer.flush(), text, "\(model.rawValue): streamed text of \(text.debugDescription)")
    }

    /// The token that stands for each raw byte: `<0xAB>` in SentencePiece vocabularies, the GPT-2-mapped byte
    /// text in byte-level ones (the first non-control token whose piece is exactly that byte).
    private func byteTokens(_ tokenizer: Tokenizer) -> [UInt8: Int32] {
        var tokens: [UInt8: Int32] = [:]
        for id in (0..<Int32(tokenizer.vocabularySize)).reversed() where !tokenizer.isControl(id) {
            let piece = tokenizer.tokenPiece(id)
            if piece.count == 1 { tokens[piece[0]] = id }
        }
        return tokens
    }

    func testInvalidAndCutOffBytesBecomeReplacementCharacters() throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(.gemma3)
        let detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        let continuation = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "<0x80>"))
        let leadOfFour = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "<0xF0>"))
        let secondOfFour = try XCTUnwrap(tokenizer.tokenID(forVocabularyText: "<0x9F>"))
        // A continuation byte with no lead can never become a character: out at once, as U+FFFD.
        XCTAssertEqual(detokenizer.append(continuation), "\u{FFFD}")
        // The start of a 4-byte character is held back...
        XCTAssertEqual(detokenizer.append(leadOfFour), "")
        XCTAssertEqual(detokenizer.append(secondOfFour), "")
        // ...and if the stream ends there, it is flushed as U+FFFD rather than lost.
        XCTAssertEqual(detokenizer.flush(), "\u{FFFD}")
        XCTAssertEqual(detokenizer.flush(), "")
    }

    func testControlTokensAreHiddenUnlessAskedFor() throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(.qwenCoder05B)
        let imEnd = try XCTUnwrap(tokenizer.specialToken("<|im_end|>"))
        let hello = tokenizer.encode("Hello", addBOS: false)
        XCTAssertEqual(StreamingDetokenizer(tokenizer: tokenizer).append(contentsOf: hello + [imEnd]), "Hello")
        XCTAssertEqual(StreamingDetokenizer(tokenizer: tokenizer, renderSpecial: true).append(contentsOf: hello + [imEnd]), "Hello<|im_end|>")
    }
}
