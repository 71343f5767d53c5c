import Foundation
import GGUF
@testable import Inference
import XCTest

/// Behaviour of sessions on a real model (SmolLM2, the smallest bundled one): scoring, cached prefixes,
/// batching and the context limit. The reference for each is a second, simpler way to compute the same thing.
final class SessionTests: XCTestCase {
    static func model() throws -> LanguageModel {
        try LanguageModel(path: TestModels.path("SmolLM2-135M-Instruct.Q4_1.gguf"))
    }

    private let prompt: [Int32] = [504, 3575, 282, 4649, 314]  // "The capital of France is"

    func testScoringEqualsStepByStepLogSoftmax() throws {
        let model = try Self.model()
        let continuation: [Int32] = [7042, 30, 198]
        // Scoring feeds the continuation as one batch (the batched integer kernel); the reference feeds it one
        // token at a time (matVec). Both quantize the same activations the same way, but the kernels sum in
        // different orders and the re-quantized activations carry that through 30 layers, so the two agree
        // within the batch-shape tolerance, not bit for bit.
        let scored = try Session(model: model, contextLength: 64, threads: 2, batchedProduct: .quantized)
            .logProbabilities(of: [continuation, [7042]], after: prompt)

        // The same sum, one appended token at a time.
        let session = Session(model: model, contextLength: 64, threads: 2, batchedProduct: .quantized)
        var logits = Array(try session.evaluate(prompt: prompt))
        var expected = 0.0
        for token in continuation {
            expected += logits.withUnsafeBufferPointer { logSoftmax($0) }[Int(token)]
            logits = Array(try session.append([token]))
        }
        XCTAssertEqual(scored[0], expected, accuracy: Double(Self.batchShapeTolerance))
        XCTAssertLessThan(scored[0], scored[1], "a longer continuation cannot be more likely than its first token")
        XCTAssertLessThan(scored[1], 0)
    }

    func testCachedPrefixGivesTheSameLogitsAsAFreshSession() throws {
        let model = try Self.model()
        let cached = Session(model: model, contextLength: 64, threads: 2)
        try cached.evaluate(prompt: Array(prompt.prefix(3)))
        let reused = Array(try cached.evaluate(prompt: prompt))
        XCTAssertEqual(cached.tokens, prompt)

        let fresh = Array(try Session(model: model, contextLength: 64, threads: 2).evaluate(prompt: prompt))
        assertClose(reused, fresh, tolerance: Self.batchShapeTolerance)
    }

    /// A product over a batch sums in a different order than one over a single token (and OpenBLAS blocks
    /// differently for different batch sizes), which over 30 layers moves logits by a few hundredths.
    static let batchShapeTolerance: Float = 0.05

    func testSmallBatchesGiveTheSameLogitsAsOneBatch() throws {
        let model = try Self.model()
        let whole = Array(try Session(model: model, contextLength: 64, threads: 2).evaluate(prompt: prompt))
        // Batches of 3 then 2: both through the batched product, like the single batch of 5.
        let split = Array(try Session(model: model, contextLength: 64, threads: 2, maxBatch: 3).evaluate(prompt: prompt))
        assertClose(split, whole, tolerance: Self.batchShapeTolerance)
        let oneThread = Array(try Session(model: model, contextLength: 64, threads: 1).evaluate(prompt: prompt))
        assertClose(oneThread, whole, tolerance: Self.batchShapeTolerance)
    }

    func testDecodeIsIdenticalOnAnyThreadCount() throws {
        // A decode step splits the rows of each product between threads and never a sum, so the thread count
        // cannot change a single bit.
        let model = try Self.model()
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            let session = Session(model: model, contextLength: 64, threads: threads)
            for token in prompt { try session.append([token]) }
            results.append(Array(try session.append([7042])))
        }
        XCTAssertTrue(results[0] == results[1] && results[1] == results[2], "decode logits differ between thread counts")
    }

    func testWeightsCopiedToHugePagesGiveTheSameLogitsAsTheMappedFile() throws {
        // The same bytes in other memory: not one bit of any logit may change.
        let path = try TestModels.path("SmolLM2-135M-Instruct.Q4_1.gguf")
        let logits = try FileResidency.allCases.map { residency in
            let model = try LanguageModel(path: path, residency: residency)
            let session = Session(model: model, contextLength: 64, threads: 2)
            try session.evaluate(prompt: prompt)
            return Array(try session.append([7042]))
        }
        XCTAssertTrue(logits[0] == logits[1], "logits differ between mapped and huge-page weights")
    }

    func testTheWeightsSettingTakesItsTwoValuesAndNamesABadOne() throws {
        let variable = LanguageModel.residencyVariable
        XCTAssertEqual(try LanguageModel.weightResidency(environment: [variable: "mapped"]), .mapped)
        XCTAssertEqual(try LanguageModel.weightResidency(environment: [variable: "huge-pages"]), .hugePages)
        XCTAssertThrowsError(try LanguageModel.weightResidency(environment: [variable: "hugepages"])) { error in
            XCTAssertEqual(error as? ModelError, .badSetting(variable: variable, value: "hugepages", allowed: ["mapped", "huge-pages"]))
            XCTAssertTrue("\(error)".contains("VELLUM_WEIGHTS=hugepages"), "\(error)")
        }
    }

    func testContextLimitIsAnErrorNotCorruption() throws {
        let session = Session(model: try Self.model(), contextLength: 6, threads: 1)
        try session.evaluate(prompt: prompt)
        XCTAssertThrowsError(try session.append([1, 2])) { error in
            XCTAssertEqual(error as? ModelError, .contextFull(limit: 6, needed: 7))
        }
        XCTAssertEqual(session.tokens, prompt, "a refused batch leaves the cache as it was")
        XCTAssertNoThrow(try session.append([7042]))
    }

    func testOutOfVocabularyTokenIsRefused() throws {
        let session = Session(model: try Self.model(), contextLength: 16, threads: 1)
        XCTAssertThrowsError(try session.evaluate(prompt: [1, 49_152])) { error in
            XCTAssertEqual(error as? ModelError, .tokenOutOfRange(id: 49_152, vocabularySize: 49_152))
        }
        XCTAssertThrowsError(try session.evaluate(prompt: [])) { error in
            XCTAssertEqual(error as? ModelError, .emptyPrompt)
        }
    }

    func testGenerationStopsAtStopStringWithoutEmittingIt() throws {
        let session = Session(model: try Self.model(), contextLength: 64, threads: 2)
        var streamed = ""
        let result = try session.generate(
            prompt: prompt, options: GenerationOptions(maxTokens: 20, sampling: .greedy, stopStrings: ["."]),
            onText: { streamed += $0; return true })
        XCTAssertEqual(result.stopReason, .stopString)
        XCTAssertEqual(result.text, " Paris")
        XCTAssertEqual(streamed, result.text)
    }

    func testCancellationIsAskedBeforeEveryTokenEvenOneThatReleasesNoText() throws {
        // " Paris" (greedy's first token) is held back as the possible start of the stop string, so `onText` is
        // never called; cancellation must still stop the generation at the next token.
        let session = Session(model: try Self.model(), contextLength: 64, threads: 2)
        var asked = 0
        var streamed = ""
        let result = try session.generate(
            prompt: prompt, options: GenerationOptions(maxTokens: 20, sampling: .greedy, stopStrings: [" Paris is"]),
            onText: { streamed += $0; return true }, isCancelled: { asked += 1; return asked > 1 })
        XCTAssertEqual(result.stopReason, .cancelled)
        XCTAssertEqual(result.ids.count, 1)
        XCTAssertEqual(streamed, "")
    }

    func testSeededSamplingRepeats() throws {
        let model = try Self.model()
        let options = GenerationOptions(
            maxTokens: 12, sampling: SamplingParameters(temperature: 0.9, topK: 40, topP: 0.95, minP: 0.05, seed: 7))
        let first = try Session(model: model, contextLength: 64, threads: 2).generate(prompt: prompt, options: options)
        let second = try Session(model: model, contextLength: 64, threads: 2).generate(prompt: prompt, options: options)
        XCTAssertEqual(first.ids, second.ids)
    }

    private func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, tolerance, "largest logit difference", file: file, line: line)
    }
}
