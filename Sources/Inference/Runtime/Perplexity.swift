import Foundation

/// Perplexity of a text, computed the way llama.cpp's `llama-perplexity` computes it (tools/perplexity/
/// perplexity.cpp, `perplexity()`), so that the two engines can be compared number for number:
/// - the whole text is tokenized once, with BOS when the model adds one (`common_tokenize(..., add_special: true)`,
///   no special-token parsing);
/// - the tokens are cut into ⌊count / context⌋ non-overlapping windows of `context` tokens; the rest is not scored;
/// - each window is evaluated from an empty cache, its first token replaced by BOS when the model adds one;
/// - only the second half of each window is scored: the logits at positions context/2 ... context-2 each predict
///   the next token, so a window scores context - context/2 - 1 tokens;
/// - the perplexity is exp of the mean negative log-likelihood over every scored token.
///
/// ```swift
/// let model = try LanguageModel(path: "gemma-3-270m-q4_k_m.gguf")
/// let result = try Perplexity.measure(model: model, text: text, context: 512, threads: 2)
/// print(result.perplexity, result.scoredTokens)
/// ```
public enum Perplexity {
    public struct Result: Sendable, Equatable {
        public let perplexity: Double
        /// Tokens whose probability went into the figure.
        public let scoredTokens: Int
        /// Windows of `context` tokens evaluated.
        public let windows: Int
        /// Tokens of the whole text (BOS included when the model adds one).
        public let textTokens: Int
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case contextTooSmall(Int)
        case textTooShort(tokens: Int, needed: Int)

        public var description: String {
            switch self {
            case let .contextTooSmall(context):
                return "a perplexity window of \(context) tokens scores nothing; it must be at least \(Perplexity.minimumContext)"
            case let .textTooShort(tokens, needed):
                return "the text has \(tokens) tokens; a perplexity at this context needs at least \(needed) (two windows, as llama-perplexity)"
            }
        }
    }

    /// The smallest window that scores a token (context - context/2 - 1 ≥ 1).
    public static let minimumContext = 3

    /// Measures `text` in windows of `context` tokens, at most `maxWindows` of them from the start (llama-perplexity's
    /// `--chunks`; nil: all). `progress` is called after each window with the number of windows done, their total
    /// and the perplexity so far.
    public static func measure(model: LanguageModel, text: String, context: Int, maxWindows: Int? = nil, threads: Int,
                               progress: ((_ done: Int, _ total: Int, _ perplexity: Double) -> Void)? = nil) throws -> Result {
        guard context >= minimumContext else { throw Failure.contextTooSmall(context) }
        let tokenizer = model.tokenizer
        let tokens = tokenizer.encode(text, addBOS: nil, addEOS: false, parseSpecial: false)
        // llama-perplexity refuses fewer than two windows.
        guard tokens.count >= 2 * context else { throw Failure.textTooShort(tokens: tokens.count, needed: 2 * context) }
        let bos = tokenizer.addsBOSByDefault ? tokenizer.bos : nil
        let windows = min(tokens.count / context, max(1, maxWindows ?? .max))
        let first = context / 2
        let session = Session(model: model, contextLength: context, threads: threads,
                              maxBatch: min(context, Session.defaultMaxBatch))
        var negativeLogLikelihood = 0.0
        var scored = 0
        for index in 0..<windows {
            var window = Array(tokens[(index * context)..<((index + 1) * context)])
            if let bos { window[0] = bos }
            session.rewind(to: 0)
            // The first half only conditions the second: its logits are not needed.
            try session.append(Array(window[..<first]))
            // Logits at positions first ... context-2, in slices the session keeps every row of.
            var position = first
            while position < context - 1 {
                let end = min(context - 1, position + session.state.maxLogitRows)
                let logits = try session.appendReturningLogits(Array(window[position..<end]), logitRows: end - position)
                for row in 0..<(end - position) {
                    negativeLogLikelihood -= logProbability(of: window[position + row + 1], in: logits.row(row))
                }
                scored += end - position
                position = end
            }
            progress?(index + 1, windows, exp(negativeLogLikelihood / Double(scored)))
        }
        return Result(perplexity: exp(negativeLogLikelihood / Double(scored)), scoredTokens: scored,
                      windows: windows, textTokens: tokens.count)
    }

    /// log softmax(logits)[token], summed in double precision as llama.cpp's `log_softmax` does.
    static func logProbability(of token: Int32, in logits: UnsafeBufferPointer<Float>) -> Double {
        let maximum = logits.max() ?? 0
        var sum = 0.0
        for value in logits { sum += Double(expf(value - maximum)) }
        return Double(logits[Int(token)] - maximum) - log(sum)
    }
}
