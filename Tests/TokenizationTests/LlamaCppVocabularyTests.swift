import Foundation
import GGUF
import Tokenization
import XCTest

/// llama.cpp's own tokenizer test vectors (its `models/ggml-vocab-<name>.gguf` vocabulary-only files with
/// `.inp`/`.out` cases, as read by its tests/test-tokenizer-0.cpp: no BOS, no special parsing). They cover
/// vocabularies beyond the bundled models: Llama 2 and Phi-3 SentencePiece (with a space prefix), GPT-2, Llama 3,
/// MPT, StarCoder, Refact and Command-R byte-level BPE.
///
/// A second set (Fixtures/llama-extra/llama-cpp-vocabs.json, from make_goldens.py) runs chat markers and random
/// texts through the same vocabularies with every (add_special, parse_special) combination: BOS handling, the
/// SentencePiece space prefix after special tokens, and Phi-3's whitespace stripping around them.
///
/// Opt-in: set `VELLUM_LLAMA_CPP_MODELS` to a llama.cpp checkout's `models` directory (for instance from
/// `pip download llama_cpp_python==0.3.36 --no-deps --no-binary :all:`, unpacked: `vendor/llama.cpp/models`).
final class LlamaCppVocabularyTests: XCTestCase {
    private static let vocabularies = ["llama-spm", "phi-3", "gpt-2", "llama-bpe", "mpt", "qwen2", "starcoder", "refact", "command-r"]

    private func llamaCppModelsDirectory() throws -> String {
        guard let directory = ProcessInfo.processInfo.environment["VELLUM_LLAMA_CPP_MODELS"], !directory.isEmpty else {
            throw XCTSkip("set VELLUM_LLAMA_CPP_MODELS to llama.cpp's models/ directory to run its tokenizer vectors")
        }
        return directory
    }

    private func tokenizer(_ name: String, in directory: String) throws -> Tokenizer {
        try Tokenizer(file: GGUFFile(path: URL(fileURLWithPath: directory).appendingPathComponent("ggml-vocab-\(name).gguf").path))
    }

    func testSpecialTokensAndBOSOnLlamaCppVocabularies() throws {
        let directory = try llamaCppModelsDirectory()
        struct Golden: Decodable {
            struct Case: Decodable {
                let text: String
                let add_special: Bool
                let parse_special: Bool
                let ids: [Int32]
            }
            let vocabularies: [String: [Case]]
        }
        let url = TestPaths.referenceDirectory.deletingLastPathComponent().appendingPathComponent("llama-extra/llama-cpp-vocabs.json")
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
        XCTAssertEqual(Set(golden.vocabularies.keys), Set(Self.vocabularies))
        for (name, cases) in golden.vocabularies.sorted(by: { $0.key < $1.key }) {
            let tokenizer = try tokenizer(name, in: directory)
            for testCase in cases {
                let ids = tokenizer.encode(testCase.text, addBOS: testCase.add_special ? nil : false,
                                           addEOS: testCase.add_special ? nil : false, parseSpecial: testCase.parse_special)
                XCTAssertEqual(ids, testCase.ids, "\(name) add_special \(testCase.add_special) parse_special \(testCase.parse_special): \(testCase.text.debugDescription)")
            }
        }
    }

    func testLlamaCppTokenizerVectors() throws {
        let directory = try llamaCppModelsDirectory()
        for name in Self.vocabularies {
            let base = URL(fileURLWithPath: directory).appendingPathComponent("ggml-vocab-\(name).gguf").path
            let tokenizer = try tokenizer(name, in: directory)
            // test-tokenizer-0's format: each input ends with "\n__ggml_vocab_test__\n"; one line of ids per input.
            var inputs = try String(contentsOfFile: base + ".inp", encoding: .utf8).components(separatedBy: "\n__ggml_vocab_test__\n")
            var outputs = try String(contentsOfFile: base + ".out", encoding: .utf8).components(separatedBy: "\n")
            if inputs.last == "" { inputs.removeLast() }
            if outputs.last == "" { outputs.removeLast() }
            XCTAssertEqual(inputs.count, outputs.count, name)
            XCTAssertGreaterThanOrEqual(outputs.count, 40, name)
            for (input, output) in zip(inputs, outputs) {
                let expected = output.split(separator: " ").compactMap { Int32($0) }
                let ids = tokenizer.encode(input, addBOS: false, addEOS: false, parseSpecial: false)
                XCTAssertEqual(ids, expected, "\(name): \(input.debugDescription)")
            }
        }
    }
}
