import Foundation

/// What a section's written text lost of the clauses it was written from. A small model rewording shorthand drops
/// clauses (a troponin, a negative finding, the follow-up) as readily as it invents; a note that silently loses
/// what the clinician wrote is as wrong as one that adds to it. So every clause is checked against the text: the
/// fact check run the other way round (each drug, dose, frequency, number, date, side, negation and status of
/// the clause must be carried by the text), and most of the clause's own words must be there. A clause whose
/// rewrite fails is shown as the clinician wrote it (`ClauseRewriter`).
enum ClauseCoverage {
    /// At least this share of a clause's content words must occur in the text (with abbreviations and their
    /// expansions as the same word), or the clause counts as lost even when it states no checkable fact.
    static let keptWordShare = 0.5

    /// The clauses `text` does not carry, in their order.
    static func missing(_ clauses: [String], in text: String) -> [String] {
        let checker = FactChecker()
        let written = SourceIndex.WordSet(TextScanner(text).words.map(\.lower))
        return clauses.filter { clause in
            if !checker.check(draft: clause, source: text).isEmpty { return true }
            // An unconfirmed diagnosis ("r/o CAD", "?PsA") written without its doubt is an established one.
            if hedged(clause) && !hedged(text) { return true }
            let words = contentWords(clause)
            guard !words.isEmpty else { return false }
            let kept = words.filter { written.mentions($0) }.count
            return Double(kept) < keptWordShare * Double(words.count)
        }
    }

    /// Words that leave a diagnosis open.
    static let uncertaintyCues = ["r/o", "rule out", "ruled out", "?", "possible", "possibly", "suspect", "probable", "likely",
                                  "ddx", "differential", "vs", "versus", "concern for", "cannot exclude", "evaluate for", "query"]

    static func hedged(_ text: String) -> Bool {
        let lower = " " + text.lowercased() + " "
        return uncertaintyCues.contains { cue in
            cue == "?" ? lower.contains("?") : lower.range(of: #"(?<![a-z])"# + NSRegularExpression.escapedPattern(for: cue) + #"(?![a-z])"#,
                                                          options: .regularExpression) != nil
        }
    }

    /// The words of a clause that say something: letters only, three or more, not a stop word or a placeholder.
    static func contentWords(_ clause: String) -> [String] {
        TextScanner(clause).words.map(\.lower).filter { word in
            word.count >= 3 && word.allSatisfy(\.isLetter) && !FactExtractor.stopWords.contains(word)
                && !ClinicalVocabulary.genericWords.contains(word)
        }
    }
}
