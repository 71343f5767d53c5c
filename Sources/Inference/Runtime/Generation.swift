import Foundation
import Tokenization

/// What a generation may produce and when it stops.
///
/// ```swift
/// var options = GenerationOptions(maxTokens: 400, sampling: .greedy)
/// options.grammar = try Grammar(jsonSchema: schemaText)   // output follows the schema
/// options.loopDetection = .default                        // already the default; nil turns it off
/// let result = try session.generate(prompt: ids, options: options)
/// ```
public struct GenerationOptions: Sendable {
    public var maxTokens: Int
    public var sampling: SamplingParameters
    /// Generation ends before any of these strings would be emitted; the text never contains them.
    public var stopStrings: [String]
    /// Every generated token must continue this grammar: tokens that cannot are masked before the draw,
    /// end of generation is allowed only once the grammar is complete, and generation ends by itself
    /// (`.endOfGeneration`) when the grammar is complete and nothing more may follow. nil: unconstrained.
    public var grammar: Grammar?
    /// Stops a generation stuck repeating a line or a run of tokens (`.repetition`); nil: never.
    public var loopDetection: LoopDetection?

    public init(maxTokens: Int = 256, sampling: SamplingParameters = .greedy, stopStrings: [String] = [],
                grammar: Grammar? = nil, loopDetection: LoopDetection? = .default) {
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
        self.grammar = grammar
        self.loopDetection = loopDetection
    }
}

/// Why a generation ended.
public enum StopReason: String, Sendable, Codable {
    /// The model ended it, or a grammar was complete with nothing more allowed.
    case endOfGeneration = "eog"
    case maxTokens = "length", stopString = "stop", cancelled, contextFull = "context_full"
    /// The output started repeating itself (`GenerationOptions.loopDetection`); the repeats are trimmed.
    case repetition
    /// The grammar allows no token of this vocabulary here (it needs bytes no token has).
    case noAllowedToken = "no_allowed_token"
}

public struct GenerationResult: Sendable {
    public var ids: [Int32] = []
    public var text = ""
    public var stopReason = StopReason.maxTokens
    public var promptTokens = 0
    /// Tokens actually evaluated for the prompt (fewer than `promptTokens` when a cached prefix was reused).
    public var promptTokensEvaluated = 0
    /// With `.repetition`: the ids cut from the end of `ids` (every copy of the loop after the first).
    /// `text` is the text of the kept ids; text already streamed through `onText` included part of the repeats.
    public var removedRepetition: [Int32] = []
    public var promptSeconds = 0.0
    public var generationSeconds = 0.0
    /// The part of `generationSeconds` spent following the grammar: checking tokens, computing masks and
    /// drawing again after a rejection (0 without a grammar).
    public var constraintSeconds = 0.0

    public var promptTokensPerSecond: Double { promptSeconds > 0 ? Double(promptTokensEvaluated) / promptSeconds : 0 }
    /// Decode speed: the first token comes from the prompt's logits, so `ids.count - 1` decode steps were timed.
    public var generationTokensPerSecond: Double {
        generationSeconds > 0 ? Double(max(ids.count - 1, 0)) / generationSeconds : 0
    }
}

extension Session {
    /// Continues `prompt`, streaming text through `onText` (return false to cancel). Text is released only as
    /// whole UTF-8 characters and only once it cannot be the start of a stop string, so a token can pass
    /// without a call to `onText` (a partial character, a possible stop string): `isCancelled`, asked before
    /// every token, is what stops a generation within one token whatever the token holds.
    ///
    /// With a grammar, the token the sampler picks from the full distribution is checked first (a few bytes'
    /// walk); only when the grammar rejects it is the allowed set computed and the draw repeated over it, as
    /// llama.cpp's common sampler does. For greedy decoding that is exactly the best allowed token.
    public func generate(prompt: [Int32], options: GenerationOptions,
                         onText: (String) -> Bool = { _ in true },
                         isCancelled: () -> Bool = { false }) throws -> GenerationResult {
        var result = GenerationResult()
        result.promptTokens = prompt.count
        let sampler = Sampler(options.sampling, vocabularySize: vocabularySize)
        let detokenizer = StreamingDetokenizer(tokenizer: model.tokenizer)
        var stops = StopStringMatcher(options.stopStrings)
        let tokenizer = model.tokenizer
        let matcher = options.grammar.map { GrammarMatcher(grammar: $0, vocabulary: model.constraintVocabulary) }
        var loops = options.loopDetection.map(LoopDetector.init)

        result.promptTokensEvaluated = prompt.count - reusablePrefixLength(for: prompt)
        let promptStart = DispatchTime.now()
        var logits = try evaluate(prompt: prompt)
        result.promptSeconds = seconds(since: promptStart)

        let decodeStart = DispatchTime.now()
        while result.ids.count < options.maxTokens {
            if isCancelled() { result.stopReason = .cancelled; return finish(result, decodeStart) }
            var id = sampler.sample(logits: logits.buffer, history: tokens)
            if let matcher {
                let start = DispatchTime.now()
                defer { result.constraintSeconds += seconds(since: start) }
                if !matcher.allows(id) {
                    let allowed = matcher.allowedTokens()
                    guard !allowed.isEmpty else { result.stopReason = .noAllowedToken; break }
                    id = sampler.sample(logits: UnsafeBufferPointer(logits.buffer), history: tokens, allowed: allowed)
                }
                matcher.accept(id)
            }
            if tokenizer.isEndOfGeneration(id) { result.stopReason = .endOfGeneration; break }
            result.ids.append(id)
            let piece = detokenizer.append(id)
            let (emit, stopped) = stops.feed(piece)
            if !emit.isEmpty {
                result.text += emit
                if !onText(emit) { result.stopReason = .cancelled; return finish(result, decodeStart) }
            }
            if stopped { result.stopReason = .stopString; return finish(result, decodeStart) }
            if let keep = loops?.append(id, piece: tokenizer.tokenPiece(id)) {
                result.removedRepetition = Array(result.ids[keep...])
                result.ids.removeLast(result.ids.count - keep)
                let kept = StreamingDetokenizer(tokenizer: tokenizer)
                result.text = kept.append(contentsOf: result.ids) + kept.flush()
                result.stopReason = .repetition
                return finish(result, decodeStart)
            }
            if matcher?.isFinished == true { result.stopReason = .endOfGeneration; break }
            if result.ids.count == options.maxTokens { break }
            guard tokens.count < contextLength else { result.stopReason = .contextFull; break }
            logits = try append(token: id)
        }
        let tail = stops.flush(detokenizer.flush())
        if !tail.isEmpty {
            result.text += tail
            _ = onText(tail)
        }
        return finish(result, decodeStart)
    }

    private func finish(_ result: GenerationResult, _ start: DispatchTime) -> GenerationResult {
        var result = result
        result.generationSeconds = seconds(since: start)
        return result
    }
}

func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
