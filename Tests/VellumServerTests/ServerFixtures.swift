import Deidentification
import DraftStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import Logging
import ModelService
import VellumServer
import XCTest

/// A server on SmolLM2 (the smallest bundled model) with a drafts store in a fresh temporary folder.
enum ServerFixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Loaded once: every test's service shares the read-only weights.
    static let smol = Result { () throws -> LanguageModel in
        var environment = ProcessInfo.processInfo.environment
        if environment["VELLUM_ROOT"] == nil { environment["VELLUM_ROOT"] = repositoryRoot.path }
        do {
            return try LanguageModel(path: ModelCatalog(environment: environment).resolve("smollm2-135m-instruct"))
        } catch let error as CatalogError {
            throw XCTSkip("\(error); run scripts/fetch-models.py smollm2-135m-instruct")
        }
    }

    /// The folder every test's draft store is made in, removed when the test process exits.
    static let scratch: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vellum-server-tests-\(UUID().uuidString)")
        atexit { try? FileManager.default.removeItem(at: ServerFixtures.scratch) }
        return folder
    }()

    /// A new, empty folder under `scratch`.
    static func newFolder() throws -> URL {
        let folder = scratch.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Rules-only de-identification (the tests' identifiers need no lexicons), a new store, a new service.
    static func environment(queueCapacity: Int = 4) throws -> TaskEnvironment {
        let folder = try newFolder()
        let service = ModelService(model: try smol.get(), contextLength: 1024, threads: 2, queueCapacity: queueCapacity)
        return TaskEnvironment(deidentifier: Deidentifier(registry: .default(lexicons: .empty), kinds: Set(PHIKind.allCases)),
                               service: service, modelSHA256: nil, store: try DraftStore(url: folder.appendingPathComponent("drafts.sqlite")),
                               defaultActor: "test")
    }

    static func server(apiKey: String? = nil, maxBodyBytes: Int = 100_000, queueCapacity: Int = 4) throws -> VellumServer {
        let configuration = try ServerConfiguration(port: 0, apiKey: apiKey, allowRemote: false, maxBodyBytes: maxBodyBytes,
                                                    modelName: "smollm2-135m-instruct")
        return try VellumServer(configuration: configuration, environment: try environment(queueCapacity: queueCapacity))
    }

    static var logger: Logger {
        var logger = Logger(label: "vellum-test")
        logger.logLevel = .warning
        return logger
    }
}

extension ByteBuffer {
    init(json: String) { self.init(string: json) }
    var text: String { String(buffer: self) }
}

/// The JSON object of a response body.
func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
}

/// Holds the model thread inside a `perform` call until opened, so a test decides what is running.
final class Gate: @unchecked Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let opened = DispatchSemaphore(value: 0)

    static func closing(_ service: ModelService) async -> Gate {
        let gate = Gate()
        Task { try await service.perform { _ in gate.entered.signal(); gate.opened.wait() } }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { gate.entered.wait(); continuation.resume() }
        }
        return gate
    }

    func open() { opened.signal() }
}
