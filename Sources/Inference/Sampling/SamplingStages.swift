#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One link of the sampler chain (llama.cpp's `llama_sampler_i::apply`): it narrows or reshapes the
/// candidate set. Stages never draw random numbers; only the final pick does.
public protocol SamplingStage: Sendable {
    func apply(to candidates: inout CandidateBuffer)
}

// MARK: - Repetition penalties

/// llama.cpp's `penalties` sampler. Over the last `window` tokens of the history, a token seen `c` times gets
///
///     logit = logit > 0 ? logit / repeat : logit * repeat     (once, if c > 0)
///     logit -= c * frequency + (c > 0 ? presence : 0)
///
/// Dividing a positive logit and multiplying a negative one both push it down for `repeat > 1`; simply
/// dividing would make a negative logit *more* likely (the bug CTRL's original formula had).
/// It runs first, on the unsorted set, where candidate `i` is token `i`.
struct RepetitionPenalty {
    let repeatPenalty: Float
    let frequencyPenalty: Float
    let presencePenalty: Float
    /// Negative: the whole history.
    let window: Int

    init?(_ p: SamplingParameters) {
        guard p.hasPenalties else { return nil }
        repeatPenalty = p.repetitionPenalty
        frequencyPenalty = p.frequencyPenalty
        presencePenalty = p.presencePenalty
        window = p.repetitionWindow
    }

    /// `counts` is scratch of at least the vocabulary size, all zero on entry and left all zero on exit,
    /// so penalizing costs O(window), not O(vocabulary).
    func apply(to candidates: inout CandidateBuffer, history: some Collection<Int32>,
               counts: UnsafeMutableBufferPointer<Int32>) {
        precondition(!candidates.isSorted || candidates.count <= 1, "penalties run before any stage reorders")
        let recent = history.suffix(window < 0 ? history.count : window)
        let vocabulary = candidates.count
        for token in recent where token >= 0 && Int(token) < vocabulary {
            counts[Int(token)] += 1
        }
        for token in recent where token >= 0 && Int(token) < vocabulary {
            let index = Int(token)
            let seen = counts[index]
            guard seen > 0 else { continue }  // already penalized at its first occurrence in the window
            counts[index] = 0
            var logit = candidates[index].logit
            logit = logit > 0 ? logit / repeatPenalty : logit * repeatPenalty
            logit -= Float(seen) * frequencyPenalty + presencePenalty
            candidates.setLogit(logit, at: index)
        }
    }
}

// MARK: - Top-k

/// Keeps the `k` highest logits (llama.cpp `top_k`), sorted. Partial selection, not a full sort.
public struct TopK: SamplingStage {
    public let k: Int
    public init?(_ k: Int) {
        guard k > 0 else { return nil }
        self.k = k
    }
    public func apply(to candidates: inout CandidateBuffer) {
        candidates.keepBest(k)
    }
}

// MARK: - Top-p (nucleus)

/// Keeps the smallest prefix of the sorted candidates whose probabilities reach `p` (the token that crosses
/// the line stays in), as llama.cpp's `top_p` does; at least one token always survives.
///
/// When the set is still the whole vocabulary, sorting it all would dominate the cost. `run.c`'s trick avoids
/// that: a candidate whose probability is below `(1 - p) / (n - 1)` can never be in the nucleus. The
/// candidates under that cutoff number at most n - 1, so together they hold less than (n - 1) × cutoff
/// = 1 - p of the mass; the ones above it therefore hold more than p, and the nucleus — built from the most
/// likely tokens down — is complete before it reaches any token under the cutoff. So drop those first, in one
/// pass. Then, instead of sorting what is left, sort only its best 64 and widen the sorted prefix until the
/// running sum reaches `p`: a peaked distribution, the usual case, is settled by the first partial selection.
public struct TopP: SamplingStage {
    public let p: Float
    public init?(_ p: Float) {
        guard p < 1 else { return nil }
        self.p = p
    }

    public func apply(to candidates: inout CandidateBuffer) {
        candidates.softmax()
        if !candidates.isSorted, candidates.count > 1 {
            let cutoff = (1 - p) / Float(candidates.count - 1)
            candidates.retainProbabilities(atLeast: cutoff)  // they stay full-set probabilities, as needed
        }
        var sortedPrefix = candidates.isSorted ? candidates.count : min(64, candidates.count)
        while true {
            candidates.sortBest(sortedPrefix)
            let (length, cumulative) = candidates.nucleusLength(reaching: p, within: sortedPrefix)
            if let length { return candidates.truncate(to: length) }
            if sortedPrefix == candidates.count { return }  // rounding left the sum a hair short of p: keep all
            // Every candidate beyond the prefix is at most as likely as its last one, so at least `needed` more
            // are required. Widen by that or ×8, whichever is more; past a quarter of the set, sort it all.
            let last = Double(candidates[sortedPrefix - 1].probability)
            let needed = last > 0 ? (Double(p) - cumulative) / last : Double(candidates.count)
            let next = max(sortedPrefix * 8, sortedPrefix + Int(min(needed.rounded(.up), Double(candidates.count))))
            sortedPrefix = next * 4 > candidates.count ? candidates.count : next
        }
    }
}

// MARK: - Min-p

/// Drops tokens less likely than `p` times the most likely one (llama.cpp `min_p`). In logits that is
/// `logit < maxLogit + ln p`, so no softmax is needed; order is preserved.
public struct MinP: SamplingStage {
    public let p: Float
    public init?(_ p: Float) {
        guard p > 0 else { return nil }
        self.p = p
    }
    public func apply(to candidates: inout CandidateBuffer) {
        candidates.retainLogits(atLeast: candidates[candidates.indexOfBest()].logit + logf(p))
    }
}

// MARK: - Temperature

/// Divides the logits by the temperature (llama.cpp `temp`): below 1 sharpens the distribution, above 1
/// flattens it. A temperature of 0 is greedy and never reaches this stage (`Sampler` picks the best instead).
public struct Temperature: SamplingStage {
    public let temperature: Float
    public init?(_ temperature: Float) {
        guard temperature > 0, temperature != 1 else { return nil }
        self.temperature = temperature
    }
    public func apply(to candidates: inout CandidateBuffer) {
        candidates.scaleLogits(by: 1 / temperature)
    }
}
