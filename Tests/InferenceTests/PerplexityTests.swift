import Foundation
@testable import Inference
import XCTest

/// `Perplexity.measure` against the definition computed a second way: each window fed one token at a time, the
/// log-probability of every second-half token read from the full log-softmax of the logits before it.
final class PerplexityTests: XCTestCase {
    private let text = """
        Of Mans First Disobedience, and the Fruit of that Forbidden Tree, whose mortal tast brought Death into the \
        World, and all our woe, with loss of Eden, till one greater Man restore us, and regain the blissful Seat, \
        Sing Heav'nly Muse, that on the secret top of Oreb, or of Sinai, didst inspire that Shepherd, who first \
        taught the chosen Seed, in the Beginning how the Heav'ns and Earth rose out of Chaos.
        """

    func testWindowsScoredOnTheirSecondHalfMatchTokenByTokenEvaluation() throws {
        let model = try LanguageModel(path: TestModels.path("gemma-3-270m-q4_k_m.gguf"))  // adds BOS
        let context = 24
        let result = try Perplexity.measure(model: model, text: text, context: context, threads: 2)

        let tokens = model.tokenizer.encode(text, addEOS: false)
        XCTAssertEqual(tokens.first, model.tokenizer.bos)
        let windows = tokens.count / context
        XCTAssertGreaterThanOrEqual(windows, 2)
        XCTAssertEqual(result.windows, windows)
        XCTAssertEqual(result.textTokens, tokens.count)
        XCTAssertEqual(result.scoredTokens, windows * (context - context / 2 - 1))

        var negativeLogLikelihood = 0.0
        for index in 0..<windows {
            var window = Array(tokens[(index * context)..<((index + 1) * context)])
            window[0] = try XCTUnwrap(model.tokenizer.bos)  // every window starts with BOS, as llama-perplexity's
            let session = Session(model: model, contextLength: context, threads: 2)
            for position in 0..<(context - 1) {
                let logits = Array(try session.append(token: window[position]))
                if position >= context / 2 {
                    negativeLogLikelihood -= logits.withUnsafeBufferPointer { logSoftmax($0) }[Int(window[position + 1])]
                }
            }
        }
        let expected = exp(negativeLogLikelihood / Double(result.scoredTokens))
        // Batched and one-token products round differently (see SessionTests.batchShapeTolerance).
        XCTAssertEqual(result.perplexity, expected, accuracy: expected * 0.01)
        XCTAssertGreaterThan(result.perplexity, 1)
    }

    func testTooShortTextsAndWindowsAreRefused() throws {
        let model = try LanguageModel(path: TestModels.path("SmolLM2-135M-Instruct.Q4_1.gguf"))
        let tokens = model.tokenizer.encode(text, addEOS: false).count
        XCTAssertThrowsError(try Perplexity.measure(model: model, text: text, context: tokens / 2 + 1, threads: 1)) { error in
            XCTAssertEqual(error as? Perplexity.Failure, .textTooShort(tokens: tokens, needed: 2 * (tokens / 2 + 1)))
        }
        XCTAssertThrowsError(try Perplexity.measure(model: model, text: text, context: 2, threads: 1)) { error in
            XCTAssertEqual(error as? Perplexity.Failure, .contextTooSmall(2))
        }
    }
}
