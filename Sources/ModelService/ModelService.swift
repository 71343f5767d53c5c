import Inference

/// One loaded model serving many callers: the `vellum` command line, the drafting layer and the local HTTP
/// server share it.
///
/// A dedicated thread owns the model's `Session` and runs requests one at a time, first come first served,
/// from a bounded queue. Because every request goes through the one session, its prefix cache carries over:
/// a request that starts like the previous one (a shared instruction block) evaluates only what differs.
///
/// ```swift
/// let model = try LanguageModel(path: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
/// let service = ModelService(model: model, contextLength: 4096, threads: 2, queueCapacity: 8)
/// let prompt = try service.chatPrompt([ChatMessage(role: .user, content: "Summarize: ...")])
/// do {
///     for try await event in try service.generate(prompt: prompt, options: GenerationOptions(maxTokens: 200)) {
///         switch event {
///         case .text(let piece): print(piece, terminator: "")
///         case .finished(let result): print("\n\(result.ids.count) tokens, \(result.stopReason)")
///         }
///     }
/// } catch ModelServiceError.queueFull(let length) {
///     // HTTP: 503 with Retry-After, from `length` requests ahead
/// }
/// let scores = try await service.logProbabilities(of: [yes, no], after: question)
/// await service.shutdown()   // SIGTERM: .finishQueued, or .cancelAll
/// ```
///
/// Tokenization and chat rendering run on the caller's thread, not through the queue: the tokenizer is
/// immutable and thread-safe, and a caller should not wait behind a long generation to count tokens.
public final class ModelService: Sendable {
    public let model: LanguageModel
    /// The session's context: prompt plus generated tokens of one request at most.
    public let contextLength: Int
    private let thread: ModelThread
    private let chatFormat: (format: ChatFormat, defaultSystem: String?)?

    /// Loads nothing: `model` is already loaded. Starts the model thread with a session of `contextLength`
    /// tokens running on `threads` threads. At most `queueCapacity` requests wait; the running one is not counted.
    public init(model: LanguageModel, contextLength: Int = 4096, threads: Int = 2, queueCapacity: Int = 16) {
        self.model = model
        self.contextLength = max(1, contextLength)
        let session = Session(model: model, contextLength: self.contextLength, threads: threads)
        thread = ModelThread(session: session, capacity: max(0, queueCapacity))
        chatFormat = ChatFormat.detect(in: model.file)
    }

    /// A service dropped without `shutdown()` cancels its requests; its thread ends on its own.
    deinit { thread.close(.cancelAll) }

    public var queueCapacity: Int { thread.capacity }
    /// Requests waiting, not counting the one running.
    public var queueDepth: Int { thread.queueDepth }

    // MARK: Requests (through the queue)

    /// Queues a generation of `options.maxTokens` tokens at most after `prompt`, and returns its stream of
    /// text pieces and final result (see `GenerationStream` for pacing and cancellation).
    ///
    /// - Throws: `ModelServiceError.queueFull` at once when `queueCapacity` requests are waiting, or
    ///   `.shutDown`. Errors of the generation itself (`ModelError.contextFull`, ...) come through the stream.
    public func generate(prompt: [Int32], options: GenerationOptions = GenerationOptions()) throws(ModelServiceError)
        -> GenerationStream {
        GenerationStream(job: try submit(GenerationJob(thread: thread, prompt: prompt, options: options, streaming: true)))
    }

    /// Generates after `prompt` and returns the whole result. Cancelling the calling task stops the generation
    /// at its next token (the result then has `stopReason == .cancelled`), or withdraws it from the queue
    /// (`CancellationError`).
    public func complete(prompt: [Int32], options: GenerationOptions = GenerationOptions()) async throws -> GenerationResult {
        try await submit(GenerationJob(thread: thread, prompt: prompt, options: options, streaming: false)).awaitResult()
    }

    /// `Session.logProbabilities(of:after:)` through the queue: the log-probability of each continuation after
    /// `prompt`, for comparing fixed answers. The prompt reuses the session's cached prefix like a generation.
    public func logProbabilities(of continuations: [[Int32]], after prompt: [Int32]) async throws -> [Double] {
        try await perform { try $0.logProbabilities(of: continuations, after: prompt) }
    }

    /// Runs `body` with the service's session on the model thread, in queue order, and returns its value: for
    /// work the methods above do not cover. `body` must not keep the session. Cancelling the calling task
    /// withdraws a waiting call (`CancellationError`); a running one runs to its end.
    public func perform<Value: Sendable>(_ body: @escaping @Sendable (Session) throws -> Value) async throws -> Value {
        let job = try submit(CallJob(thread: thread, body: body))
        return try await withTaskCancellationHandler {
            try await job.result.value
        } onCancel: {
            job.cancel()
        }
    }

    private func submit<Job: ServiceJob>(_ job: Job) throws(ModelServiceError) -> Job {
        try thread.submit(job)
        return job
    }

    /// What `shutdown` does with the queued requests and the running one.
    public enum ShutdownMode: Sendable {
        /// Run everything already queued to its end (a graceful stop).
        case finishQueued
        /// End queued requests unrun (`ModelServiceError.shutDown`) and cancel the running generation at its
        /// next token.
        case cancelAll
    }

    /// Refuses new requests from now on (`ModelServiceError.shutDown`), deals with the queued ones as `mode`
    /// says, and returns once the model thread has finished and let go of the session.
    public func shutdown(_ mode: ShutdownMode = .finishQueued) async {
        thread.close(mode)
        await thread.waitForExit()
    }

    // MARK: Text helpers (no queue)

    /// The ids of `text`. Leave `parseSpecial` off for text from outside (a note, a request), so that a
    /// written `<|im_start|>` stays text and cannot open a turn.
    public func tokenize(_ text: String, parseSpecial: Bool = false) -> [Int32] {
        model.tokenizer.encode(text, addBOS: nil, parseSpecial: parseSpecial)
    }

    /// The text of `ids` (control tokens left out).
    public func detokenize(_ ids: [Int32]) -> String {
        model.tokenizer.decode(ids, renderSpecial: false)
    }

    /// The prompt ids of `messages` in the model's own chat format, ending with the opening of the assistant's
    /// turn. Messages that start the same render to ids that start the same, which is what lets a shared
    /// system message stay in the prefix cache.
    ///
    /// - Throws: `ModelServiceError.noChatTemplate` for a base model (use `tokenize` and plain completion).
    public func chatPrompt(_ messages: [ChatMessage]) throws(ModelServiceError) -> [Int32] {
        guard let (format, defaultSystem) = chatFormat else { throw .noChatTemplate }
        return model.tokenizer.encode(format.render(messages, defaultSystem: defaultSystem), addBOS: nil,
                                      parseSpecial: true)
    }
}

public enum ModelServiceError: Error, Equatable, Sendable {
    /// `length` requests are already waiting, the queue's capacity: ask again later (HTTP 503 + Retry-After).
    case queueFull(length: Int)
    /// The service is shutting down or has shut down.
    case shutDown
    /// The model has no chat template (a base model): its prompts are plain text.
    case noChatTemplate
}
