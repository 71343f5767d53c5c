import Foundation

/// A clause of an assessment sentence that may name a condition, as the code lookup sees it.
struct ConditionPhrase: Equatable {
    let sentence: NoteSentence
    /// The words naming the condition.
    let text: String
    /// The sentence without what it only suspects: the context a code's other words may come from.
    let context: String
    /// A diagnosis the sentence states as uncertain ("concerning for X"); never coded (outpatient guidelines
    /// code the documented symptom until a diagnosis is confirmed), named so the reviewer sees why.
    let uncertain: String?
    /// "History of X": only personal-history codes fit.
    let isHistory: Bool
    /// The words before the clause's first "of" ("tinea" of "tinea of the nails of the left foot"):
    /// the condition, when the words after only place it and no code is worded with them.
    var head: String? {
        guard !isHistory, let range = text.range(of: " of ", options: .caseInsensitive) else { return nil }
        let head = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        return head.contains(where: \.isLetter) ? head : nil
    }
    /// From the sentence's first clause, where an assessment names its problem. A later clause ("honey for
    /// cough") names a condition only as the reason for a step of the plan, unless the first clause assessed
    /// one and the later clause adds to it ("diabetic CKD; on long-term insulin").
    let isLeading: Bool
    /// A side of a "with" clause: looked up only when the whole clause (this text) found no code.
    var unlessFound: String? = nil
}

/// Cuts assessment sentences into the clauses that may name a condition.
enum ConditionPhrases {
    /// Leading labels that name a part of the note, not a condition.
    static let sectionLabels = [
        "assessment and plan", "assessment/plan", "assessment", "a/p", "a", "p", "plan", "impression", "diagnoses", "diagnosis",
        "dx", "hpi", "cc", "s", "o", "subjective", "objective", "chief complaint", "reason", "data", "exam", "history",
    ]
    static let negationStarts = ["no ", "denies ", "negative ", "without ", "not ", "never "]
    static let uncertaintyCues = [
        "concerning for", "suspicious for", "suspected", "suspect", "rule out", "r/o", "possible", "possibly", "probable",
        "probably", "likely", "versus", " vs ", "cannot exclude", "question of", "presumed", "consistent with",
        // A state the patient plans or considers is not one she has.
        "plan for", "planning", "considering", "contemplating",
    ]
    /// "Hx hep C" at a clause's start is as much a history as "history of hep C".
    static let historyStarts = ["history of ", "hx of ", "h/o ", "past history of ", "personal history of ", "hx ", "prior history of "]
    /// Sentences that instruct or warn ("call if fever", "avoid NSAIDs given her kidney disease"): the
    /// conditions they name are possibilities or reasons, not problems this visit assessed.
    static let instructionStarts = ["avoid ", "call ", "return ", "go to ", "seek ", "follow up", "rtc ", "if "]
    static let conditionalCues = [" if ", " should ", " in case "]
    /// Sentences saying the conditions they list were not managed at this visit ("not addressed today", "managed by
    /// her cardiologist"): a visit codes the conditions it evaluated or treated, not the chart's problem list.
    /// "Managed by" counts only before a person or a service; "managed by diet" is this visit's management.
    static let notManagedHere = try! NSRegularExpression(
        pattern: #"\bnot (?:addressed|discussed|assessed|evaluated|managed|reviewed)\b|\bdeferred to\b|\b(?:managed|followed|treated) (?:by|with) (?:dr\b|her |his |their |the |pcp|primary|outside|another|[a-z]+(?:ologist|ology|iatrist|iatry)\b)"#,
        options: [.caseInsensitive])
    static let clauseBreaks: Set<Character> = [";", ",", ":", "(", ")"]
    static let qualifierWords: Set<String> = [
        "closed", "open", "initial", "subsequent", "encounter", "sequela", "displaced", "nondisplaced", "non", "right", "left",
        "bilateral", "acute", "chronic", "stable", "unstable", "controlled", "uncontrolled", "improved", "improving", "worse",
        "worsening", "resolved", "resolving", "mild", "moderate", "severe", "new", "recurrent", "intermittent", "persistent",
        "the", "and", "of", "with", "well", "poorly", "not", "today", "visit", "at", "goal",
    ]

    static func phrases(in sentence: NoteSentence) -> [ConditionPhrase] {
        let body = withoutSectionLabel(sentence.text)
        let lowerBody = " " + body.lowercased()
        if instructionStarts.contains(where: { lowerBody.hasPrefix(" " + $0) }) || conditionalCues.contains(where: { lowerBody.contains($0) })
            || notManagedHere.firstMatch(in: body, range: NSRange(body.startIndex..., in: body)) != nil {
            return []
        }
        var clauses: [String] = []
        var current = ""
        for c in body {
            if clauseBreaks.contains(c) {
                clauses.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        clauses.append(current)
        var kept: [(text: String, uncertain: String?)] = []
        // A negated clause names no condition, but says what the condition is not ("not intractable", "no status
        // epilepticus"), which a code may be worded with: it stays in the context.
        var negated: [String] = []
        for raw in clauses.flatMap({ $0.components(separatedBy: " - ") }) {
            let clause = raw.trimmingCharacters(in: .whitespaces)
            let lower = clause.lowercased()
            if clause.isEmpty { continue }
            if negationStarts.contains(where: { lower.hasPrefix($0) }) {
                negated.append(clause)
                continue
            }

            var cut = clause.endIndex
            var uncertain: String?
            for cue in uncertaintyCues {
                guard let range = lower.range(of: cue) else { continue }
                let offset = lower.distance(from: lower.startIndex, to: range.lowerBound)
                let index = clause.index(clause.startIndex, offsetBy: offset)
                if index < cut {
                    cut = index
                    uncertain = String(clause[index...]).trimmingCharacters(in: .whitespaces)
                }
            }
            kept.append((String(clause[..<cut]).trimmingCharacters(in: .whitespaces), uncertain))
        }
        let context = (kept.map(\.text) + negated).joined(separator: " ")
        var result: [ConditionPhrase] = []
        for (position, (text, uncertain)) in kept.enumerated() {
            let isLeading = position == 0
            let lower = text.lowercased()
            // A later clause of qualifiers only ("closed", "initial encounter", "right") says how the condition of the
            // clause before it is, and names none of its own; it stays in the context.
            let words = lower.split { !$0.isLetter }.map(String.init)
            if !isLeading, !words.isEmpty, words.allSatisfy(qualifierWords.contains) { continue }
            let isHistory = historyStarts.contains { lower.hasPrefix($0) }
            guard text.contains(where: \.isLetter) else {
                if let uncertain {
                    result.append(ConditionPhrase(sentence: sentence, text: "", context: context, uncertain: uncertain, isHistory: false, isLeading: isLeading))
                }
                continue
            }
            result.append(ConditionPhrase(sentence: sentence, text: text, context: context, uncertain: uncertain, isHistory: isHistory,
                                          isLeading: isLeading))
            // "Hypertension and hyperlipidemia" is two conditions; the whole clause is looked up too, for the
            // codes whose own wording has an "and".
            let parts = text.components(separatedBy: " and ").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count > 1 {
                for part in parts where part.contains(where: \.isLetter) {
                    result.append(ConditionPhrase(sentence: sentence, text: part, context: context, uncertain: nil, isHistory: isHistory,
                                                  isLeading: isLeading))
                }
            }
            // "Sinusitis with polyps" may be two conditions, when no code names both (a combination code, "diabetes
            // with neuropathy", is the usual reading of "with"): each side is looked up only if the whole is not.
            let sides = text.components(separatedBy: " with ").map { $0.trimmingCharacters(in: .whitespaces) }
            if sides.count > 1 {
                for side in sides where side.contains(where: \.isLetter) {
                    result.append(ConditionPhrase(sentence: sentence, text: side, context: context, uncertain: nil, isHistory: isHistory,
                                                  isLeading: isLeading, unlessFound: text))
                }
            }
        }
        return result
    }

    static func withoutSectionLabel(_ text: String) -> String {
        let lower = text.lowercased()
        for label in sectionLabels where lower.hasPrefix(label + ":") {
            return String(text.dropFirst(label.count + 1)).trimmingCharacters(in: .whitespaces)
        }
        return text
    }
}
