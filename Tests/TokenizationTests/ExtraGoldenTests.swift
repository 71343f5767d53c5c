import Foundation
import Tokenization
import XCTest

/// More llama.cpp ids (Fixtures/llama-extra, made by make_goldens.py with the same llama.cpp commit as the
/// team's reference set): chat prompts written with special tokens, a 20,000-character synthetic clinical note
/// and 150 seeded random texts, each with (add_special, parse_special) off/off and on/on; and llama.cpp's special
/// ids, end-of-generation set and token attributes.
final class ExtraGoldenTests: XCTestCase {
    private struct Golden: Decodable {
        struct Case: Decodable {
            let text: String
            let add_special: Bool
            let parse_special: Bool
            let ids: [Int32]
        }
        /// llama.cpp's view of the vocabulary (tok_driver's "facts" mode).
        struct Facts: Decodable {
            let n_vocab: Int
            let bos: Int32
            let eos: Int32
            let eot: Int32
            let add_bos: Bool
            let add_eos: Bool
            let eog: [Int32]
            /// [first id, count, llama_token_attr] runs covering every id.
            let attribute_runs: [[Int]]
        }
        let facts: Facts
        let cases: [Case]
    }

    private func loadGolden(_ model: ReferenceModel) throws -> Golden {
        let url = TestPaths.referenceDirectory.deletingLastPathComponent()
            .appendingPathComponent("llama-extra").appendingPathComponent(model.rawValue + ".json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }

    func testSmolLM2Facts() throws { try checkFacts(.smolLM2) }
    func testGemma3Facts() throws { try checkFacts(.gemma3) }
    func testQwenCoder05BFacts() throws { try checkFacts(.qwenCoder05B) }
    func testQwenCoder15BFacts() throws { try checkFacts(.qwenCoder15B) }

    /// Special ids, BOS/EOS policy, the end-of-generation set and every token's attributes, as llama.cpp has them
    /// after its load-time adjustments (e.g. Qwen's normal token "</s>", id 128247, becomes control and ends
    /// generation; Gemma's user-defined "</s>" too).
    private func checkFacts(_ model: ReferenceModel) throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(model)
        let facts = try loadGolden(model).facts
        XCTAssertEqual(tokenizer.vocabularySize, facts.n_vocab)
        XCTAssertEqual(tokenizer.bos, facts.bos)
        XCTAssertEqual(tokenizer.eos, facts.eos)
        XCTAssertEqual(tokenizer.addsBOSByDefault, facts.add_bos)
        XCTAssertEqual(tokenizer.addsEOSByDefault, facts.add_eos)
        XCTAssertEqual(tokenizer.endOfGeneration, Set(facts.eog))
        if model == .smolLM2 {
            // Known difference: SmolLM2 has two end-of-turn candidates, "<|endoftext|>" (0) and "<|im_end|>" (2).
            // llama.cpp keeps whichever its hash map yields first (0 here); this tokenizer prefers the first in
            // llama.cpp's candidate list, "<|im_end|>". Both are in the end-of-generation set either way.
            XCTAssertEqual(facts.eot, 0)
            XCTAssertEqual(tokenizer.eot, 2)
        } else {
            XCTAssertEqual(tokenizer.eot, facts.eot)
        }
        var checked = 0
        for run in facts.attribute_runs {
            let (first, count, attributes) = (run[0], run[1], UInt16(run[2]))
            for id in first..<(first + count) {
                XCTAssertEqual(tokenizer.attributes(of: Int32(id)).rawValue, attributes, "\(model.rawValue): attributes of token \(id)")
            }
            checked += count
        }
        XCTAssertEqual(checked, facts.n_vocab)
    }

    func testSmolLM2() throws { try check(.smolLM2) }
    func testGemma3() throws { try check(.gemma3) }
    func testQwenCoder05B() throws { try check(.qwenCoder05B) }
    func testQwenCoder15B() throws { try check(.qwenCoder15B) }

    private func check(_ model: ReferenceModel) throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(model)
        let golden = try loadGolden(model)
        XCTAssertGreaterThan(golden.cases.count, 300)
        var failures = 0
        for testCase in golden.cases {
            // llama_tokenize's add_special adds BOS (and EOS) as the model says; off means neither.
            let ids = tokenizer.encode(testCase.text, addBOS: testCase.add_special ? nil : false,
                                       addEOS: testCase.add_special ? nil : false, parseSpecial: testCase.parse_special)
            if ids != testCase.ids {
                failures += 1
                if failures <= 5 {
                    XCTFail("\(model.rawValue) add_special \(testCase.add_special) parse_special \(testCase.parse_special): "
                            + "\(testCase.text.prefix(200).debugDescription)\n expected \(testCase.ids.prefix(60))\n got      \(ids.prefix(60))")
                }
            }
        }
        XCTAssertEqual(failures, 0, "\(model.rawValue): \(failures) of \(golden.cases.count) cases differ from llama.cpp")
    }
}
