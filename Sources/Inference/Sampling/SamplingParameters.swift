/// How the next token is chosen from the model's logits.
///
/// The settings and their "off" values follow llama.cpp's `common_params_sampling`, and so does the order in
/// which `Sampler` applies them: repetition penalties, top-k, top-p, min-p, temperature, then a weighted
/// random draw. The filters therefore see the untempered distribution, as in llama.cpp (llama2.c's `run.c`
/// applies the temperature first; the two agree when the temperature is 1).
///
/// ```swift
/// let creative = SamplingParameters(temperature: 0.7, topK: 40, topP: 0.9, seed: 1234)
/// let sampler = Sampler(creative, vocabularySize: 49_152)
/// ```
public struct SamplingParameters: Sendable, Equatable {
    /// Divides the logits before the draw. 0 (or less) means greedy: always the most likely token.
    public var temperature: Float
    /// Keep only the `topK` most likely tokens (`--top-k`); 0 or less: off.
    public var topK: Int
    /// Nucleus: keep the smallest set of most likely tokens whose probabilities add up to `topP`; 1: off.
    public var topP: Float
    /// Drop tokens whose probability is below `minP` times the most likely token's; 0: off.
    public var minP: Float
    /// `penalty_repeat`: a token seen in the window has a positive logit divided by this, a negative one
    /// multiplied by it (both make it less likely); 1: off.
    public var repetitionPenalty: Float
    /// `penalty_last_n`: how many of the most recent tokens the penalties look at; 0: none, negative: all.
    public var repetitionWindow: Int
    /// `penalty_freq`: subtracted from a seen token's logit once per occurrence in the window; 0: off.
    public var frequencyPenalty: Float
    /// `penalty_present`: subtracted once from the logit of any token seen in the window; 0: off.
    public var presencePenalty: Float
    /// Seeds the random generator: the same seed, settings and logits give the same tokens.
    public var seed: UInt64

    public init(
        temperature: Float = 0.8, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05,
        repetitionPenalty: Float = 1, repetitionWindow: Int = 64,
        frequencyPenalty: Float = 0, presencePenalty: Float = 0, seed: UInt64 = 0
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.seed = seed
    }

    /// Always the most likely token (ties go to the lower id), with no penalties: llama.cpp's
    /// `--temp 0` / `--top-k 1` and the setting every reference continuation was made with.
    public static let greedy = SamplingParameters(
        temperature: 0, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1, repetitionWindow: 0)

    /// Checks every setting against the range it is meaningful in, naming the first one that is not. Call it
    /// on settings from outside (command line, requests): the sampler itself takes any value and does what
    /// llama.cpp would, which for, say, a penalty of 0 (dividing by zero) is not useful.
    public func validate() throws(SamplingParameterError) {
        func require(_ ok: Bool, _ name: String, _ value: any CustomStringConvertible, _ allowed: String)
            throws(SamplingParameterError) {
            guard ok else { throw .outOfRange(parameter: name, value: value.description, allowed: allowed) }
        }
        try require(temperature >= 0 && temperature.isFinite, "temperature", temperature, "0 or more (0: greedy)")
        try require(topK >= 0, "topK", topK, "0 or more (0: off)")
        try require(topP > 0 && topP <= 1, "topP", topP, "more than 0, at most 1 (1: off)")
        try require(minP >= 0 && minP < 1, "minP", minP, "at least 0, less than 1 (0: off)")
        try require(repetitionPenalty > 0 && repetitionPenalty.isFinite, "repetitionPenalty", repetitionPenalty,
                    "more than 0 (1: off)")
        try require(repetitionWindow >= -1, "repetitionWindow", repetitionWindow, "-1 (all), 0 (off) or more")
        try require(frequencyPenalty.isFinite, "frequencyPenalty", frequencyPenalty, "a finite number (0: off)")
        try require(presencePenalty.isFinite, "presencePenalty", presencePenalty, "a finite number (0: off)")
    }

    /// Whether the draw is deterministic without looking at the random generator.
    public var isGreedy: Bool { !(temperature > 0) || topK == 1 }

    /// Whether any penalty would change a logit.
    var hasPenalties: Bool {
        repetitionWindow != 0 && (repetitionPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0)
    }
}

/// A sampling setting outside the range where it means something.
public enum SamplingParameterError: Error, Equatable, CustomStringConvertible {
    case outOfRange(parameter: String, value: String, allowed: String)

    public var description: String {
        switch self {
        case let .outOfRange(parameter, value, allowed):
            return "sampling parameter \(parameter) is \(value); allowed: \(allowed)"
        }
    }
}
