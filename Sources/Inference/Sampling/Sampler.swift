/// Picks the next token from a row of logits: a chain of small stages like llama.cpp's
/// (`llama_sampler_chain_add(chain, llama_sampler_init_top_k(40))`, ...) ending in a seeded random draw.
///
/// The chain, in llama.cpp's default order: repetition penalties → top-k → top-p → min-p → temperature →
/// draw. Stages whose setting is "off" are left out at init. A temperature of 0 (or top-k of 1) skips the
/// chain and the generator entirely: the best logit after penalties wins, ties going to the lower id.
///
/// All buffers are allocated in `init`; `sample` allocates nothing. The logits are read, never written.
///
/// ```swift
/// let sampler = Sampler(SamplingParameters(temperature: 0.7, seed: 7), vocabularySize: logits.count)
/// let next = logits.withUnsafeBufferPointer { sampler.sample(logits: $0, history: tokens) }
/// ```
public final class Sampler {
    public let parameters: SamplingParameters
    public let vocabularySize: Int
    /// The filtering stages between the penalties and the draw, in the order they run.
    public let stages: [any SamplingStage]
    private let penalty: RepetitionPenalty?
    private var random: any RandomNumberGenerator
    private var candidates: CandidateBuffer
    /// Per-token occurrence counts for the penalties; all zero between calls.
    private let counts: UnsafeMutableBufferPointer<Int32>

    /// - Parameters:
    ///   - random: the generator for the draw; by default xoshiro256** seeded with `parameters.seed`.
    ///     Inject another to pin or script a run in a test.
    public init(_ parameters: SamplingParameters, vocabularySize: Int,
                random: (any RandomNumberGenerator)? = nil) {
        precondition(vocabularySize > 0, "a sampler needs at least one token")
        self.parameters = parameters
        self.vocabularySize = vocabularySize
        self.random = random ?? Xoshiro256StarStar(seed: parameters.seed)
        penalty = RepetitionPenalty(parameters)
        let chain: [(any SamplingStage)?] = parameters.isGreedy ? [] : [
            TopK(parameters.topK), TopP(parameters.topP), MinP(parameters.minP), Temperature(parameters.temperature),
        ]
        stages = chain.compactMap { $0 }
        candidates = CandidateBuffer(capacity: vocabularySize)
        counts = .allocate(capacity: penalty == nil ? 1 : vocabularySize)
        counts.initialize(repeating: 0)
    }

    deinit {
        candidates.deallocate()
        counts.deallocate()
    }

    /// Chooses the next token. `history` is the context so far (prompt and generated tokens, oldest first);
    /// only its last `repetitionWindow` tokens matter, and only when a penalty is set.
    public func sample(logits: UnsafeBufferPointer<Float>, history: some Collection<Int32>) -> Int32 {
        precondition(!logits.isEmpty && logits.count <= vocabularySize, "logits row does not fit the vocabulary")
        if parameters.isGreedy && penalty == nil { return Self.argmax(logits) }
        candidates.load(logits)
        penalty?.apply(to: &candidates, history: history, counts: counts)
        if parameters.isGreedy { return candidates[candidates.indexOfBest()].id }
        for stage in stages { stage.apply(to: &candidates) }
        return draw()
    }

    /// Chooses the next token among those in `allowed` (a grammar's mask, which must not be empty): the
    /// penalties, then the other tokens dropped, then the same chain and draw on what is left — llama.cpp's
    /// order when it resamples after its grammar rejected a token.
    public func sample(logits: UnsafeBufferPointer<Float>, history: some Collection<Int32>, allowed: TokenMask) -> Int32 {
        precondition(!logits.isEmpty && logits.count <= vocabularySize, "logits row does not fit the vocabulary")
        if parameters.isGreedy && penalty == nil { return Self.argmax(logits, allowed: allowed) }
        candidates.load(logits)
        penalty?.apply(to: &candidates, history: history, counts: counts)
        candidates.retainAllowed(allowed)
        if parameters.isGreedy { return candidates[candidates.indexOfBest()].id }
        for stage in stages { stage.apply(to: &candidates) }
        return draw()
    }

    /// Greedy among the allowed tokens: the first (lowest-id) maximum; NaN never wins.
    static func argmax(_ logits: UnsafeBufferPointer<Float>, allowed: TokenMask) -> Int32 {
        var best: Int32 = -1
        var bestLogit = -Float.infinity
        for (i, logit) in logits.enumerated() where allowed.contains(Int32(i)) && (best < 0 || logit > bestLogit) {
            best = Int32(i)
            bestLogit = logit.isNaN ? -.infinity : logit
        }
        return max(best, 0)
    }

    /// Plain greedy straight off the logits, without copying them: the first (lowest-id) maximum; NaN never wins.
    static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        var bestLogit = -Float.infinity
        for (i, logit) in logits.enumerated() where logit > bestLogit {
            best = i
            bestLogit = logit
        }
        return Int32(best)
    }

    /// Convenience for callers holding a mutable buffer; the logits are still not modified.
    public func sample(logits: UnsafeMutableBufferPointer<Float>, history: some Collection<Int32>) -> Int32 {
        sample(logits: UnsafeBufferPointer(logits), history: history)
    }

    /// The candidates the draw would choose from and their probabilities, best first — for tests and for
    /// showing why a token was picked. Allocates the result; not for the decode loop. Does not touch the
    /// generator. For greedy settings it is the single winner with probability 1.
    public func distribution(logits: UnsafeBufferPointer<Float>, history: some Collection<Int32>) -> [Candidate] {
        precondition(!logits.isEmpty && logits.count <= vocabularySize, "logits row does not fit the vocabulary")
        candidates.load(logits)
        penalty?.apply(to: &candidates, history: history, counts: counts)
        if parameters.isGreedy {
            var best = candidates[candidates.indexOfBest()]
            best.probability = 1
            return [best]
        }
        for stage in stages { stage.apply(to: &candidates) }
        candidates.sortDescending()
        candidates.softmax()
        return (0..<candidates.count).map { candidates[$0] }
    }

    /// The final link (llama.cpp `dist`): a token drawn with probability softmax(logit). A uniform number in
    /// [0, total) is located in the running sum of the weights exp(logit − max) — no normalizing pass needed;
    /// Double sums keep the walk exact enough over a quarter-million candidates.
    private func draw() -> Int32 {
        let total = candidates.exponentiate()
        return candidates.id(atCumulativeWeight: random.nextUnitInterval() * total)
    }
}
