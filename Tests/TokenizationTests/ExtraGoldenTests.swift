import Foundation
import Tokenization
import XCTest

/// More llama.cpp ids (Fixtures/llama-extra, made by make_goldens.py with the same llama.cpp commit as the
/// team's reference set): chat prompts written with special tokens, a 20,000-character synthetic clinical note
/// and 150 seeded random texts, each with (add_special, parse_special) off/off and on/on.
final class ExtraGoldenTests: XCTestCase {
    private struct Golden: Decodable {
        struct Case: Decodable {
            let text: String
            let add_special: Bool
            let parse_special: Bool
            let ids: [Int32]
        }
        let cases: [Case]
    }

    func testSmolLM2() throws { try check(.smolLM2) }
    func testGemma3() throws { try check(.gemma3) }
    func testQwenCoder05B() throws { try check(.qwenCoder05B) }
    func testQwenCoder15B() throws { try check(.qwenCoder15B) }

    private func check(_ model: ReferenceModel) throws {
        let tokenizer = try TokenizerCache.shared.tokenizer(model)
        let url = TestPaths.referenceDirectory.deletingLastPathComponent()
            .appendingPathComponent("llama-extra").appendingPathComponent(model.rawValue + ".json")
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
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
