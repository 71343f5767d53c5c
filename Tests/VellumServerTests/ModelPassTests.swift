import Deidentification
import DraftStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import ModelService
import TestSupport
import VellumServer
import XCTest

/// The server's de-identification with the model-assisted pass on (the default of `vellum serve`): the pass runs
/// in the model service's queue, and finds what the command line's pass finds.
final class ModelPassTests: XCTestCase {
    static let text = HandAnnotatedMessages.lowerCaseNames
    static let nameWords = HandAnnotatedMessages.lowerCaseNameWords

    func testTheDeidentifyTaskRunsTheModelPassThroughTheServiceQueue() async throws {
        var variables = ProcessInfo.processInfo.environment
        if variables["VELLUM_ROOT"] == nil { variables["VELLUM_ROOT"] = ServerFixtures.repositoryRoot.path }
        let path: String
        do { path = try ModelCatalog(environment: variables).resolve("qwen2.5-coder-0.5b-instruct") } catch let error as CatalogError {
            throw XCTSkip("\(error); run scripts/fetch-models.py qwen2.5-coder-0.5b-instruct")
        }
        let lexicons: Lexicons
        do { lexicons = try Lexicons.load() } catch { throw XCTSkip("de-identification lexicons: \(error)") }
        let folder = try ServerFixtures.newFolder()
        let service = ModelService(model: try LanguageModel(path: path), contextLength: 2048, threads: 2, queueCapacity: 4)
        let environment = TaskEnvironment(deidentifier: Deidentifier(registry: .default(lexicons: lexicons), kinds: Set(PHIKind.allCases)),
                                          service: service, modelSHA256: nil,
                                          store: try DraftStore(url: folder.appendingPathComponent("drafts.sqlite")),
                                          defaultActor: "test", modelPassLexicons: lexicons)
        let configuration = try ServerConfiguration(port: 0, apiKey: nil, allowRemote: false, maxBodyBytes: 100_000,
                                                    modelName: "qwen2.5-coder-0.5b-instruct")
        let server = try VellumServer(configuration: configuration, environment: environment)
        let body = try String(decoding: JSONSerialization.data(withJSONObject: ["text": Self.text, "format": "tagged"]), as: UTF8.self)
        let scalars = Array(Self.text.unicodeScalars)
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            try await client.execute(uri: "/api/tasks/deidentify", method: .post, body: ByteBuffer(json: body)) { response in
                XCTAssertEqual(response.status, .ok)
                let spans = try XCTUnwrap(try object(response.body)["spans"] as? [[String: Any]])
                let names = spans.filter { $0["label"] as? String == "NAME" }.compactMap { span -> Range<Int>? in
                    guard let start = span["start"] as? Int, let end = span["end"] as? Int else { return nil }
                    return start..<end
                }
                let t = TokenizedText(Self.text)
                let words = (0..<t.count).filter { k in
                    t.isWord(k) && names.contains { $0.lowerBound <= t.tokens[k].start && t.tokens[k].end <= $0.upperBound }
                }.map { t.key($0) }
                XCTAssertEqual(words, Self.nameWords, "words inside NAME spans: \(names.map { String(String.UnicodeScalarView(scalars[$0])) })")
            }
        }
        await service.shutdown()
    }
}
