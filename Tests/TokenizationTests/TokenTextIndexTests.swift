import Foundation
import GGUF
import Tokenization
import XCTest

/// The token texts are read in place from the GGUF and found again through a hash table of ids: every text of
/// the real vocabularies must lead back to its own id, and texts that are not tokens to none.
final class TokenTextIndexTests: XCTestCase {
    func testEveryTokenTextFindsItsOwnIdOnTheRealVocabularies() throws {
        var checked = 0
        for model in ReferenceModel.allCases where FileManager.default.fileExists(atPath: model.modelFile.path) {
            let tokenizer = try TokenizerCache.shared.tokenizer(model)
            // The decoded metadata array, read independently of the tokenizer's in-place table.
            let texts = try GGUFFile(path: model.modelFile.path).strings("tokenizer.ggml.tokens")
            XCTAssertEqual(tokenizer.vocabularySize, texts.count, model.rawValue)
            var mismatches = 0
            for (id, text) in texts.enumerated() {
                if tokenizer.vocabularyText(Int32(id)) != text || tokenizer.tokenID(forVocabularyText: text) != Int32(id) {
                    mismatches += 1
                }
            }
            XCTAssertEqual(mismatches, 0, model.rawValue)
            // Texts that are not tokens (the set is checked against the vocabulary first, so the test cannot pass
            // by accident on a vocabulary that happens to hold one).
            for absent in ["\u{1}\u{2}\u{3} not a token", String(repeating: "x", count: 300), "🩺🩺🩺🩺🩺🩺🩺🩺"]
            where !texts.contains(absent) {
                XCTAssertNil(tokenizer.tokenID(forVocabularyText: absent), "\(model.rawValue): \(absent.debugDescription)")
            }
            XCTAssertNil(tokenizer.vocabularyText(Int32(texts.count)), "out of range")
            checked += 1
        }
        try XCTSkipIf(checked == 0, "no model fetched into \(TestPaths.modelsDirectory.path)")
    }
}
