import Foundation
import Inference

/// TEMPORARY until the model service lands: a session run serially behind a lock.
public final class SessionBackend: DraftingBackend, @unchecked Sendable {
    public let model: LanguageModel
    public let modelPath: String
    private let session: Session
    private let lock = NSLock()

    public init(path: String, contextLength: Int = 4096, threads: Int = 2) throws {
        model = try LanguageModel(path: path)
        modelPath = path
        session = Session(model: model, contextLength: contextLength, threads: threads)
    }

    public func complete(prompt: [Int32], options: GenerationOptions) async throws -> GenerationResult {
        try lock.withLock { try session.generate(prompt: prompt, options: options) }
    }

    public func logProbabilities(of continuations: [[Int32]], after prompt: [Int32]) async throws -> [Double] {
        try lock.withLock { try session.logProbabilities(of: continuations, after: prompt) }
    }
}
