import Foundation
import XCTest

/// llama.cpp's outputs for the bundled models (../shared/reference, see its README) and the model files
/// (fetched by scripts/fetch-models.py into .cache/models).
struct LlamaCppReference: Decodable {
    struct Logit: Decodable { let id: Int32; let logit: Float }
    struct Greedy: Decodable {
        let ids: [Int32]
        let text: String
        let stepsTop5: [[Logit]]
        let stoppedAtEog: Bool
        enum CodingKeys: String, CodingKey {
            case ids, text
            case stepsTop5 = "steps_top5", stoppedAtEog = "stopped_at_eog"
        }
    }
    struct Prompt: Decodable {
        let text: String
        let promptIds: [Int32]
        let lastPositionTop10: [Logit]
        let greedy: Greedy
        enum CodingKeys: String, CodingKey {
            case text, greedy
            case promptIds = "prompt_ids", lastPositionTop10 = "last_position_top10"
        }
    }
    let prompts: [Prompt]
}

enum TestModels {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var modelsDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["VELLUM_MODELS_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return repositoryRoot.appendingPathComponent(".cache/models")
    }

    /// ../shared/reference beside the checkout, else the copy the tokenizer tests keep in their fixtures.
    static var referenceDirectory: URL {
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/reference")
        if FileManager.default.fileExists(atPath: shared.path) { return shared }
        return repositoryRoot.appendingPathComponent("Tests/TokenizationTests/Fixtures/llama-reference")
    }

    /// The model file, or a skip that names the command that fetches it.
    static func path(_ file: String) throws -> String {
        let path = modelsDirectory.appendingPathComponent(file).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("\(file) is not fetched; run scripts/fetch-models.py")
        }
        return path
    }

    static func reference(_ file: String) throws -> LlamaCppReference {
        let url = referenceDirectory.appendingPathComponent(file)
        guard let data = try? Data(contentsOf: url) else {
            throw XCTSkip("llama.cpp reference \(url.path) is not present")
        }
        return try JSONDecoder().decode(LlamaCppReference.self, from: data)
    }
}
