import Foundation
@testable import Inference
import Synchronization
import XCTest

/// Several threads using one pool, or one model's pools, at once: each caller must get exactly its own work
/// done, as if it were alone.
final class ThreadPoolTests: XCTestCase {
    /// Counts, per pool thread, the times this caller's job ran there.
    private struct CountingJob: ParallelJob {
        let counts: UnsafeMutablePointer<Int>
        func execute(thread: Int) { counts[thread] += 1 }  // each index belongs to one thread per job
    }

    func testConcurrentCallersEachRunTheirOwnJobsOnEveryThread() {
        let pool = ThreadPool(threadCount: 2)
        let callers = 3, jobs = 20_000
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: callers * pool.threadCount)
        counts.initialize(repeating: 0, count: callers * pool.threadCount)
        defer { counts.deallocate() }
        let table = UnsafeSendablePointer(counts)
        onThreads(callers) { caller in
            let job = CountingJob(counts: table.pointer + caller * pool.threadCount)
            for _ in 0..<jobs { pool.run(job) }
        }
        // A job handed to another caller's workers, or a caller returning before its workers finished, would
        // leave some count off by one or more.
        XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: callers * pool.threadCount)),
                       Array(repeating: jobs, count: callers * pool.threadCount))
    }

    func testTwoSessionsOnOnePoolFromTwoThreadsMatchEachAlone() throws {
        let model = try SessionTests.model()
        let prompts: [[Int32]] = [[504, 3575, 282, 4649, 314], [1062, 314, 253, 1345, 28]]
        let options = GenerationOptions(maxTokens: 32)
        func session() -> Session { Session(model: model, contextLength: 64, threads: 2) }
        let alone = try prompts.map { try session().generate(prompt: $0, options: options).ids }

        let sessions = prompts.map { _ in session() }
        XCTAssertTrue(sessions[0].state.pool === sessions[1].state.pool, "the sessions must share the model's pool")
        let results = Mutex<[Int: Result<[Int32], any Error>]>([:])
        onThreads(2) { index in
            let ids = Result { try sessions[index].generate(prompt: prompts[index], options: options).ids }
            results.withLock { $0[index] = ids }
        }
        let together = try results.withLock { results in try (0..<2).map { try results[$0]!.get() } }
        XCTAssertEqual(together, alone)
        XCTAssertNotEqual(alone[0], alone[1], "different prompts, so that a swapped job would show")
    }

    func testAModelHandsOutOnePoolPerThreadCountToConcurrentCallers() throws {
        let model = try SessionTests.model()
        let pools = Mutex<[ObjectIdentifier]>([])
        onThreads(8) { _ in
            let pool = model.threadPool(3)
            pools.withLock { $0.append(ObjectIdentifier(pool)) }
        }
        XCTAssertEqual(Set(pools.withLock { $0 }).count, 1)
        XCTAssertFalse(model.threadPool(3) === model.threadPool(2))
    }

    /// Runs `body(index)` on `count` new threads at once and returns when all have finished.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchSemaphore(value: 0)
        for index in 0..<count {
            Thread {
                body(index)
                done.signal()
            }.start()
        }
        for _ in 0..<count { done.wait() }
    }
}

/// A pointer the test hands to its threads; each writes only its own part.
private struct UnsafeSendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int>
    init(_ pointer: UnsafeMutablePointer<Int>) { self.pointer = pointer }
}
