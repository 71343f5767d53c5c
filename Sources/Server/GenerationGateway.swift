import Foundation
import Inference
import Logging
import ModelService
import NIOCore

/// The server's one way onto the model: queues a generation on the shared `ModelService`, turns a full queue into
/// 503, ties the generation to the client's connection, and counts how it ended.
public struct GenerationGateway: Sendable {
    public let service: ModelService
    public let statistics: ServerStatistics

    public init(service: ModelService, statistics: ServerStatistics) {
        self.service = service
        self.statistics = statistics
    }

    /// Queues `prompt`. Throws 503 (`Retry-After`) when the queue is full or the server is shutting down.
    /// The generation is cancelled when `connection` closes, even while it still waits in the queue.
    func start(prompt: [Int32], options: GenerationOptions, connection: any Channel) throws -> GenerationStream {
        let stream: GenerationStream
        do {
            stream = try service.generate(prompt: prompt, options: options)
        } catch .queueFull(let length) {
            statistics.recordRefused()
            throw APIError.busy(queued: length, retryAfterSeconds: statistics.retryAfter(queued: length + 1))
        } catch {
            statistics.recordRefused()
            throw APIError.shuttingDown
        }
        connection.closeFuture.whenComplete { _ in stream.cancel() }
        return stream
    }

    /// Counts a generation's end and logs its figures (token counts and times, never text).
    func finished(_ result: GenerationResult, route: String, logger: Logger) {
        statistics.recordFinished(seconds: result.promptSeconds + result.generationSeconds, cancelled: result.stopReason == .cancelled)
        logger.info("\(route): \(result.promptTokens) prompt tokens (\(result.promptTokensEvaluated) evaluated), \(result.ids.count) generated, stop \(result.stopReason.rawValue), \(String(format: "%.2f", result.promptSeconds + result.generationSeconds)) s")
    }

    /// Counts a generation that ended with an error: withdrawn from the queue (cancelled) or failed.
    func failed(_ error: any Error, route: String, logger: Logger) {
        if error is CancellationError {
            statistics.recordCancelledBeforeStart()
            logger.info("\(route): cancelled while queued")
        } else {
            statistics.recordFailed()
            logger.error("\(route): generation failed: \(String(describing: type(of: error)))")
        }
    }
}
