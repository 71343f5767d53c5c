import Tokenization
import XCTest

/// A byte-level BPE vocabulary need not hold a token for every byte: SmolLM2's has none for the control bytes 0x13
/// and 0x14. llama.cpp then leaves the byte out (its BPE session looks each byte up and skips one it cannot find),
/// and so must we: the ids below are `llama-tokenize --ids --no-bos` (llama.cpp 0c1e57098) of each text.
final class MissingByteTokenTests: XCTestCase {
    func testABytePieceTheVocabularyLacksIsLeftOutAsLlamaCppDoes() throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(.smolLM2)
        XCTAssertEqual(tokenizer.encode("a\u{14}b\u{13}c", addBOS: false, parseSpecial: false), [81, 82, 83])
        // The neighbouring control byte 0x15 has its piece (207), so it survives the round trip.
        let ids = tokenizer.encode("a\u{15}b", addBOS: false, parseSpecial: false)
        XCTAssertEqual(ids, [81, 207, 82])
        XCTAssertEqual(tokenizer.decodeBytes(ids), Array("a\u{15}b".utf8))
    }
}
