import Foundation
import Inference
import ModelService
import XCTest

/// The service on a real model (SmolLM2). The reference for every result is a fresh `Session` running the same
/// request alone, greedy; scheduling is made deterministic by holding the model thread at a `Gate`, never by
/// waiting for time to pass.
final class ModelServiceTests: XCTestCase {
    static let contextLength = 512

    private func makeService(queueCapacity: Int = 8) throws -> ModelService {
        ModelService(model: try TestModels.smol.get(), contextLength: Self.contextLength, threads: 2,
                     queueCapacity: queueCapacity)
    }

    private func reference(_ prompt: [Int32], maxTokens: Int) throws -> Reference {
        try Reference(model: TestModels.smol.get(), prompt: prompt, options: GenerationOptions(maxTokens: maxTokens),
                      contextLength: Self.contextLength)
    }

    // MARK: Concurrent callers

    func testConcurrentCallersEachGetWhatAFreshSessionGivesAlone() async throws {
        let service = try makeService()
        let prompts = ["The capital of France is", "Patients with high blood pressure should", "Aspirin is used to",
                       "In a referral letter, the doctor"].map { service.tokenize($0) }
        let question = service.tokenize("Is aspirin a blood thinner? Answer:")
        let answers = [service.tokenize(" yes"), service.tokenize(" no"), service.tokenize(" It is not")]
        // Requests that share no first token are evaluated whole, exactly as by a fresh session, whatever ran
        // before them; so each result must equal its reference bit for bit.
        XCTAssertEqual(Set((prompts + [question]).map(\.first)).count, prompts.count + 1)
        let references = try prompts.map { try reference($0, maxTokens: 24) }
        let expectedScores = try Session(model: service.model, contextLength: Self.contextLength, threads: 2)
            .logProbabilities(of: answers, after: question)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (prompt, expected) in zip(prompts, references) {
                group.addTask {
                    let (pieces, result) = try await collect(service.generate(prompt: prompt,
                                                                              options: GenerationOptions(maxTokens: 24)))
                    XCTAssertEqual(result.ids, expected.result.ids)
                    XCTAssertEqual(result.text, expected.result.text)
                    XCTAssertEqual(pieces, expected.pieces)
                }
            }
            group.addTask {
                let scores = try await service.logProbabilities(of: answers, after: question)
                XCTAssertEqual(scores, expectedScores)
            }
            try await group.waitForAll()
        }
        await service.shutdown()
    }

    // MARK: The queue

    func testAFullQueueFailsAtOnceAndQueuedRequestsRunInOrder() async throws {
        let service = try makeService(queueCapacity: 3)
        // Each prompt extends the one before, so a request that runs after its predecessor finds that prefix
        // cached, and one that ran first would evaluate all of its tokens.
        let first = service.tokenize("The patient was seen")
        let prompts = [first, first + service.tokenize(" in clinic"), first + service.tokenize(" in clinic for a cough")]
        let gate = await Gate.closing(service)
        let streams = try prompts.map { try service.generate(prompt: $0, options: GenerationOptions(maxTokens: 4)) }
        XCTAssertEqual(service.queueDepth, 3)
        XCTAssertThrowsError(try service.generate(prompt: first)) { error in
            XCTAssertEqual(error as? ModelServiceError, .queueFull(length: 3))
        }
        gate.open()
        var results: [GenerationResult] = []
        for stream in streams { results.append(try await stream.result) }

        XCTAssertEqual(results[0].promptTokensEvaluated, prompts[0].count)
        for k in 1..<prompts.count {
            XCTAssertLessThanOrEqual(results[k].promptTokensEvaluated, prompts[k].count - prompts[k - 1].count,
                                     "request \(k) ran before request \(k - 1)")
        }
        XCTAssertEqual(results[0].ids, try reference(prompts[0], maxTokens: 4).result.ids)
        await service.shutdown()
    }

    func testACancelledQueuedRequestNeverRunsAndFreesItsPlace() async throws {
        let service = try makeService(queueCapacity: 1)
        let prompt = service.tokenize("The capital of France is")
        let gate = await Gate.closing(service)

        let cancelled = try service.generate(prompt: prompt)
        XCTAssertThrowsError(try service.generate(prompt: prompt)) { error in
            XCTAssertEqual(error as? ModelServiceError, .queueFull(length: 1))
        }
        cancelled.cancel()
        XCTAssertEqual(service.queueDepth, 0, "withdrawn at once")
        await assertCancellation { _ = try await cancelled.result }
        await assertCancellation { for try await _ in cancelled {} }

        // Released unread: cancelled too.
        _ = try service.generate(prompt: prompt)
        XCTAssertEqual(service.queueDepth, 0)

        // A task cancelled while its request waits.
        let waiting = Task { try await service.complete(prompt: prompt) }
        await until { service.queueDepth == 1 }
        waiting.cancel()
        await assertCancellation { _ = try await waiting.value }
        XCTAssertEqual(service.queueDepth, 0)

        // The gate touched no session, so any request that had run would have left its prompt in the cache.
        async let cached = service.perform { $0.tokens }
        await until { service.queueDepth == 1 }
        gate.open()
        let tokens = try await cached
        XCTAssertEqual(tokens, [])
        await service.shutdown()
    }

    // MARK: Cancelling a running generation

    func testAConsumerThatStopsAfterNPiecesStopsTheGenerationAtTheNextToken() async throws {
        let (service, stream, expected) = try longGeneration("Patients with high blood pressure should")
        let n = 3
        var pieces: [String] = []
        for try await event in stream {
            guard case .text(let piece) = event else { continue }
            pieces.append(piece)
            guard pieces.count == n else { continue }
            // Linger before stopping: the generation must wait for us however long we take (the result below
            // is the same for any pause), while one that ran ahead would have made several tokens more by now.
            try await Task.sleep(for: .milliseconds(500))
            break
        }
        let result = try await stream.result
        assertStopped(result, after: n, of: expected)
        XCTAssertEqual(pieces, Array(expected.pieces.prefix(n)))

        // The session is fine afterwards: the next request matches its reference.
        let next = service.tokenize("Aspirin is used to")
        let after = try await service.complete(prompt: next, options: GenerationOptions(maxTokens: 12))
        XCTAssertEqual(after.ids, try reference(next, maxTokens: 12).result.ids)
        await service.shutdown()
    }

    func testCancellingTheConsumersTaskStopsTheGeneration() async throws {
        let (service, stream, expected) = try longGeneration("In a referral letter, the doctor")
        let n = 2
        let consumer = Task { () -> GenerationResult? in
            var pieces = 0
            for try await event in stream {
                switch event {
                case .text:
                    pieces += 1
                    if pieces == n { withUnsafeCurrentTask { $0?.cancel() } }
                case .finished(let result): return result
                }
            }
            return nil
        }
        let result = try await consumer.value
        XCTAssertNotNil(result, "a cancelled stream still ends with its result")
        if let result { assertStopped(result, after: n, of: expected) }
        await service.shutdown()
    }

    // MARK: The prefix cache

    func testASharedInstructionBlockIsEvaluatedOnce() async throws {
        let service = try makeService()
        let system = ChatMessage(role: .system, content: "You draft clinic letters. Be brief and factual; never invent a dose.")
        let prompts = try ["Summarize: cough for 2 days, no fever.", "Summarize: ankle sprain, left, 1 week ago."].map {
            try service.chatPrompt([system, ChatMessage(role: .user, content: $0)])
        }
        let shared = zip(prompts[0], prompts[1]).prefix { $0 == $1 }.count
        XCTAssertGreaterThan(shared, 20, "the system block is a common prefix")

        let options = GenerationOptions(maxTokens: 8)
        let first = try await service.complete(prompt: prompts[0], options: options)
        let second = try await service.complete(prompt: prompts[1], options: options)
        XCTAssertEqual(first.promptTokensEvaluated, prompts[0].count)
        XCTAssertEqual(second.promptTokensEvaluated, prompts[1].count - shared)

        // The same two requests on one plain session, which reuses its prefix the same way.
        let session = Session(model: service.model, contextLength: Self.contextLength, threads: 2)
        let expected = try prompts.map { try session.generate(prompt: $0, options: options).ids }
        XCTAssertEqual([first.ids, second.ids], expected)
        await service.shutdown()
    }

    // MARK: Shutdown

    func testShutdownFinishesQueuedWork() async throws {
        let service = try makeService()
        let prompts = ["The capital of France is", "Aspirin is used to"].map { service.tokenize($0) }
        let gate = await Gate.closing(service)
        let streams = try prompts.map { try service.generate(prompt: $0, options: GenerationOptions(maxTokens: 10)) }
        async let stopped: Void = service.shutdown(.finishQueued)
        gate.open()
        for (stream, prompt) in zip(streams, prompts) {
            let result = try await stream.result
            XCTAssertEqual(result.ids, try reference(prompt, maxTokens: 10).result.ids)
        }
        await stopped
        XCTAssertThrowsError(try service.generate(prompt: prompts[0])) { error in
            XCTAssertEqual(error as? ModelServiceError, .shutDown)
        }
        do {
            _ = try await service.logProbabilities(of: [[1]], after: prompts[0])
            XCTFail("a stopped service refuses scoring")
        } catch {
            XCTAssertEqual(error as? ModelServiceError, .shutDown)
        }
    }

    func testShutdownCancelsWorkInFlight() async throws {
        let (service, running, expected) = try longGeneration("Patients with high blood pressure should")
        var iterator = running.makeAsyncIterator()
        guard case .text = try await iterator.next() else { return XCTFail("expected a first piece") }
        let queued = try service.generate(prompt: service.tokenize("Aspirin is used to"))

        await service.shutdown(.cancelAll)
        // The consumer is still there (it took one piece): the shutdown, not a released iterator, stopped it.
        let result = try await running.result
        assertStopped(result, after: 1, of: expected)
        guard case .finished = try await iterator.next() else { return XCTFail("the iterator ends with the result") }
        do {
            _ = try await queued.result
            XCTFail("a queued request is dropped by a cancelling shutdown")
        } catch {
            XCTAssertEqual(error as? ModelServiceError, .shutDown)
        }
        XCTAssertEqual(service.queueDepth, 0)
    }

    // MARK: Helpers

    /// A service running a generation of `text` that its reference shows going on well past the few pieces
    /// the cancellation tests read, and that reference.
    private func longGeneration(_ text: String) throws
        -> (service: ModelService, stream: GenerationStream, expected: Reference) {
        let service = try makeService()
        let prompt = service.tokenize(text)
        let expected = try reference(prompt, maxTokens: 64)
        XCTAssertGreaterThan(expected.pieces.count, 12, "the reference must go on well past the stop")
        return (service, try service.generate(prompt: prompt, options: GenerationOptions(maxTokens: 64)), expected)
    }

    /// A generation whose consumer stopped after `n` pieces: cancelled, with the reference's first tokens, and
    /// at most one token past the n-th piece.
    private func assertStopped(_ result: GenerationResult, after n: Int, of expected: Reference,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.stopReason, .cancelled, file: file, line: line)
        XCTAssertEqual(result.ids, Array(expected.result.ids.prefix(result.ids.count)), file: file, line: line)
        let allowed = expected.tokensAfterPiece[n - 1]...expected.tokensAfterPiece[n]
        XCTAssertTrue(allowed.contains(result.ids.count), "\(result.ids.count) tokens, allowed \(allowed)",
                      file: file, line: line)
    }

    private func assertCancellation(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async {
        do {
            try await body()
            XCTFail("expected CancellationError", file: file, line: line)
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)", file: file, line: line)
        }
    }
}
