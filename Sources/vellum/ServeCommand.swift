import ArgumentParser
import Deidentification
import DraftStore
import Drafting
import Foundation
import Inference
import Logging
import ModelService
import VellumServer

/// `vellum serve`: the local server (OpenAI-compatible API, clinical tasks, drafts, the workspace page).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve one model to many local clients: an OpenAI-compatible API, the clinical tasks, and the workspace page.",
        discussion: """
            Listens on 127.0.0.1 unless told otherwise; any other address needs --allow-remote and an API key \
            (--api-key or $\(ServerConfiguration.apiKeyVariable)), or the server refuses to start. With a key, every \
            route but /health needs `Authorization: Bearer <key>`. Open http://127.0.0.1:<port>/ for the workspace. \
            SIGTERM or Ctrl-C stops it gracefully: requests in flight get --shutdown-grace seconds to finish.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var lexiconOptions: LexiconOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var deidPass: DraftingDeidOptions

    @Option(help: "Address to listen on.")
    var host: String = ServerConfiguration.defaultHost
    @Option(help: "TCP port (0: any free port, printed at start).")
    var port: Int = ServerConfiguration.defaultPort
    @Option(help: "Bearer token every route but /health requires (default: $\(ServerConfiguration.apiKeyVariable)).")
    var apiKey: String?
    @Flag(help: "Allow listening on an address other machines can reach (needs an API key).")
    var allowRemote = false
    @Option(help: "Requests that may wait for the model; past it, 503 with Retry-After.")
    var queueCapacity: Int = 16
    @Option(help: "Largest request body, in bytes (413 past it).")
    var maxBodyBytes: Int = 4_000_000
    @Option(help: "Seconds a shutdown waits for requests in flight before cancelling them.")
    var shutdownGrace: Int = 10

    func validate() throws {
        guard queueCapacity >= 1 else { throw ValidationError("--queue-capacity must be at least 1") }
        guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace must be 0 or more") }
    }

    func run() async throws {
        let path = try modelOptions.resolvedPath()
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration(
                host: host, port: port, apiKey: apiKey ?? ProcessInfo.processInfo.environment[ServerConfiguration.apiKeyVariable],
                allowRemote: allowRemote, maxBodyBytes: maxBodyBytes, modelName: modelOptions.model ?? URL(fileURLWithPath: path).lastPathComponent)
        } catch {
            throw CommandError(error.description)
        }
        let lexicons: Lexicons
        do { lexicons = try lexiconOptions.load() } catch {
            throw CommandError("de-identification lexicons: \(error.description)")
        }
        let deidentifier = Deidentifier(registry: .default(lexicons: lexicons), kinds: Set(PHIKind.allCases))
        let service = ModelService(model: try LanguageModel(path: path), contextLength: modelOptions.context,
                                   threads: modelOptions.threads, queueCapacity: queueCapacity)
        let environment = TaskEnvironment(deidentifier: deidentifier, service: service, modelSHA256: try ModelFingerprint.sha256(path: path),
                                          store: try DraftStore.openDefault(), defaultActor: actor.name,
                                          modelPassLexicons: deidPass.fastDeid ? nil : lexicons)
        var server = try VellumServer(configuration: configuration, environment: environment)
        server.shutdownGrace = .seconds(shutdownGrace)
        var logger = Logger(label: "vellum")
        logger.logLevel = .info
        let host = configuration.host
        try await server.run(logger: logger) { port in
            printError("serving \(configuration.modelName) on http://\(host):\(port)/ (workspace at /, API at /v1)")
        }
    }
}
