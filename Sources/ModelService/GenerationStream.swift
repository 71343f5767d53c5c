import Foundation
import Inference
import Synchronization

/// What a generation stream yields: text as it is released, then the final result once.
public enum GenerationEvent: Sendable {
    /// The next piece of text: whole UTF-8 characters, never part of a stop string.
    case text(String)
    /// The end: all the text again, the token ids, why it stopped and the timings.
    case finished(GenerationResult)
}

/// The text of one queued generation as it is produced, then its result; see `ModelService.generate`.
///
/// Pieces are handed over one at a time: the generation waits for the consumer to ask for the next piece
/// before it computes another token. So it runs at the consumer's pace (a server writing to a socket keeps up
/// with any model here), and a consumer that stops after N pieces has cost at most one token more. The
/// generation is cancelled at its next token when the consumer
/// - leaves its loop (the iterator is released) or releases the stream unread,
/// - is in a task that is cancelled while it waits for a piece or the result,
/// - or calls `cancel()`.
///
/// "Next token" holds whatever the token is: `Session.generate` asks whether the request is cancelled before
/// every token, including those that release no text (a possible stop string, a partial UTF-8 character).
/// The prompt is always evaluated whole before the first token.
///
/// A request cancelled while it is still queued never runs: iterating it (or awaiting `result`) throws
/// `CancellationError`; one dropped by a `.cancelAll` shutdown throws `ModelServiceError.shutDown`. A request
/// cancelled while running ends normally with the text so far and `stopReason == .cancelled`.
///
/// One consumer per stream: iterate it once, from one task.
public struct GenerationStream: AsyncSequence, Sendable {
    public typealias Element = GenerationEvent

    let job: GenerationJob
    /// Cancels the request once neither this stream nor an iterator made from it is left.
    private let lifetime: CancelOnRelease

    init(job: GenerationJob) {
        self.job = job
        lifetime = CancelOnRelease(job)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(job: job, stream: lifetime, iteration: CancelOnRelease(job))
    }

    /// Stops the generation at its next token, or withdraws it from the queue.
    public func cancel() { job.cancel() }

    /// The final result. Awaiting it stops the piece-by-piece hand-over (the rest of the text arrives only
    /// here), so a caller that only wants the result need not iterate.
    public var result: GenerationResult {
        get async throws { try await job.awaitResult() }
    }

    public struct Iterator: AsyncIteratorProtocol, Sendable {
        let job: GenerationJob
        let stream: CancelOnRelease
        /// Cancels the request when the consumer's loop ends early and drops the iterator.
        let iteration: CancelOnRelease

        public mutating func next() async throws -> GenerationEvent? { try await job.next() }
    }
}

final class CancelOnRelease: Sendable {
    let job: GenerationJob
    init(_ job: GenerationJob) { self.job = job }
    deinit { job.cancel() }
}

/// A queued `Session.generate` call and the hand-over of its text between the model thread and one consumer.
final class GenerationJob: ServiceJob {
    private struct Exchange {
        var cancelled = false
        /// True while pieces go to a reader; false once the consumer only awaits the result.
        var handingOver: Bool
        /// A piece offered by the generation and not yet taken; the generation waits while there is one.
        var piece: String?
        /// A consumer waiting in `next()` for a piece.
        var reader: CheckedContinuation<GenerationEvent?, any Error>?
        /// The outcome was handed to the reader (as `.finished` or an error); `next()` returns nil after it.
        var ended = false
    }

    let prompt: [Int32]
    let options: GenerationOptions
    let result = OneShot<GenerationResult>()
    private let thread: ModelThread
    private let exchange: Mutex<Exchange>
    /// Wakes the generation waiting in `offer` to look at the exchange again (piece taken, cancelled, or
    /// hand-over stopped). Extra signals only cause an extra look.
    private let lookAgain = DispatchSemaphore(value: 0)

    /// `streaming`: pieces go to a reader (a stream) rather than only into the result (`complete`).
    init(thread: ModelThread, prompt: [Int32], options: GenerationOptions, streaming: Bool) {
        self.thread = thread
        self.prompt = prompt
        self.options = options
        exchange = Mutex(Exchange(handingOver: streaming))
    }

    // MARK: The model thread's side

    func run(on session: Session) {
        guard !exchange.withLock({ $0.cancelled }) else { return abandon(CancellationError()) }
        finish(Result {
            try session.generate(prompt: prompt, options: options, onText: { offer($0) },
                                 isCancelled: { exchange.withLock { $0.cancelled } })
        })
    }

    func abandon(_ error: any Error) { finish(.failure(error)) }

    /// `onText`: hands `piece` over and waits until it is taken. False (stop generating) once cancelled.
    private func offer(_ piece: String) -> Bool {
        enum Handover { case stop, toReader(CheckedContinuation<GenerationEvent?, any Error>), nobodyReads, wait }
        let handover = exchange.withLock { exchange -> Handover in
            if exchange.cancelled { return .stop }
            if let reader = exchange.reader {
                exchange.reader = nil
                return .toReader(reader)
            }
            if !exchange.handingOver { return .nobodyReads }
            exchange.piece = piece
            return .wait
        }
        switch handover {
        case .stop: return false
        case .nobodyReads: return true
        case .toReader(let reader):
            reader.resume(returning: .text(piece))
            return true
        case .wait:
            while true {
                lookAgain.wait()
                let (taken, cancelled, handingOver) = exchange.withLock { ($0.piece == nil, $0.cancelled, $0.handingOver) }
                if cancelled { return false }
                if taken || !handingOver { return true }
            }
        }
    }

    private func finish(_ outcome: Result<GenerationResult, any Error>) {
        result.fulfil(outcome)
        let reader = exchange.withLock { exchange -> CheckedContinuation<GenerationEvent?, any Error>? in
            guard let reader = exchange.reader else { return nil }
            exchange.reader = nil
            exchange.ended = true
            return reader
        }
        reader?.resume(with: outcome.map { .finished($0) })
    }

    // MARK: The consumer's side

    func cancel() {
        let first = exchange.withLock { exchange in
            defer { exchange.cancelled = true }
            return !exchange.cancelled
        }
        guard first else { return }
        lookAgain.signal()
        if thread.withdraw(self) { abandon(CancellationError()) }
    }

    func next() async throws -> GenerationEvent? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enum Answer { case piece(String), now(Result<GenerationEvent?, any Error>), later }
                let answer = exchange.withLock { exchange -> Answer in
                    if let piece = exchange.piece {
                        exchange.piece = nil
                        return .piece(piece)
                    }
                    if exchange.ended { return .now(.success(nil)) }
                    if let outcome = result.outcome {
                        exchange.ended = true
                        return .now(outcome.map { .finished($0) })
                    }
                    exchange.reader = continuation
                    return .later
                }
                switch answer {
                case .piece(let piece):
                    lookAgain.signal()
                    continuation.resume(returning: .text(piece))
                case .now(let outcome): continuation.resume(with: outcome)
                case .later: break
                }
            }
        } onCancel: {
            cancel()
        }
    }

    func awaitResult() async throws -> GenerationResult {
        exchange.withLock { $0.handingOver = false }
        lookAgain.signal()
        return try await withTaskCancellationHandler {
            try await result.value
        } onCancel: {
            cancel()
        }
    }
}
