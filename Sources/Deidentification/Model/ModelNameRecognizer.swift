import Foundation

/// Scores fixed continuations after prompts with the local language model, without generating text.
///
/// The de-identifier depends only on this protocol; `RuntimeCandidateScorer` adapts the inference runtime
/// (it compares the log-probabilities of " yes" and " no" after each question of a batch, without
/// generating text). Implementations must keep everything on this machine.
public protocol CandidateScorer: Sendable {
    /// For each prompt, the total log-probability of each continuation, in the order given:
    /// `result[p][c]` = log P(continuations[c] | prompts[p]).
    func logProbabilities(of continuations: [String], after prompts: [String]) throws -> [[Double]]
}

/// Decides ambiguous name candidates with the local model: capitalized safe words in mid-sentence ("Hope",
/// "Will"), unknown capitalized words that may be names the lexicons lack.
///
/// Each candidate becomes one yes/no question over a window of its document; all questions of a document
/// go to the scorer as one batch. A candidate is a name when log P(" yes") - log P(" no") exceeds
/// ``threshold``. If the scorer fails, every candidate is reported: a missed name is a leak, a false
/// alarm only a cost.
///
/// ```swift
/// var registry = RecognizerRegistry.default(lexicons: lexicons)
/// let scorer = RuntimeCandidateScorer(model: try LanguageModel(path: "model.gguf"))
/// registry.add(ModelNameRecognizer(scorer: scorer, names: NameRecognizer(lexicons: lexicons)))
/// ```
public struct ModelNameRecognizer: Recognizer {
    public let name = "model_name"
    public let supportedKinds: Set<PHIKind> = [.name]
    public let scorer: any CandidateScorer
    public let names: NameRecognizer
    /// Log-odds above which a candidate is a name (0: the model must find " yes" at least as likely as " no").
    public let threshold: Double
    /// Scalars of context on each side of a candidate.
    public let contextRadius: Int

    public static let answers = [" yes", " no"]

    public init(scorer: any CandidateScorer, names: NameRecognizer, threshold: Double = 0, contextRadius: Int = 160) {
        self.scorer = scorer
        self.names = names
        self.threshold = threshold
        self.contextRadius = contextRadius
    }

    public func analyze(_ text: TokenizedText) -> [Detection] {
        let candidates = names.ambiguousCandidates(text)
        guard !candidates.isEmpty else { return [] }
        let prompts = candidates.map { prompt(text, $0) }
        guard let scores = try? scorer.logProbabilities(of: Self.answers, after: prompts), scores.count == candidates.count else {
            return candidates.map { detection($0, .name, score: 0.4) }
        }
        var found: [Detection] = []
        for (candidate, pair) in zip(candidates, scores) where pair.count == 2 {
            let logOdds = pair[0] - pair[1]
            if logOdds > threshold {
                found.append(detection(candidate, .name, score: 0.5 + 0.4 / (1 + exp(-logOdds))))
            }
        }
        return found
    }

    /// The question for one candidate, over a window of the document cut at word boundaries.
    public func prompt(_ text: TokenizedText, _ candidate: Range<Int>) -> String {
        var start = max(0, candidate.lowerBound - contextRadius)
        var end = min(text.scalars.count, candidate.upperBound + contextRadius)
        while start > 0, !CharacterClass.isHorizontalSpace(text.scalars[start - 1]), text.scalars[start - 1] != "\n",
              candidate.lowerBound - start < contextRadius + 24 { start -= 1 }
        while end < text.scalars.count, !CharacterClass.isHorizontalSpace(text.scalars[end]), text.scalars[end] != "\n",
              end - candidate.upperBound < contextRadius + 24 { end += 1 }
        return Self.render(excerpt: text.text(start..<end), candidate: text.text(candidate))
    }

    /// The prompt template. The answer is read from the model's next token, " yes" or " no".
    public static func render(excerpt: String, candidate: String) -> String {
        """
        Below is an excerpt of a clinical note.
        ---
        \(excerpt)
        ---
        Question: In this excerpt, is "\(candidate)" the name of a person (a patient, relative, clinician or \
        other individual)? Eponyms in disease or test names, drugs, places and ordinary words are not.
        Answer (yes or no):
        """
    }
}

