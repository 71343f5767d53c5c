/// A fact in a draft that its source does not support: shown to the clinician, never silently kept.
public struct Finding: Codable, Equatable, Sendable {
    public var kind: FactKind
    /// The words of the draft the finding is about.
    public var text: String
    /// Unicode scalar offsets in the draft, end exclusive.
    public var start: Int
    public var end: Int
    /// Why it is unsupported, in words a clinician reads at a glance.
    public var reason: String

    public init(kind: FactKind, text: String, start: Int, end: Int, reason: String) {
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.reason = reason
    }
}

/// Checks every drug, dose, frequency, number, date, side and negation a draft states against the text it was
/// drafted from. A fact is supported when the source states the same value *about the same thing*: a dose
/// with the same drug in one source sentence, a number with one of its label words ("A1C 9.8%" is not
/// supported by "ASCVD risk 9.8%"), a frequency in any of its spellings ("bid" = "twice daily"), a negation of
/// the same finding ("neg CP" supports "denies chest pain"). What a draft adds that the source lacks is a
/// finding; the check never edits the draft.
public struct FactChecker: Sendable {
    public init() {}

    public func check(draft: String, source: String) -> [Finding] {
        let sourceIndex = SourceIndex(source)
        let draftExtractor = FactExtractor(draft)
        let draftFacts = draftExtractor.facts()
        var findings: [Finding] = []
        let draftSentences = draftExtractor.scanner.sentences
        for fact in draftFacts {
            let text = draftExtractor.scanner.text(fact.start, fact.end)
            if let reason = sourceIndex.reasonUnsupported(fact, draftSentence: draftSentences[fact.sentence].map(\.lower)) {
                findings.append(Finding(kind: fact.kind, text: text, start: fact.start, end: fact.end, reason: reason))
            }
        }
        findings += undocumentedStatuses(in: draftExtractor, source: sourceIndex)
        findings += flippedNegations(in: draftExtractor, source: sourceIndex)
        return findings.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }

    /// Statements about smoking, alcohol, allergies, pregnancy... when the source never mentions the subject:
    /// a note must say "not documented" there, never "denies" or "none".
    private func undocumentedStatuses(in draft: FactExtractor, source: SourceIndex) -> [Finding] {
        var findings: [Finding] = []
        for sentence in draft.scanner.sentences where !sentence.isEmpty {
            let joined = sentence.map(\.lower).joined(separator: " ")
            if Self.saysNotDocumented(joined) { continue }
            for (subject, stems) in ClinicalVocabulary.undocumentedStatusSubjects where !source.mentionsAny(stems) {
                guard let hit = sentence.first(where: { w in stems.contains { w.lower.hasPrefix($0) || w.lower.contains($0) } }) else { continue }
                let first = sentence.first!, last = sentence.last!
                findings.append(Finding(kind: .negation, text: draft.scanner.text(first.start, last.end), start: first.start,
                                        end: last.end, reason: "\(subject) is not documented in the input (\"\(hit.text)\")"))
            }
        }
        return findings
    }

    /// A finding the source says is absent ("neg polyuria", "no ulcers") stated in the draft without any
    /// negation in its sentence: the most dangerous fluent error, a negative turned positive.
    private func flippedNegations(in draft: FactExtractor, source: SourceIndex) -> [Finding] {
        let negated = source.facts.filter { $0.kind == .negation }
        guard !negated.isEmpty else { return [] }
        var findings: [Finding] = []
        for sentence in draft.scanner.sentences where !sentence.isEmpty {
            func isCue(_ w: ScannedWord) -> Bool {
                ClinicalVocabulary.negationCues.contains(w.lower) || w.lower.hasPrefix("negativ") || w.lower == "resolved"
            }
            for (k, word) in sentence.enumerated() {
                // Under a negation: a cue at most eight words before it in the sentence ("denies chest pain,
                // shortness of breath and palpitations"), or "resolved"/"negative" after it.
                if sentence[max(0, k - 8)..<k].contains(where: isCue) || sentence[k...].prefix(4).contains(where: { $0.lower == "resolved" || $0.lower.hasPrefix("negativ") || $0.lower == "absent" }) { continue }
                let pair = k + 1 < sentence.count ? [word.lower, sentence[k + 1].lower] : [word.lower]
                guard let hit = negated.first(where: { n in
                    let set = SourceIndex.WordSet(n.labels)
                    return set.mentions(phrase: [word.lower]) || (pair.count == 2 && set.mentions(phrase: pair) && !set.mentions(phrase: [pair[1]]))
                }) else { continue }
                let end = (pair.count == 2 && !SourceIndex.WordSet(hit.labels).mentions(phrase: [word.lower])) ? sentence[k + 1].end : word.end
                findings.append(Finding(kind: .negation, text: draft.scanner.text(word.start, end), start: word.start, end: end,
                                        reason: "the input says this is absent (\"\(source.text(of: hit))\")"))
                break
            }
        }
        return findings
    }

    static func saysNotDocumented(_ sentence: String) -> Bool {
        ["not documented", "not recorded", "not reported", "not mentioned", "not assessed", "not stated", "unknown",
         "not provided", "not given", "not available", "not addressed"].contains { sentence.contains($0) }
    }
}

/// The source's facts and words, indexed for the checks.
struct SourceIndex {
    let facts: [ClinicalFact]
    /// Lowercased words of each sentence.
    let sentences: [[String]]
    let allWords: Set<String>
    let lowerText: String
    private let scanner: TextScanner

    func text(of fact: ClinicalFact) -> String { scanner.text(fact.start, fact.end) }

    init(_ source: String) {
        let extractor = FactExtractor(source)
        scanner = extractor.scanner
        facts = extractor.facts()
        var sentences = Array(repeating: [String](), count: extractor.scanner.sentenceCount)
        for w in extractor.words { sentences[w.sentence] += Self.indexed(w) }
        self.sentences = sentences
        allWords = Set(sentences.joined())
        lowerText = source.lowercased()
    }

    /// A word as the index holds it: lowercased, and "CP/SOB" also as its parts.
    static func indexed(_ word: ScannedWord) -> [String] {
        guard word.lower.contains("/") && !word.isNumber else { return [word.lower] }
        return [word.lower] + word.lower.split(separator: "/").map(String.init)
    }

    func mentionsAny(_ stems: [String]) -> Bool { stems.contains { lowerText.contains($0) } }

    /// A word or one of its abbreviation equivalents occurs in `words`.
    func mentions(_ word: String, in words: [String]) -> Bool { WordSet(words).mentions(word) }

    /// Abbreviation <-> expansion, both ways.
    static func equivalents(of word: String) -> [String] {
        var result = ClinicalVocabulary.abbreviations[word] ?? []
        // Back from an expansion only when the expansion is this one word ("hypertension" -> "htn"); a
        // multi-word expansion is matched as a phrase (`WordSet.mentions(phrase:)`), never by its first word
        // ("blood" alone is not "BP").
        for (abbreviation, expansions) in ClinicalVocabulary.abbreviations where expansions.contains(word) {
            result.append(abbreviation)
        }
        return result
    }

    /// nil when `fact` is supported; otherwise why not.
    func reasonUnsupported(_ fact: ClinicalFact, draftSentence: [String]) -> String? {
        let sameKind = facts.filter { $0.kind == fact.kind || (fact.kind == .dose && $0.kind == .number) }
        switch fact.kind {
        case .drug:
            if allWords.contains(fact.key) || lowerText.contains(fact.key) { return nil }
            return "drug not in the input"
        case .date:
            if sameKind.contains(where: { Self.sameDate($0.key, fact.key) }) { return nil }
            return "date not in the input"
        case .dose, .frequency:
            let matching = sameKind.filter { $0.key == fact.key }
            if matching.isEmpty { return fact.kind == .dose ? "dose not in the input" : "frequency not in the input" }
            // A unit the input gives this number in no form: another unit (10 mcg written as 10 mg), or for a
            // bare number any unit but milligrams, the one shorthand leaves out ("lisinopril 10").
            if let unit = fact.unit, !matching.contains(where: { $0.unit == unit || ($0.unit == nil && unit == "mg") }) {
                return "unit \(unit) not given with \(fact.key) in the input"
            }
            // Tied to a drug named in the same draft sentence: the source must give that drug this value.
            let drugs = draftSentence.filter { ClinicalVocabulary.isDrugName($0) && allWords.contains($0) }
            if drugs.isEmpty { return nil }
            let supported = matching.contains { m in drugs.contains { sentences[m.sentence].contains($0) } }
            return supported ? nil : "\(fact.kind == .dose ? "dose" : "frequency") not given for \(drugs.joined(separator: ", ")) in the input"
        case .number:
            // "type 2", "stage 3": the source may write the number glued to its term (T2DM, DM2, CKD3a).
            if let term = fact.labels.first, ClinicalVocabulary.numberedTerms.contains(term),
               lowerText.contains("\(term) \(fact.key)") || gluedNumber(fact.key) { return nil }
            let matching = sameKind.filter { $0.key == fact.key || $0.key.split(separator: " ").first.map(String.init) == fact.key }
            if matching.isEmpty { return "number not in the input" }
            // The draft names what the number measures: the source must name it with the same value.
            if fact.labels.isEmpty { return nil }
            let phrase = Array(fact.labels.reversed())
            let labelled = matching.contains { m in WordSet(sentences[m.sentence]).mentions(phrase: phrase) }
            if labelled { return nil }
            return "the input gives \(fact.key) for something else, not for \(fact.labels.reversed().joined(separator: " "))"
        case .laterality:
            let parts = fact.key.split(separator: " ", maxSplits: 1).map(String.init)
            let side = parts[0], body = parts.count > 1 ? parts[1] : ""
            let sides = sameKind.filter { $0.key.hasPrefix(side + " ") }
            if sides.isEmpty { return "side (\(side)) not in the input" }
            guard !body.isEmpty, allWords.contains(body) else { return nil }
            let sameBody = sameKind.filter { $0.key.hasSuffix(" " + body) }
            if sameBody.isEmpty || sameBody.contains(where: { $0.key.hasPrefix(side + " ") }) { return nil }
            return "the input gives another side for \(body)"
        case .negation:
            let concept = fact.labels.filter { !FactExtractor.stopWords.contains($0) }
            if concept.isEmpty { return nil }
            // Negated in the source: a source negation covers the finding, or a source sentence holding a
            // negation cue mentions it.
            for negation in sameKind where WordSet(negation.labels).mentions(phrase: concept) || WordSet(concept).mentions(phrase: negation.labels) { return nil }
            for sentence in sentences where sentence.contains(where: ClinicalVocabulary.negationCues.contains) {
                if WordSet(sentence).mentions(phrase: concept) { return nil }
            }
            return "negation not in the input"
        case .identifier:
            return "placeholder not in the input"
        }
    }

    /// The number written glued to letters somewhere in the source: "2" in "t2dm" or "dm2".
    func gluedNumber(_ value: String) -> Bool {
        allWords.contains { word in
            word.count > value.count && word.contains(value) && word.contains(where: \.isLetter)
                && word.range(of: "(^|[a-z])\(value)([a-z]|$)", options: .regularExpression) != nil
        }
    }

    /// Same month and day, and the same year where both give one.
    static func sameDate(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let pa = a.split(separator: "-"), pb = b.split(separator: "-")
        guard pa.count >= 2, pb.count >= 2, pa[0] == pb[0], pa[1] == pb[1] else { return false }
        return pa.count < 3 || pb.count < 3 || pa[2] == pb[2]
    }
}
