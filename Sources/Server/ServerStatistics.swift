import Foundation
import Synchronization

/// Counters the server keeps about its own work, shown by `/health` (and read by the load test): how many
/// generations ended which way, and how many requests are being answered now. Numbers only, no text.
public final class ServerStatistics: Sendable {
    public struct Snapshot: Codable, Equatable, Sendable {
        public var completed = 0
        public var cancelled = 0
        public var failed = 0
        /// Refused with 503 because the model's queue was full.
        public var refused = 0
        /// Requests whose answer (including a streamed body) has not been fully written yet.
        public var inFlight = 0
        /// Mean seconds a generation held the model, for the `Retry-After` estimate.
        public var meanGenerationSeconds = 0.0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func recordFinished(seconds: Double, cancelled: Bool) {
        state.withLock { state in
            if cancelled { state.cancelled += 1 } else { state.completed += 1 }
            let runs = Double(state.completed + state.cancelled)
            state.meanGenerationSeconds += (seconds - state.meanGenerationSeconds) / runs
        }
    }

    func recordCancelledBeforeStart() { state.withLock { $0.cancelled += 1 } }
    func recordFailed() { state.withLock { $0.failed += 1 } }
    func recordRefused() { state.withLock { $0.refused += 1 } }
    func requestStarted() { state.withLock { $0.inFlight += 1 } }
    func requestEnded() { state.withLock { $0.inFlight -= 1 } }

    /// Seconds a client refused now should wait: the queue ahead of it at the mean generation time, at least 1.
    func retryAfter(queued: Int) -> Int {
        let mean = state.withLock { $0.meanGenerationSeconds }
        return max(1, Int((Double(queued) * mean).rounded(.up)))
    }
}
