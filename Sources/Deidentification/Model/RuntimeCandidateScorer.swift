import Foundation
import Inference

/// `CandidateScorer` on the shared inference runtime: each question is evaluated once and the answers are
/// scored from the model's own logits (no text is generated). Questions that start alike reuse the cached
/// prefix of the previous one.
///
/// Runs entirely on this machine; the text it sees is the document being de-identified, so it must never be
/// pointed at anything but a local model file.
public final class RuntimeCandidateScorer: CandidateScorer, @unchecked Sendable {
    private let model: LanguageModel
    private let session: Session
    private let lock = NSLock()

    public init(model: LanguageModel, threads: Int = 2, contextLength: Int = 1024) {
        self.model = model
        session = Session(model: model, contextLength: contextLength, threads: threads)
    }

    public func logProbabilities(of continuations: [String], after prompts: [String]) throws -> [[Double]] {
        lock.lock()
        defer { lock.unlock() }
        let tokenizer = model.tokenizer
        // Answers are tokenized on their own, without BOS: " yes" and " no" are single tokens in the
        // bundled vocabularies, so this equals tokenizing prompt and answer together.
        let answers = continuations.map { tokenizer.encode($0, addBOS: false, parseSpecial: false) }
        return try prompts.map { prompt in
            var ids = tokenizer.encode(prompt, addBOS: nil, parseSpecial: false)
            // Keep the end of an over-long question: the question itself is at the end.
            let room = session.contextLength - (answers.map(\.count).max() ?? 0) - 1
            if ids.count > room { ids = Array(ids.suffix(room)) }
            return try session.logProbabilities(of: answers, after: ids)
        }
    }
}
