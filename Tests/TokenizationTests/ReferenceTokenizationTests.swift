import Tokenization
import XCTest

/// Every bundled model's tokenizer against llama.cpp's own ids (Fixtures/llama-reference, produced by
/// llama-tokenize and llama.cpp's prompt handling at commit 0c1e57098).
final class ReferenceTokenizationTests: XCTestCase {
    func testSmolLM2MatchesLlamaCpp() throws { try checkAgainstReference(.smolLM2) }
    func testGemma3MatchesLlamaCpp() throws { try checkAgainstReference(.gemma3) }
    func testQwenCoder05BMatchesLlamaCpp() throws { try checkAgainstReference(.qwenCoder05B) }
    func testQwenCoder15BMatchesLlamaCpp() throws { try checkAgainstReference(.qwenCoder15B) }

    func testSmolLM2DecodeRoundTrip() throws { try checkDecoding(.smolLM2) }
    func testGemma3DecodeRoundTrip() throws { try checkDecoding(.gemma3) }
    func testQwenCoder05BDecodeRoundTrip() throws { try checkDecoding(.qwenCoder05B) }
    func testQwenCoder15BDecodeRoundTrip() throws { try checkDecoding(.qwenCoder15B) }

    private func checkAgainstReference(_ model: ReferenceModel) throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(model)
        let reference = try TokenizerReference.load(model)

        XCTAssertEqual(tokenizer.vocabularySize, reference.model.n_vocab)
        XCTAssertEqual(tokenizer.bos, reference.model.bos_token_id)
        XCTAssertEqual(tokenizer.eos, reference.model.eos_token_id)
        XCTAssertEqual(tokenizer.addsBOSByDefault, reference.model.add_bos_effective)
        XCTAssertEqual(tokenizer.preTokenizer?.label ?? "default", reference.model.tokenizer_pre)

        for testCase in reference.tokenizer_cases {
            // llama-tokenize --no-bos --no-parse-special
            let plain = tokenizer.encode(testCase.text, addBOS: false, parseSpecial: false)
            XCTAssertEqual(plain, testCase.ids_no_special, "\(model.rawValue): ids_no_special of \(testCase.text.debugDescription)")
            // BOS as the model says, special parsing on
            let withSpecial = tokenizer.encode(testCase.text, parseSpecial: true)
            XCTAssertEqual(withSpecial, testCase.ids_with_special, "\(model.rawValue): ids_with_special of \(testCase.text.debugDescription)")
        }
        for prompt in reference.prompts {
            let ids = tokenizer.encode(prompt.text, parseSpecial: true)
            XCTAssertEqual(ids, prompt.prompt_ids, "\(model.rawValue): prompt_ids of \(prompt.text.prefix(40).debugDescription)")
            XCTAssertEqual(ids.first == tokenizer.bos, prompt.bos_added)
            let noBOS = tokenizer.encode(prompt.text, addBOS: false, parseSpecial: true)
            XCTAssertEqual(noBOS, prompt.prompt_ids_no_bos, "\(model.rawValue): prompt_ids_no_bos of \(prompt.text.prefix(40).debugDescription)")
        }
    }

    /// Each token's piece equals llama.cpp's (pieces_hex), and decoding the ids gives their bytes joined, which
    /// for these cases is the original text.
    private func checkDecoding(_ model: ReferenceModel) throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(model)
        let reference = try TokenizerReference.load(model)
        for testCase in reference.tokenizer_cases {
            let expectedPieces = testCase.pieces_hex.map(bytes(fromHex:))
            let pieces = testCase.ids_no_special.map { tokenizer.tokenPiece($0) }
            XCTAssertEqual(pieces, expectedPieces, "\(model.rawValue): pieces of \(testCase.text.debugDescription)")
            let decoded = tokenizer.decodeBytes(testCase.ids_no_special)
            XCTAssertEqual(decoded, expectedPieces.flatMap { $0 }, "\(model.rawValue): decode of \(testCase.text.debugDescription)")
            XCTAssertEqual(decoded, Array(testCase.text.utf8), "\(model.rawValue): round trip of \(testCase.text.debugDescription)")
        }
    }
}
