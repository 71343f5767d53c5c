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

    /// Takes pieces of `0..<count` from the pool's cursor and counts, per index, the times it was covered.
    private struct PieceCountingJob: ParallelJob {
        let cursor: WorkCursor
        let covered: UnsafeMutablePointer<Int>
        let count: Int, piece: Int
        func execute(thread: Int) {
            while let range = cursor.next(piece: piece, of: count) {
                for index in range { covered[index] += 1 }  // a piece belongs to the one thread that took it
            }
        }
    }

    func testPiecesTakenFromTheCursorCoverEveryIndexOnceInEveryJob() {
        for threads in [1, 2, 3] {
            let pool = ThreadPool(threadCount: threads)
            // Sizes that are and are not multiples of the piece; the cursor must restart at zero for each job.
            for (count, piece) in [(1_000, 16), (1_003, 64), (5, 16), (0, 16)] {
                let covered = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
                covered.initialize(repeating: 0, count: max(count, 1))
                defer { covered.deallocate() }
                let jobs = 50
                for _ in 0..<jobs {
                    pool.run(PieceCountingJob(cursor: pool.workCursor, covered: covered, count: count, piece: piece))
                }
                XCTAssertEqual(Array(UnsafeBufferPointer(start: covered, count: count)), Array(repeating: jobs, count: count),
                               "\(threads) threads, \(count) indices in pieces of \(piece)")
            }
        }
    }

    func testMatVecPiecesAreWholeCacheLinesOfOutputAndAtMostEightPerThread() {
        for threads in 1...4 {
            for rows in [10, 256, 2_048, 8_960, 151_936] {
                let piece = MatVecJob<[Linear], [Int], [Int]>.pieceRows(totalRows: rows, threads: threads)
                let pieces = (rows + piece - 1) / piece
                XCTAssertEqual(piece % 16, 0, "16 floats are one 64-byte line of output")
                XCTAssertLessThanOrEqual(pieces, 8 * threads)
                // Not needlessly coarse: one 16-row step smaller would exceed eight pieces a thread.
                if piece > 16 { XCTAssertGreaterThan((rows + piece - 17) / (piece - 16), 8 * threads) }
            }
        }
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
