#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A fixed set of worker threads that run one parallel job at a time, the calling thread taking part.
///
/// A decode step launches a few hundred small jobs (one per matrix), each lasting tens of microseconds, so
/// waking a sleeping thread through the kernel for every one of them would cost more than the work on a
/// 2-core machine. Workers therefore spin on a generation counter while jobs keep coming and only block on a
/// condition variable after a short idle period, so an idle model costs no CPU.
///
/// Any number of threads may call `run` at once (sessions on one model share its pool): they take turns, one
/// whole job each, because the workers serve one job at a time.
public final class ThreadPool: @unchecked Sendable {
    public let threadCount: Int

    /// Held by the caller for the length of one job. A single session's jobs come one after another from one
    /// thread, so it is uncontended then (an atomic exchange each way, no allocation, no system call).
    private let turn = Mutex<Void>(())
    /// Bumped once per job; workers compare it with the last generation they ran.
    private let generation = Atomic<Int>(0)
    /// Workers still running the current job.
    private let unfinished = Atomic<Int>(0)
    /// Zero when a job starts: a job that hands out its work in pieces counts the pieces taken here (see
    /// `WorkCursor`), so whichever thread is ahead takes more instead of waiting for the other at the end.
    let workCursor = WorkCursor()
    /// The current job (on the caller's stack) and the function that runs it, set by `run` for the workers.
    private var jobContext: UnsafeRawPointer?
    private var jobInvoker: (UnsafeRawPointer, Int) -> Void = { _, _ in }
    private var mutex = pthread_mutex_t()
    private var wakeUp = pthread_cond_t()
    private var sleepers = 0
    private var shuttingDown = false
    private var threads: [pthread_t] = []

    /// Spin iterations before a worker goes to sleep (about a millisecond here).
    private static let spinsBeforeSleep = 200_000
    /// Spin iterations between yields of the core while waiting (a few microseconds).
    private static let spinsBeforeYield = 2_000

    public init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wakeUp, nil)
        for index in 1..<self.threadCount {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index))
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.pool.workerLoop(index: context.index)
                return nil
            }, context.toOpaque())
            precondition(status == 0, "pthread_create failed: \(status)")
            threads.append(thread)
        }
    }

    deinit {
        pthread_mutex_lock(&mutex)
        shuttingDown = true
        pthread_cond_broadcast(&wakeUp)
        pthread_mutex_unlock(&mutex)
        generation.add(1, ordering: .releasing)
        for thread in threads { pthread_join(thread, nil) }
        pthread_cond_destroy(&wakeUp)
        pthread_mutex_destroy(&mutex)
    }

    /// Runs `job.execute(thread:)` once on every thread (index 0 is the caller) and returns when all are done.
    /// A caller that finds another's job running waits for it to end. A job must not call `run` on its own pool.
    ///
    /// The job stays on the caller's stack; workers reach it through a pointer and a non-capturing invoker, so
    /// handing out a job allocates nothing (a decode step hands out a few hundred).
    public func run<Job: ParallelJob>(_ job: Job) {
        guard threadCount > 1 else { workCursor.reset(); job.execute(thread: 0); return }
        turn.withLock { _ in runAlone(job) }
    }

    /// `run` for the caller holding `turn`: the job fields and counters below belong to it until it returns.
    private func runAlone<Job: ParallelJob>(_ job: Job) {
        withUnsafePointer(to: job) { pointer in
            jobContext = UnsafeRawPointer(pointer)
            jobInvoker = { context, thread in context.assumingMemoryBound(to: Job.self).pointee.execute(thread: thread) }
            workCursor.reset()
            unfinished.store(threadCount - 1, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            pthread_mutex_lock(&mutex)
            if sleepers > 0 { pthread_cond_broadcast(&wakeUp) }
            pthread_mutex_unlock(&mutex)
            pointer.pointee.execute(thread: 0)
            var spins = 0
            while unfinished.load(ordering: .acquiring) != 0 {
                spins += 1
                // A worker that is not running (the machine has more runnable threads than cores) cannot
                // finish while we spin on its core: give the core up now and then.
                if spins % Self.spinsBeforeYield == 0 { sched_yield() }
            }
            jobContext = nil
        }
    }

    /// Runs `body(threadIndex)` once on every thread. Handy off the hot path; a closure handed to other
    /// threads is copied to the heap, so per-token work uses `run(_: ParallelJob)` instead.
    public func run(_ body: (Int) -> Void) {
        guard threadCount > 1 else { body(0); return }
        withoutActuallyEscaping(body) { escapable in run(ClosureJob(body: escapable)) }
    }

    /// Splits `0..<count` into one contiguous chunk per thread and runs `body(chunk, threadIndex)` on each
    /// non-empty chunk.
    public func parallelFor(_ count: Int, _ body: (Range<Int>, Int) -> Void) {
        run { index in
            let range = ThreadPool.chunk(count, part: index, of: threadCount)
            if !range.isEmpty { body(range, index) }
        }
    }

    /// The `part`-th of `parts` near-equal contiguous chunks of `0..<count`.
    public static func chunk(_ count: Int, part: Int, of parts: Int) -> Range<Int> {
        let base = count / parts, extra = count % parts
        let start = part * base + min(part, extra)
        return start..<(start + base + (part < extra ? 1 : 0))
    }

    private func workerLoop(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                spins += 1
                if spins % Self.spinsBeforeYield == 0 { sched_yield() }
                if spins >= Self.spinsBeforeSleep {
                    pthread_mutex_lock(&mutex)
                    sleepers += 1
                    while generation.load(ordering: .acquiring) == seen && !shuttingDown {
                        pthread_cond_wait(&wakeUp, &mutex)
                    }
                    sleepers -= 1
                    pthread_mutex_unlock(&mutex)
                    spins = 0
                }
                current = generation.load(ordering: .acquiring)
            }
            if shuttingDown { return }
            seen = current
            jobInvoker(jobContext!, index)
            unfinished.subtract(1, ordering: .releasing)
        }
    }
}

/// A shared counter of the pieces of a job already taken, for jobs whose threads would otherwise finish at
/// different times: one token's matrix product is bound by memory bandwidth, which the cores do not share
/// evenly, so equal static shares left one thread waiting for the other at the end of every product.
final class WorkCursor: @unchecked Sendable {
    private let taken = Atomic<Int>(0)

    /// Called by the pool (under its turn) before a job starts.
    fileprivate func reset() { taken.store(0, ordering: .relaxed) }

    /// The next `piece`-sized range of `0..<count` not yet taken, or nil when all are.
    func next(piece: Int, of count: Int) -> Range<Int>? {
        let start = taken.add(piece, ordering: .relaxed).oldValue
        return start < count ? start..<min(start + piece, count) : nil
    }
}

private final class WorkerContext {
    let pool: ThreadPool
    let index: Int
    init(pool: ThreadPool, index: Int) { self.pool = pool; self.index = index }
}

/// One thread's share of a parallel job; see `ThreadPool.run(_: ParallelJob)`.
public protocol ParallelJob {
    func execute(thread: Int)
}

private struct ClosureJob: ParallelJob {
    let body: (Int) -> Void
    func execute(thread: Int) { body(thread) }
}
