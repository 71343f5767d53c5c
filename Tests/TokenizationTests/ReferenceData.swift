import Foundation
import GGUF
import Tokenization
import XCTest

/// Where the test inputs live, derived from this file's path so that tests run from any working directory.
enum TestPaths {
    /// The repository root: this file is `<root>/Tests/TokenizationTests/ReferenceData.swift`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `VELLUM_MODELS_DIR`, or `<repo>/.cache/models` where `scripts/fetch-models.py` puts the models.
    static var modelsDirectory: URL {
        if let custom = ProcessInfo.processInfo.environment["VELLUM_MODELS_DIR"], !custom.isEmpty {
            return URL(fileURLWithPath: custom)
        }
        return repositoryRoot.appendingPathComponent(".cache/models")
    }

    /// llama.cpp's outputs for the bundled models (a copy of the team's reference set; see its README.md).
    static let referenceDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Fixtures/llama-reference")
}

/// The bundled models whose tokenizers are checked against llama.cpp.
enum ReferenceModel: String, CaseIterable {
    case smolLM2 = "SmolLM2-135M-Instruct.Q4_1"
    case gemma3 = "gemma-3-270m-q4_k_m"
    case qwenCoder05B = "qwen2.5-coder-0.5b-instruct-q4_k_m"
    case qwenCoder15B = "qwen2.5-coder-1.5b-instruct-q4_k_m"

    var modelFile: URL { TestPaths.modelsDirectory.appendingPathComponent(rawValue + ".gguf") }
    var referenceFile: URL { TestPaths.referenceDirectory.appendingPathComponent(rawValue + ".json") }
}

/// The parts of a reference file the tokenizer tests use (format: Fixtures/llama-reference/README.md).
struct TokenizerReference: Decodable {
    struct ModelFacts: Decodable {
        let n_vocab: Int
        let tokenizer_model: String
        let tokenizer_pre: String
        let add_bos_effective: Bool
        let bos_token_id: Int32
        let eos_token_id: Int32
    }

    struct Prompt: Decodable {
        let text: String
        let bos_added: Bool
        let prompt_ids: [Int32]
        let prompt_ids_no_bos: [Int32]
    }

    struct Case: Decodable {
        let text: String
        let ids_with_special: [Int32]
        let ids_no_special: [Int32]
        let pieces_hex: [String]
    }

    let model: ModelFacts
    let prompts: [Prompt]
    let tokenizer_cases: [Case]

    static func load(_ model: ReferenceModel) throws -> TokenizerReference {
        try JSONDecoder().decode(TokenizerReference.self, from: Data(contentsOf: model.referenceFile))
    }
}

/// Bytes from a lowercase hex string ("e29881" -> [0xE2, 0x98, 0x81]).
func bytes(fromHex hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)! }
}

/// Loaded tokenizers, shared by all tests of a run (loading Gemma's 262k-piece vocabulary takes a moment).
final class TokenizerCache: @unchecked Sendable {
    static let shared = TokenizerCache()
    private let lock = NSLock()
    private var tokenizers: [ReferenceModel: Tokenizer] = [:]

    /// The model's tokenizer, or an `XCTSkip` naming the fetch script when the model file is absent.
    func tokenizer(_ model: ReferenceModel) throws -> Tokenizer {
        lock.lock()
        defer { lock.unlock() }
        if let cached = tokenizers[model] { return cached }
        let path = model.modelFile.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("\(path) is absent: run `python3 scripts/fetch-models.py` (or set VELLUM_MODELS_DIR) to fetch the bundled models")
        }
        let tokenizer = try Tokenizer(file: GGUFFile(path: path))
        tokenizers[model] = tokenizer
        return tokenizer
    }
}
