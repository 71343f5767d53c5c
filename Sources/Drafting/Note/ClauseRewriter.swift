import Foundation
import Inference

/// A section written clause by clause. The model gets the section's clauses numbered and rewrites each as one
/// sentence under a grammar that allows exactly one numbered line per clause, in order; so every sentence
/// stands for one clause and is checked against that clause alone. Asked to reword a section as a whole, a small
/// model moves words between clauses (a relative's diagnosis and the patient's own habit merged into one wrong
/// sentence) where no fact check can see it; per clause there is nothing to move.
///
/// A rewrite is kept only when it carries every fact of its clause (`ClauseCoverage`), states no drug, dose,
/// number, date, side, negation or status its clause does not give, and brings in no more than a few words
/// its clause does not hold (a connective, an abbreviation's expansion are not counted). Otherwise the clause
/// stands as the clinician wrote it.
enum ClauseRewriter {
    /// Content words a rewrite may add beyond its clause's before it counts as saying something else.
    static let maximumAddedWords = 2
    /// Tokens per clause: a sentence, with room for expanded abbreviations.
    static let tokensPerClause = 48

    /// Words of plain clinical prose that state nothing of their own.
    static let writingWords: Set<String> = [
        "patient", "patients", "reports", "reported", "presents", "presented", "presenting", "history", "notes",
        "noted", "taking", "takes", "take", "started", "starting", "start", "continue", "continues", "continued",
        "will", "plan", "planned", "given", "currently", "complains", "complaining", "describes", "described",
        "denies", "denied", "states", "stated", "shows", "showed", "reveals", "revealed", "performed", "today",
        "visit", "follow", "follow-up", "years", "year", "old", "man", "woman", "male", "female", "boy", "girl",
        "days", "weeks", "months", "hours", "minutes", "daily", "twice", "times", "once", "dose", "doses", "tablet",
        "tablets", "each", "every", "needed", "bedtime", "morning", "evening", "night", "week", "month", "hour",
        "minute", "since", "ago", "last", "which", "been", "having", "were", "also", "without", "negative",
        "positive", "normal", "within", "limits", "mg", "mcg", "units", "than", "then", "over", "after", "before",
        "onset", "associated", "consistent", "likely", "possible", "rule", "out", "ruled",
    ]

    /// The user message: the section's clauses numbered, and what to write.
    static func request(clauses: [String], title: String, guidance: String) -> String {
        let numbered = clauses.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
        return """
            Shorthand for the \(title) section, one clause per line:
            <<<
            \(numbered)
            >>>

            Rewrite each numbered clause as one clear sentence for the \(title) section (\(guidance)), with the same number, one per line, in the same order. Each sentence says only what its own clause says.
            """
    }

    /// One numbered line per clause, in order, each a single line of text.
    static func grammar(clauseCount: Int) throws -> Grammar {
        let lines = (1...max(clauseCount, 1)).map { "\"\($0). \" line" }.joined(separator: " ")
        return try Grammar(gbnf: """
            root ::= \(lines)
            line ::= [^\\n] [^\\n]{0,300} "\\n"
            """)
    }

    /// The section: each clause's kept rewrite or the clause itself, as "- " lines when `bulleted`, else as one
    /// paragraph. Also how many clauses stand as written.
    static func assemble(_ answer: String, clauses: [String], bulleted: Bool) -> (text: String, asWritten: Int) {
        let rewrites = numberedLines(answer)
        var sentences: [String] = []
        var asWritten = 0
        for (index, clause) in clauses.enumerated() {
            if let rewrite = rewrites[index + 1], acceptable(rewrite, for: clause) {
                sentences.append(rewrite)
            } else {
                sentences.append(clause)
                asWritten += 1
            }
        }
        let text = bulleted ? sentences.map { "- " + withoutBullet($0) }.joined(separator: "\n")
                            : sentences.map(endingAsSentence).joined(separator: " ")
        return (text, asWritten)
    }

    /// A clause typed as a list item ("- IV fluids") without its marker, so a plan line has one.
    static func withoutBullet(_ text: String) -> String {
        var rest = Substring(text)
        // Only a marker followed by a space: "-2 kg" keeps its sign.
        while let first = rest.first, "-*•".contains(first), rest.dropFirst().first == " " { rest = rest.dropFirst().drop { $0 == " " } }
        return String(rest)
    }

    /// A clause in a paragraph ends with a full stop, so the next one does not run on from it.
    static func endingAsSentence(_ text: String) -> String {
        let sentence = withoutBullet(text)
        return sentence.last.map { ".!?:".contains($0) } == true ? sentence : sentence + "."
    }

    /// "3. text" lines by number; the first line of each number wins.
    static func numberedLines(_ answer: String) -> [Int: String] {
        var lines: [Int: String] = [:]
        for raw in answer.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let digits = line.prefix { $0.isNumber }
            guard let number = Int(digits), line.dropFirst(digits.count).hasPrefix(". ") else { continue }
            let text = line.dropFirst(digits.count + 2).trimmingCharacters(in: .whitespaces)
            if lines[number] == nil, !text.isEmpty { lines[number] = text }
        }
        return lines
    }

    static func acceptable(_ rewrite: String, for clause: String) -> Bool {
        guard ClauseCoverage.missing([clause], in: rewrite).isEmpty,
              FactChecker().check(draft: rewrite, source: clause).isEmpty else { return false }
        return addedWords(rewrite, beyond: clause).count <= maximumAddedWords
    }

    /// Content words of `rewrite` that its clause holds in no form (word, abbreviation, expansion or stem).
    static func addedWords(_ rewrite: String, beyond clause: String) -> [String] {
        let clauseWords = TextScanner(clause).words.flatMap(SourceIndex.indexed)
        let held = SourceIndex.WordSet(clauseWords)
        return ClauseCoverage.contentWords(rewrite).filter { word in
            !writingWords.contains(word) && !held.mentions(word)
                && !clauseWords.contains { ClinicalVocabulary.abbreviations[$0]?.contains { $0.split(separator: " ").contains(Substring(word)) } == true }
        }
    }
}
