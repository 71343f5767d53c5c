import Foundation

extension Session {
    /// The log-probability of each continuation after `prompt`, without generating: the prompt is evaluated
    /// once (reusing any cached prefix) and each continuation is scored from the model's own logits.
    ///
    /// This is how fixed answers are compared, e.g. " yes" against " no" after a question: the larger sum
    /// wins, and `exp(a) / (exp(a) + exp(b))` is the model's relative confidence.
    public func logProbabilities(of continuations: [[Int32]], after prompt: [Int32]) throws -> [Double] {
        let first = logSoftmax(try evaluate(prompt: prompt).row(0))
        let promptCount = prompt.count
        var results: [Double] = []
        results.reserveCapacity(continuations.count)
        for continuation in continuations {
            guard let head = continuation.first else { results.append(0); continue }
            guard Int(head) < first.count, head >= 0 else {
                throw ModelError.tokenOutOfRange(id: head, vocabularySize: first.count)
            }
            var total = first[Int(head)]
            // The logits after continuation token i score token i + 1, so all but the last token are fed,
            // in slices of at most `maxLogitRows` tokens whose every row of logits is kept.
            var position = 0
            while position < continuation.count - 1 {
                let end = min(continuation.count - 1, position + state.maxLogitRows)
                let slice = Array(continuation[position..<end])
                let logits = try appendReturningLogits(slice, logitRows: slice.count)
                for r in 0..<slice.count {
                    total += logSoftmax(logits.row(r))[Int(continuation[position + r + 1])]
                }
                position = end
            }
            results.append(total)
            rewind(to: promptCount)
        }
        return results
    }
}

/// log(softmax(x)) in double precision, for scoring.
func logSoftmax(_ logits: UnsafeBufferPointer<Float>) -> [Double] {
    let maximum = Double(logits.max() ?? 0)
    var sum = 0.0
    for value in logits { sum += exp(Double(value) - maximum) }
    let logSum = maximum + log(sum)
    return logits.map { Double($0) - logSum }
}
