import Foundation
@testable import Inference
import XCTest

/// `Perplexity.measure` against the definition computed a second way: each window in a fresh session, as one
/// batch, the log-probability of every second-half token read from the full log-softmax of the logits before it.
final class PerplexityTests: XCTestCase {
    private let text = """
        Of Mans First Disobedience, and the Fruit of that Forbidden Tree, whose mortal tast brought Death into the \
        World, and all our woe, with loss of Eden, till one greater Man restore us, and regain the blissful Seat, \
        Sing Heav'nly Muse, that on the secret top of Oreb, or of Sinai, didst inspire that Shepherd, who first \
        taught the chosen Seed, in the Beginning how the Heav'ns and Earth rose out of Chaos.
        """

    func testWindowsScoredOnTheirSecondHalfMatchAFreshBatchPerWindow() throws {
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
            // A fresh session per window, all but the last token in one batch, every scored row kept.
            let scoredRows = context - 1 - context / 2
            let session = Session(model: model, contextLength: context, threads: 2, maxLogitRows: scoredRows)
            let logits = try session.appendReturningLogits(Array(window.dropLast()), logitRows: scoredRows)
            for row in 0..<scoredRows {
                negativeLogLikelihood -= logSoftmax(logits.row(row))[Int(window[context / 2 + row + 1])]
            }
        }
        let expected = exp(negativeLogLikelihood / Double(result.scoredTokens))
        // The same batched products on the same tokens: only the split into batches differs.
        XCTAssertEqual(result.perplexity, expected, accuracy: expected * 1e-6)
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
