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

/// llama.cpp's long-context vectors (Tests/InferenceTests/Fixtures/LongContext, written by
/// scripts/make-long-context-vectors.sh; its generator's head comment gives the method).
struct LongContextReference: Decodable {
    typealias Logit = LlamaCppReference.Logit
    struct Step: Decodable {
        let position: Int
        /// llama.cpp's top-1 minus top-2 logit.
        let margin: Float
        let top10: [Logit]
    }
    /// A step whose margin is below the model's tolerance: either engine may take either of the two tokens.
    struct Fork: Decodable { let step: Int; let margin: Float; let top1: Int32; let top2: Int32 }
    struct Prompt: Decodable {
        let source: String
        let byteStart: Int
        let byteEnd: Int
        let batches: [Int]
        let promptIds: [Int32]
        let greedyIds: [Int32]
        let steps: [Step]
        let forks: [Fork]
        enum CodingKeys: String, CodingKey {
            case source, batches, steps, forks
            case byteStart = "byte_start", byteEnd = "byte_end", promptIds = "prompt_ids", greedyIds = "greedy_ids"
        }
    }
    /// The largest difference between llama.cpp's two configurations, and the tolerance derived from it.
    let altSpread: Float
    let tolerance: Float
    let prompts: [Prompt]
    enum CodingKeys: String, CodingKey {
        case tolerance, prompts
        case altSpread = "alt_spread"
    }
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

    /// The long-context vectors of model file `file`: kept in this repository (unlike ../shared/reference), so
    /// a missing one is a failure, not a skip.
    static func longContextReference(_ file: String) throws -> LongContextReference {
        let stem = (file as NSString).deletingPathExtension
        let url = repositoryRoot.appendingPathComponent("Tests/InferenceTests/Fixtures/LongContext/\(stem).json")
        return try JSONDecoder().decode(LongContextReference.self, from: Data(contentsOf: url))
    }
}

/// The greedy choice: the largest logit, the lower id on a tie (as llama.cpp's vectors record it).
func greedyToken(_ logits: [Float]) -> Int32 {
    Int32(logits.indices.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }!)
}

/// Ids of the `k` largest logits, in no particular order: one pass, no sort of the whole vocabulary (test code
/// is unoptimized, and a 262k-entry sort per step would dominate a long test).
func topIds(_ logits: [Float], _ k: Int) -> Set<Int32> {
    var best: [(id: Int, logit: Float)] = []
    for (id, logit) in logits.enumerated() where best.count < k || logit > best[best.count - 1].logit {
        if best.count == k { best.removeLast() }
        best.insert((id, logit), at: best.firstIndex { $0.logit < logit } ?? best.count)
    }
    return Set(best.map { Int32($0.id) })
}

/// Our logits at llama.cpp's top-10 ids (descending) must be within `tolerance` of its values; returns the
/// largest difference seen.
@discardableResult
func checkTop10(_ logits: [Float], reference: [LlamaCppReference.Logit], tolerance: Float, label: String,
                file: StaticString = #filePath, line: UInt = #line) -> Float {
    let ours = topIds(logits, 10)
    let boundary = reference.last!.logit
    var reached: Float = 0
    for entry in reference {
        let value = logits[Int(entry.id)]
        reached = max(reached, abs(value - entry.logit))
        XCTAssertEqual(value, entry.logit, accuracy: tolerance, "\(label): logit of token \(entry.id)", file: file, line: line)
        // A token clearly inside llama.cpp's top 10 must be inside ours; one within the tolerance of the
        // 10th place may trade places with its neighbour.
        if entry.logit > boundary + tolerance {
            XCTAssertTrue(ours.contains(entry.id), "\(label): token \(entry.id) missing from our top 10 \(ours.sorted())",
                          file: file, line: line)
        }
    }
    return reached
}
