import Foundation
import Inference

/// `LocalChatModel` on the shared inference runtime: the instruction becomes one user turn in the model's own
/// chat format, and the reply is generated greedily. A mild repetition penalty and loop detection keep a list
/// from repeating one line until the token budget runs out (small models do that with greedy decoding).
///
/// Runs entirely on this machine; the text it sees is the document being de-identified, so it must never be
/// pointed at anything but a local model file. One caller at a time (a lock serializes replies).
public final class RuntimeChatModel: LocalChatModel, @unchecked Sendable {
    private let prompts: PromptBuilder
    private let session: Session
    private let lock = NSLock()

    public convenience init(model: LanguageModel, threads: Int = 2, contextLength: Int = 2048) {
        self.init(session: Session(model: model, contextLength: contextLength, threads: threads))
    }

    /// Replies in `session`, which the caller lends for as long as this object is used (a model service's
    /// session, inside one of its queued calls).
    public init(session: Session) {
        prompts = PromptBuilder(model: session.model)
        self.session = session
    }

    public func reply(to instruction: String, maxTokens: Int) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        var ids = prompts.tokens([ChatMessage(role: .user, content: instruction)])
        // Keep room for the answer; an over-long excerpt loses its start, never the question at its end.
        let room = session.contextLength - maxTokens - 1
        if ids.count > room { ids = Array(ids.suffix(room)) }
        var sampling = SamplingParameters.greedy
        sampling.repetitionPenalty = 1.2
        sampling.repetitionWindow = 64
        let options = GenerationOptions(maxTokens: maxTokens, sampling: sampling)
        return try session.generate(prompt: ids, options: options).text
    }
}

extension ModelMentionRecognizer {
    /// The pass on the shared runtime: `languageModel` answers in a session of its own, so a caller that also
    /// generates with the model (a drafting task) loads the weights once and uses them in turn.
    public init(languageModel: LanguageModel, threads: Int, lexicons: Lexicons) {
        self.init(model: RuntimeChatModel(model: languageModel, threads: threads), lexicons: lexicons)
    }
}
