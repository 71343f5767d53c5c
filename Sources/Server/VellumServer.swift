import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ModelService
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `vellum serve`: one process, one model, many clients. Builds the router (OpenAI-compatible generation, the
/// clinical tasks, the drafts store, the workspace page) and runs it until SIGTERM or SIGINT.
///
/// ```swift
/// let server = try VellumServer(configuration: configuration, environment: environment)
/// try await server.run()    // returns after a graceful shutdown
/// ```
public struct VellumServer: Sendable {
    public let configuration: ServerConfiguration
    public let environment: TaskEnvironment
    public let tasks: [TaskEndpoint]
    public let statistics = ServerStatistics()
    /// How long a shutdown waits for requests in flight before cancelling their generations.
    public var shutdownGrace: Duration = .seconds(10)
    private let assets: WorkspaceAssets

    public init(configuration: ServerConfiguration, environment: TaskEnvironment, tasks: [TaskEndpoint] = TaskEndpoint.standard) throws {
        self.configuration = configuration
        self.environment = environment
        self.tasks = tasks
        guard let directory = WorkspaceAssets.bundled else { throw ServerStartError("the workspace page's resources are missing from this build") }
        assets = try WorkspaceAssets(directory: directory)
    }

    struct Health: Encodable {
        let status: String
        let model: String
        let queueDepth: Int
        let queueCapacity: Int
        let generations: ServerStatistics.Snapshot
    }

    public func buildRouter() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: InFlightMiddleware(statistics: statistics))
        if let apiKey = configuration.apiKey { router.add(middleware: BearerAuthMiddleware(apiKey: apiKey)) }
        let service = environment.service
        let statistics = self.statistics
        let modelName = configuration.modelName
        router.get("/health") { _, _ in
            try JSONBody.response(Health(status: "ok", model: modelName, queueDepth: service.queueDepth,
                                         queueCapacity: service.queueCapacity, generations: statistics.snapshot))
        }
        let gateway = GenerationGateway(service: service, statistics: statistics)
        OpenAIController(gateway: gateway, modelName: modelName, maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        TaskController(tasks: tasks, environment: environment, statistics: statistics, maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        DraftsController(store: environment.store, defaultActor: environment.defaultActor,
                         maxBodyBytes: configuration.maxBodyBytes).register(on: router)
        assets.register(on: router)
        return router
    }

    public func buildApplication(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: buildRouter(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vellum"),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Serves until SIGTERM/SIGINT. Then: the model's queue is drained for up to `shutdownGrace` while requests in
    /// flight finish; what still runs after that is cancelled at its next token (its stream ends with a finish
    /// reason, a task answers an error and saves nothing); then the HTTP server closes. Every draft write is one
    /// SQLite transaction, so the store is consistent whatever was cut short.
    public func run(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = buildApplication(logger: logger, onServerRunning: onServerRunning)
        let model = ModelShutdown(service: environment.service, statistics: statistics, grace: shutdownGrace, logger: logger)
        // Services shut down last-first: the model's drain runs while the HTTP server still answers.
        let group = ServiceGroup(configuration: .init(services: [app, model], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Waits for the shutdown signal, gives requests in flight `grace` to finish, then shuts the model service down.
struct ModelShutdown: Service {
    let service: ModelService
    let statistics: ServerStatistics
    let grace: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down: \(statistics.snapshot.inFlight) request(s) in flight, \(service.queueDepth) queued")
        let deadline = ContinuousClock.now + grace
        while statistics.snapshot.inFlight > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let left = statistics.snapshot.inFlight
        await service.shutdown(left > 0 ? .cancelAll : .finishQueued)
        logger.info("model stopped (\(left) request(s) cut short)")
    }
}

public struct ServerStartError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
