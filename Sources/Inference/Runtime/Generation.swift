import Foundation
import Tokenization

/// What a generation may produce and when it stops.
public struct GenerationOptions: Sendable {
    public var maxTokens: Int
    public var sampling: SamplingParameters
    /// Generation ends before any of these strings would be emitted; the text never contains them.
    public var stopStrings: [String]
    public init(maxTokens: Int = 256, sampling: SamplingParameters = .greedy, stopStrings: [String] = []) {
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
    }
}

public enum StopReason: String, Sendable, Codable {
    case endOfGeneration = "eog", maxTokens = "length", stopString = "stop", cancelled, contextFull = "context_full"
}

public struct GenerationResult: Sendable {
    public var ids: [Int32] = []
    public var text = ""
    public var stopReason = StopReason.maxTokens
    public var promptTokens = 0
    /// Tokens actually evaluated for the prompt (fewer than `promptTokens` when a cached prefix was reused).
    public var promptTokensEvaluated = 0
    public var promptSeconds = 0.0
    public var generationSeconds = 0.0

    public var promptTokensPerSecond: Double { promptSeconds > 0 ? Double(promptTokensEvaluated) / promptSeconds : 0 }
    /// Decode speed: the first token comes from the prompt's logits, so `ids.count - 1` decode steps were timed.
    public var generationTokensPerSecond: Double {
        generationSeconds > 0 ? Double(max(ids.count - 1, 0)) / generationSeconds : 0
    }
}

extension Session {
    /// Continues `prompt`, streaming text through `onText` (return false to cancel). Text is released only as
    /// whole UTF-8 characters and only once it cannot be the start of a stop string.
    public func generate(prompt: [Int32], options: GenerationOptions,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        var result = GenerationResult()
        result.promptTokens = prompt.count
        let sampler = Sampler(options.sampling, vocabularySize: vocabularySize)
        let detokenizer = StreamingDetokenizer(tokenizer: model.tokenizer)
        var stops = StopStringMatcher(options.stopStrings)
        let tokenizer = model.tokenizer

        result.promptTokensEvaluated = prompt.count - reusablePrefixLength(for: prompt)
        let promptStart = DispatchTime.now()
        var logits = try evaluate(prompt: prompt)
        result.promptSeconds = seconds(since: promptStart)

        let decodeStart = DispatchTime.now()
        while result.ids.count < options.maxTokens {
            let id = sampler.sample(logits: logits.buffer, history: tokens)
            if tokenizer.isEndOfGeneration(id) { result.stopReason = .endOfGeneration; break }
            result.ids.append(id)
            let piece = detokenizer.append(id)
            let (emit, stopped) = stops.feed(piece)
            if !emit.isEmpty {
                result.text += emit
                if !onText(emit) { result.stopReason = .cancelled; return finish(result, decodeStart) }
            }
            if stopped { result.stopReason = .stopString; return finish(result, decodeStart) }
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
