import Foundation
import TestSupport
import Tokenization
import XCTest

/// For these vocabularies llama.cpp's tokenization is lossless (byte fallback everywhere, no space clean-up,
/// no added prefix), so decoding what was encoded must give back the text exactly, whatever the text. Random
/// texts mixing the character classes the pre-tokenizers branch on look for a lost or doubled byte.
final class RoundTripPropertyTests: XCTestCase {
    /// Pieces that exercise contractions, digits, line breaks, runs of spaces, punctuation, non-Latin scripts,
    /// combining marks, emoji, a code point newer than llama.cpp's Unicode table, and special-token text.
    private let fragments = [
        "a", "Z", "é", "ß", "'s", "'LL", "'re", " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", "0", "7", "123", "٣", "½",
        ".", ",", "!?", "(", ")", "-", "/", "%", "°", "€", "<", ">", "<|im_start|>", "<start_of_turn>", "<tool_call>",
        "日本", "語", "中文", "Ελλ", "рус", "\u{301}", "\u{200B}", "😀", "👍🏽", "🇫🇷", "❤️", "\u{1C89}", "mg/dL",
        "patient", " The", "HbA1c",
    ]

    private func randomText(_ generator: inout SeededGenerator) -> String {
        let length = Int.random(in: 1...24, using: &generator)
        return (0..<length).map { _ in fragments.randomElement(using: &generator)! }.joined()
    }

    func testSmolLM2() throws { try checkRoundTrips(.smolLM2) }
    func testGemma3() throws { try checkRoundTrips(.gemma3) }
    func testQwenCoder05B() throws { try checkRoundTrips(.qwenCoder05B) }

    /// One tokenizer shared by several threads gives each the same ids as a lone caller (libsentencepiece's
    /// processor and the BPE tables are read-only after loading).
    func testConcurrentEncodingMatchesSequential() throws {
        for model in [ReferenceModel.gemma3, .qwenCoder05B] {
            let tokenizer = try TokenizerCache.shared.tokenizer(model)
            var generator = SeededGenerator(seed: 7)
            let texts = (0..<64).map { _ in randomText(&generator) }
            let sequential = texts.map { tokenizer.encode($0, parseSpecial: true) }
            let results = ConcurrentResults(count: texts.count)
            DispatchQueue.concurrentPerform(iterations: texts.count) { i in
                results.set(i, tokenizer.encode(texts[i], parseSpecial: true))
            }
            XCTAssertEqual(results.values, sequential, model.rawValue)
        }
    }

    private final class ConcurrentResults: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [[Int32]]
        init(count: Int) { storage = Array(repeating: [], count: count) }
        func set(_ index: Int, _ value: [Int32]) { lock.lock(); storage[index] = value; lock.unlock() }
        var values: [[Int32]] { lock.lock(); defer { lock.unlock() }; return storage }
    }

    private func checkRoundTrips(_ model: ReferenceModel) throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(model)
        var generator = SeededGenerator(seed: 20_241_129)
        for _ in 0..<500 {
            let text = randomText(&generator)
            for parseSpecial in [false, true] {
                let ids = tokenizer.encode(text, addBOS: false, parseSpecial: parseSpecial)
                XCTAssertEqual(tokenizer.decodeBytes(ids), Array(text.utf8),
                               "\(model.rawValue), parseSpecial \(parseSpecial): \(text.debugDescription) -> \(ids)")
            }
        }
    }
}
