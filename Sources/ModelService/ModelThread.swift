import Foundation
import Inference
import Synchronization

/// Work for the model thread: it runs with the session, one job at a time, in submission order.
protocol ServiceJob: AnyObject, Sendable {
    /// Runs the job on the model thread. A job cancelled before this call must return without starting.
    func run(on session: Session)
    /// Ends a job that will never run (withdrawn from the queue, or dropped by a shutdown) with `error`.
    func abandon(_ error: any Error)
    /// Asks the job to stop at its next chance, or never to start if it is still waiting.
    func cancel()
}

/// The queue and the one thread that owns the session.
///
/// Generation is blocking CPU work of seconds: on Swift's cooperative pool (as many threads as cores) it would
/// starve every other task, so it runs on a thread of its own that sleeps on a semaphore when idle.
final class ModelThread: Sendable {
    private struct State {
        var queue: [any ServiceJob] = []
        var running: (any ServiceJob)?
        var accepting = true
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let capacity: Int
    private let state = Mutex(State())
    /// Signalled once per submitted job and once by a shutdown; the thread may wake to an emptied queue
    /// (a withdrawn job) and then just waits again.
    private let wake = DispatchSemaphore(value: 0)

    /// Starts the thread; it owns `session` from now on.
    init(session: Session, capacity: Int) {
        self.capacity = capacity
        let thread = Thread { [self] in serve(session) }
        thread.name = "vellum.model"
        // Glibc's default for the main thread, where the CLI runs sessions; Foundation would give 1 MiB.
        thread.stackSize = 8 << 20
        thread.start()
    }

    var queueDepth: Int { state.withLock { $0.queue.count } }

    /// Appends `job`, or fails at once when the queue is full or closed.
    func submit(_ job: any ServiceJob) throws(ModelServiceError) {
        try state.withLock { state throws(ModelServiceError) in
            guard state.accepting else { throw .shutDown }
            guard state.queue.count < capacity else { throw .queueFull(length: state.queue.count) }
            state.queue.append(job)
        }
        wake.signal()
    }

    /// Removes `job` if it is still waiting, and says whether it did: such a job will never run.
    func withdraw(_ job: any ServiceJob) -> Bool {
        state.withLock { state in
            guard let index = state.queue.firstIndex(where: { $0 === job }) else { return false }
            state.queue.remove(at: index)
            return true
        }
    }

    /// Refuses new jobs; with `.cancelAll`, also ends the waiting ones and cancels the running one. The thread
    /// exits once the queue is empty.
    func close(_ mode: ModelService.ShutdownMode) {
        let (dropped, running) = state.withLock { state -> ([any ServiceJob], (any ServiceJob)?) in
            state.accepting = false
            guard mode == .cancelAll else { return ([], nil) }
            defer { state.queue = [] }
            return (state.queue, state.running)
        }
        wake.signal()
        for job in dropped { job.abandon(ModelServiceError.shutDown) }
        running?.cancel()
    }

    /// Returns once the thread has run its last job and let go of the session.
    func waitForExit() async {
        await withCheckedContinuation { continuation in
            let exited = state.withLock { state in
                if !state.exited { state.exitWaiters.append(continuation) }
                return state.exited
            }
            if exited { continuation.resume() }
        }
    }

    private func serve(_ session: Session) {
        while true {
            wake.wait()
            let (job, exit) = state.withLock { state -> ((any ServiceJob)?, Bool) in
                guard !state.queue.isEmpty else { return (nil, !state.accepting) }
                state.running = state.queue.removeFirst()
                return (state.running, false)
            }
            if let job {
                job.run(on: session)
                state.withLock { $0.running = nil }
            } else if exit {
                break
            }
        }
        let waiters = state.withLock { state in
            state.exited = true
            defer { state.exitWaiters = [] }
            return state.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A job that calls a closure with the session and hands back what it returns (scoring, custom work).
/// Cancelled while waiting, it never runs; once running, it runs to the end.
final class CallJob<Value: Sendable>: ServiceJob {
    private let body: @Sendable (Session) throws -> Value
    let result = OneShot<Value>()
    private let thread: ModelThread
    private let cancelled = Atomic(false)

    init(thread: ModelThread, body: @escaping @Sendable (Session) throws -> Value) {
        self.thread = thread
        self.body = body
    }

    func run(on session: Session) {
        guard !cancelled.load(ordering: .acquiring) else { return abandon(CancellationError()) }
        result.fulfil(Result { try body(session) })
    }

    func abandon(_ error: any Error) { result.fulfil(.failure(error)) }

    func cancel() {
        cancelled.store(true, ordering: .releasing)
        if thread.withdraw(self) { abandon(CancellationError()) }
    }
}
