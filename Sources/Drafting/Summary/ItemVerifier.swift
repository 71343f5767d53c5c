/// Checks each extracted item against the record line it cites, and decides what only the text can decide:
/// whether the item is there at all (else it is re-cited to the line that does name it, or set apart as
/// unsupported), which dose, value and date the line really gives, and what the line's own words say about
/// status (stopped, changed, planned, resolved, a family member's, negated). The model proposes; the record
/// disposes.
struct ItemVerifier {
    let lines: RecordLines
    /// The line range the model saw (a re-citation stays inside it).
    let range: ClosedRange<Int>

    /// The line, at or near the cited one, that mentions `name`: the cited line, then its neighbours, then any
    /// line of the chunk. nil when no line does.
    func supportingLine(for name: String, cited: Int) -> Int? {
        let words = Self.significantWords(name)
        guard !words.isEmpty else { return nil }
        let order = [cited, cited - 1, cited + 1, cited - 2, cited + 2] + Array(range)
        for number in order where range.contains(number) {
            if let line = lines[number], Self.mentions(words, in: line.deidentified) { return number }
        }
        return nil
    }

    /// Enough of the name's words occur in the line: its first significant word and, for longer names, at
    /// least half of them (abbreviations and their expansions count as the same word).
    static func mentions(_ words: [String], in line: String) -> Bool {
        let lineWords = FactExtractor(line).words.flatMap { w in w.lower.split(separator: "/").map(String.init) + [w.lower] }
        let index = SourceIndex.WordSet(lineWords)
        let found = words.filter { index.mentions($0) }
        return found.count * 2 >= words.count && (found.contains(words[0]) || words.count > 2)
    }

    static func significantWords(_ text: String) -> [String] {
        FactExtractor(text).words.map(\.lower).filter {
            $0.count >= 2 && !FactExtractor.stopWords.contains($0) && !$0.hasPrefix("[") && $0 != "?"
        }
    }

    // MARK: Status words of a line

    static let stopCues = ["stopped", "discontinu", "d/c", "dc'd", "held ", "hold ", "no longer", "switched from", "changed from",
                           "replaced", "ceased", "quit", "was on", "previously on", "formerly", "off of", "stop "]
    static let changeCues = ["increase", "decrease", "changed to", "titrat", "adjust", "reduced", "raised", "incr ", "decr ", "switched to", "now on"]
    static let planCues = ["will start", "plan to start", "to start", "consider", "recommend", "prescribe", "initiate", "begin ", "will begin", "start "]
    static let eventPlanCues = ["scheduled", "planned", "plan ", "will ", "referred", "referral", "to be ", "pending", "recommend", "order", "needs ", "due "]
    static let familyCues = ["family history", "fhx", "fh:", "mother", "father", "sister", "brother", "maternal", "paternal", "grandmother", "grandfather", "aunt", "uncle", "son ", "daughter"]
    static let negationCues = ["no ", "denies", "negative for", "ruled out", "r/o", "rule out", "without", "no evidence", "not "]
    static let resolvedCues = ["resolved", "in remission", "cured", "healed"]
    static let historicalCues = ["history of", "h/o", "s/p", "remote", "past ", "prior ", "previous"]
    static let intoleranceCues = ["intoleran", "side effect", "upset", "not allerg", "not a true allergy", "sensitivity"]
    static let allergyContext = ["allerg", "nkda", "reaction", "intoleran", "anaphyla", "hives", "rash", "swelling", "side effect"]

    /// The status the line's words give a medication, overriding the model's where the line is explicit.
    func medicationStatus(name: String, line: String, proposed: String) -> MedicationStatus {
        let lower = " " + line.lowercased() + " "
        let nameWord = Self.significantWords(name).first ?? name.lowercased()
        // "switched from A to B": A stopped, B current.
        if let switchRange = lower.range(of: "from ") ?? lower.range(of: "switched "), let nameRange = lower.range(of: nameWord),
           let toRange = lower.range(of: " to ", range: switchRange.upperBound..<lower.endIndex) {
            return nameRange.lowerBound < toRange.lowerBound ? .stopped : .current
        }
        if Self.stopCues.contains(where: lower.contains) { return .stopped }
        if Self.changeCues.contains(where: lower.contains) { return .changed }
        if Self.planCues.contains(where: lower.contains) && !lower.contains("started") { return .planned }
        return MedicationStatus(rawValue: proposed.lowercased()) ?? .current
    }

    /// nil when the problem is the patient's and asserted; otherwise why it is not.
    func problemRejection(line: String, name: String) -> String? {
        let lower = " " + line.lowercased() + " "
        if Self.familyCues.contains(where: lower.contains) { return "a family member's history, not the patient's" }
        let nameWord = Self.significantWords(name).first ?? name.lowercased()
        if let nameRange = lower.range(of: nameWord) {
            let before = lower[..<nameRange.lowerBound].suffix(30)
            if Self.negationCues.contains(where: before.contains) { return "the record says it is absent or ruled out" }
        }
        return nil
    }

    func problemStatus(line: String, proposed: String) -> ProblemStatus {
        let lower = " " + line.lowercased() + " "
        if Self.resolvedCues.contains(where: lower.contains) { return .resolved }
        if Self.historicalCues.contains(where: lower.contains) { return .historical }
        return ProblemStatus(rawValue: proposed.lowercased()) ?? .active
    }

    /// A field value (dose, frequency, test value) is kept only when the cited line states it.
    static func lineStates(_ value: String, in line: String) -> Bool {
        let value = value.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, value != "?" else { return false }
        let valueFacts = FactExtractor(value).facts()
        let lineFacts = FactExtractor(line).facts()
        if valueFacts.isEmpty { return line.lowercased().contains(value.lowercased()) }
        return valueFacts.allSatisfy { v in lineFacts.contains { l in l.key == v.key || (v.kind == .dose && l.kind == .number && l.key == v.key) } }
    }
}

extension SourceIndex {
    /// A bag of words, looked up with abbreviations and their expansions as the same word ("CP" and "chest
    /// pain") and a plural or inflection as its stem ("tablets", "fevers").
    struct WordSet {
        let words: [String]
        init(_ words: [String]) { self.words = words }
        func mentions(_ word: String) -> Bool {
            if words.contains(word) { return true }
            let phrase = " " + words.joined(separator: " ") + " "
            for alternative in SourceIndex.equivalents(of: word) where phrase.contains(" " + alternative) { return true }
            return word.count >= 5 && words.contains { $0.count >= 5 && ($0.hasPrefix(word) || word.hasPrefix($0)) }
        }

        /// A phrase of another text (a number's label, a negated finding) is mentioned here: one of its words
        /// that means something on its own, or an abbreviation here whose expansion is in the phrase ("BP" for
        /// "blood pressure"), or an abbreviation in the phrase whose expansion is here.
        func mentions(phrase: [String]) -> Bool {
            let spelled = " " + phrase.joined(separator: " ") + " "
            let here = " " + words.joined(separator: " ") + " "
            for word in words {
                for expansion in ClinicalVocabulary.abbreviations[word] ?? [] where spelled.contains(" " + expansion) { return true }
            }
            for word in phrase {
                for expansion in ClinicalVocabulary.abbreviations[word] ?? [] where here.contains(" " + expansion) { return true }
                guard !ClinicalVocabulary.genericWords.contains(word) else { continue }
                if words.contains(word) || (word.count >= 3 && mentions(word)) { return true }
            }
            return false
        }
    }
}
