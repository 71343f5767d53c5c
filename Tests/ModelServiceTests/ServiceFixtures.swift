import Foundation
import Inference
import ModelService
import Synchronization
import XCTest

/// The bundled models, found as the command line finds them (`models/manifest.json`, `.cache/models`).
enum TestModels {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The loaded model, or a skip that names the command that fetches it.
    static func load(_ name: String) throws -> LanguageModel {
        var environment = ProcessInfo.processInfo.environment
        if environment["VELLUM_ROOT"] == nil { environment["VELLUM_ROOT"] = repositoryRoot.path }
        do {
            return try LanguageModel(path: ModelCatalog(environment: environment).resolve(name))
        } catch let error as CatalogError {
            throw XCTSkip("\(error); run scripts/fetch-models.py \(name)")
        }
    }

    /// SmolLM2, the smallest: loaded once for the whole suite, as every service and reference session may share it.
    static let smol = Result { try load("smollm2-135m-instruct") }
}

/// What a fresh `Session` alone makes of a prompt: the independent reference for everything the service returns.
struct Reference {
    let result: GenerationResult
    let pieces: [String]
    /// `tokensAfterPiece[k]`: how many tokens had been generated when piece k was released.
    let tokensAfterPiece: [Int]

    init(model: LanguageModel, prompt: [Int32], options: GenerationOptions, contextLength: Int) throws {
        let session = Session(model: model, contextLength: contextLength, threads: 2)
        var pieces: [String] = [], tokensAfterPiece: [Int] = []
        result = try session.generate(prompt: prompt, options: options, onText: { piece in
            pieces.append(piece)
            // The session holds the prompt and every generated token but the one just sampled.
            tokensAfterPiece.append(session.tokens.count - prompt.count + 1)
            return true
        })
        self.pieces = pieces
        self.tokensAfterPiece = tokensAfterPiece
    }
}

/// Holds the model thread inside a `perform` call until opened, so that the test decides what is queued.
final class Gate: Sendable {
    private let entered = Atomic(false)
    private let opened = DispatchSemaphore(value: 0)

    /// Queues a call that blocks the model thread, and returns once the thread is in it (the queue then empty).
    static func closing(_ service: ModelService) async -> Gate {
        let gate = Gate()
        Task { try await service.perform { _ in gate.pass() } }
        await until { gate.entered.load(ordering: .acquiring) }
        return gate
    }

    private func pass() {
        entered.store(true, ordering: .releasing)
        opened.wait()
    }

    func open() { opened.signal() }
}

/// Waits, without a deadline, until `condition` holds: for states another thread reaches (not a timing check).
func until(_ condition: () -> Bool) async {
    while !condition() { try? await Task.sleep(for: .milliseconds(1)) }
}

/// The text pieces of `stream` up to its `.finished` event, and the result it carries.
func collect(_ stream: GenerationStream) async throws -> (pieces: [String], result: GenerationResult) {
    var pieces: [String] = []
    for try await event in stream {
        switch event {
        case .text(let piece): pieces.append(piece)
        case .finished(let result): return (pieces, result)
        }
    }
    throw StreamEndedWithoutResult()
}

struct StreamEndedWithoutResult: Error {}
