import Foundation

/// Problems read without the model from the record's diagnosis lists: the entries after a label that lists
/// diagnoses ("PMH:", "Problem list:", "Impression:", "Diagnosis:", "Discharge diagnoses:"), on its line and the
/// lines it wraps onto, or one per numbered or bulleted line under a label that stands alone. A small model passes
/// over entries of such a list as it does a medication list's; each entry's status is then read from its own words
/// like a model's answer (`ItemVerifier.problemStatus`: "s/p" is history, "resolved" ends it).
///
/// An entry is its condition's name only: what a list writes after it (a parenthesis, a dash and a plan, a comma
/// and a grade) is left on the line, where the status is read. A suspected, negated or planned entry is no
/// problem, and neither is prose (an entry of more than `maximumWords` words).
enum ProblemListExtractor {
    struct Entry: Equatable {
        var name: String
        var line: Int
    }

    /// Labels of lists of diagnoses, longest first so that "discharge diagnoses" is not read as "diagnoses".
    /// A list of ended problems ("Resolved: ...") ends each of its entries (`MentionCollector.resolution`).
    static let labels = [
        "secondary diagnoses", "discharge diagnoses", "discharge diagnosis", "admitting diagnosis", "principal diagnosis",
        "past medical history", "active problems", "inactive problems", "resolved problems", "impression/plan",
        "impression and plan", "medical history", "problem list", "diagnoses", "diagnosis", "impression", "problems",
        "resolved", "pmhx", "pmh", "dx",
    ]
    /// Labels whose line, when it goes on, is usually prose ("Assessment: 70-year-old with ..."): read only as the
    /// heading of a numbered or bulleted list.
    static let listOnlyLabels = ["assessment and plan", "assessment/plan", "assessment", "a/p"]
    static let maximumWords = 7
    /// Words that join a condition to its cause or its complication: each side is a problem of its own.
    static let causeJoiners = [" triggered by ", " due to ", " secondary to ", " caused by ", " complicated by "]
    static let uncertainty = ["possible", "possibly", "probable", "likely", "suspected", "suspect", "r/o", "rule out", "?",
                              " vs ", "versus", "concern for", "concerning for", "query", "presumed"]
    static let negations = ["no ", "not ", "denies ", "without ", "negative ", "never ", "none", "nil ", "n/a"]
    /// An entry that begins with a preposition continues a sentence ("in pregnancy"), it names nothing.
    static let prepositions = ["in ", "on ", "at ", "for ", "with ", "of ", "to ", "from ", "after ", "before ", "if "]
    /// Words of a step of care, a plan or a finding's report, not of a condition's name.
    static let actionWords: Set<String> = [
        "ordered", "order", "deferred", "defer", "reinforced", "rinse", "maintenance", "study", "removed", "admitted", "risk",
        "could", "would", "should", "suggest", "suggested", "recommend", "recommended", "probability", "sampling", "counseled",
        "counseling", "education", "discussed", "reviewed", "refer", "referred", "check", "repeat", "monitor", "increase",
        "decrease", "reduce", "taper", "hold", "resume", "consider", "negative", "positive", "up-to-date", "date",
    ]
    /// Endings and words of conditions' names: a name of one word must have one ("gout", "hypertension"), or be an
    /// abbreviation in capitals ("COPD"), since a lone word of a list is as often a plan's ("reduce", "meds").
    static let conditionEndings = [
        "itis", "osis", "emia", "ia", "oma", "pathy", "ism", "algia", "ease", "tension", "sion", "cancer", "asthma", "gout",
        "obesity", "failure", "fracture", "seizure", "stroke", "sprain", "ulcer", "syndrome", "disorder", "insomnia",
        "edema", "effusion", "nodule", "polyp", "polyps", "hernia", "reflux", "apnea", "tremor", "palsy", "infection", "injury",
        "pain", "epilepsy", "lupus", "acne", "eczema", "psoriasis", "glaucoma", "cataract", "pregnancy", "smoker",
        "axis", "rrhea", "rrhage", "sepsis", "crisis", "paresis",
    ]
    /// Words of a sentence about the visit or the patient, not a condition's name.
    static let proseWords: Set<String> = ["y/o", "yo", "year", "years", "old", "patient", "pt", "presents", "here", "seen",
                                          "follow", "visit", "today", "will", "plan", "continue", "start", "stop", "next",
                                          // Care to prevent or find a condition is no condition.
                                          "ppx", "prophylaxis", "screening", "vaccine", "vaccination"]

    static func entries(in lines: RecordLines) -> [Entry] {
        var entries: [Entry] = []
        var index = 0
        let all = lines.lines
        while index < all.count {
            guard let (label, rest) = labelled(all[index].deidentified) else { index += 1; continue }
            var pieces: [(text: String, line: Int)] = []
            var next = index + 1
            if rest.contains(where: \.isLetter) {
                guard !listOnlyLabels.contains(label) else { index += 1; continue }
                // The list on the label's line, and the lines it wraps onto (up to a blank line or another label).
                pieces.append((rest, all[index].number))
                let inCapitals = !rest.contains(where: \.isLowercase)
                while next < all.count, isContinuation(all[next].deidentified, listInCapitals: inCapitals) {
                    pieces.append((all[next].deidentified, all[next].number))
                    next += 1
                }
            } else {
                // A label alone: one entry per numbered or bulleted line under it.
                while next < all.count, let item = listItem(all[next].deidentified) {
                    pieces.append((item, all[next].number))
                    next += 1
                }
            }
            entries += split(pieces, wrapped: rest.contains(where: \.isLetter))
            index = max(next, index + 1)
        }
        return entries
    }

    /// The label and the rest of a line that opens a diagnosis list ("PMH: COPD; HTN").
    static func labelled(_ line: String) -> (label: String, rest: String)? {
        let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: " \t#*-"))
        let lower = trimmed.lowercased()
        for label in listOnlyLabels + labels where lower.hasPrefix(label) {
            guard lower.dropFirst(label.count).drop(while: { $0 == " " }).first == ":", let colon = trimmed.firstIndex(of: ":") else { continue }
            return (label, String(trimmed[trimmed.index(after: colon)...]))
        }
        return nil
    }

    /// A wrapped line of the list above: not blank, not another label, not a rule, and not a heading in capitals
    /// under a list that is not itself in capitals.
    static func isContinuation(_ line: String, listInCapitals: Bool) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains(where: \.isLetter), !trimmed.hasPrefix("=") else { return false }
        if !listInCapitals, !trimmed.contains(where: \.isLowercase) { return false }
        if let colon = trimmed.firstIndex(of: ":"), trimmed.distance(from: trimmed.startIndex, to: colon) <= 30,
           trimmed[..<colon].allSatisfy({ $0.isLetter || " /&-".contains($0) }) { return false }
        return listItem(line) == nil
    }

    /// The text of a numbered or bulleted line ("1. COPD", "- HTN", "# CKD 3a"), or nil.
    static func listItem(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if let match = trimmed.firstMatch(of: /^(?:\d{1,2}[.)]|[-*•#])\s+(.+)$/) { return String(match.output.1) }
        return nil
    }

    /// The entries of a list's pieces: a numbered item is one piece, a wrapped list is joined first (an entry may
    /// go on past a line's end); then split at semicolons, sentence ends and inline numbers, each cut to its name and
    /// cited on the line where it starts.
    static func split(_ pieces: [(text: String, line: Int)], wrapped: Bool) -> [Entry] {
        let groups = wrapped ? [pieces] : pieces.map { [$0] }
        var entries: [Entry] = []
        for group in groups {
            var text = ""
            var starts: [(offset: Int, line: Int)] = []
            for piece in group {
                starts.append((text.count, piece.line))
                text += piece.text + " "
            }
            let withoutParentheses = text.replacing(/\([^)]*\)/) { String(repeating: " ", count: $0.output.count) }
            // Names come in the text's order: each is cited on the line where it is found, after the one before.
            let lower = withoutParentheses.lowercased().replacing(/\s+/, with: " ")
            let offsets = Self.collapsedOffsets(withoutParentheses)
            var cursor = lower.startIndex
            for part in withoutParentheses.split(separator: /;\s*|\.\s+|\.$|\s\d{1,2}[.)]\s/) {
                for name in names(in: String(part)) {
                    var line = group[0].line
                    if let found = lower.range(of: name.lowercased(), range: cursor..<lower.endIndex) {
                        let offset = offsets[lower.distance(from: lower.startIndex, to: found.lowerBound)]
                        line = starts.last { $0.offset <= offset }?.line ?? line
                        cursor = found.upperBound
                    }
                    entries.append(Entry(name: name, line: line))
                }
            }
        }
        return entries
    }

    /// For each character of `text` with its runs of white space collapsed to one, its offset in `text`.
    static func collapsedOffsets(_ text: String) -> [Int] {
        var offsets: [Int] = []
        var previousSpace = false
        for (offset, character) in text.enumerated() {
            let space = character.isWhitespace
            if !(space && previousSpace) { offsets.append(offset) }
            previousSpace = space
        }
        return offsets + [text.count]
    }

    /// The condition names of one list entry: its text up to a dash or a colon, the first of its comma segments
    /// and any that begins "with", each side of a cause ("X triggered by Y").
    static func names(in entry: String) -> [String] {
        var text = entry
        for stop in [" - ", " -- ", " — ", " – ", ":"] {
            if let range = text.range(of: stop) { text = String(text[..<range.lowerBound]) }
        }
        let segments = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var kept: [String] = []
        for (position, segment) in segments.enumerated() {
            let lower = segment.lowercased()
            if position == 0 { kept.append(segment) } else if lower.hasPrefix("with ") { kept.append(String(segment.dropFirst(5))) }
        }
        var names: [String] = []
        for segment in kept {
            var parts = [segment]
            for joiner in causeJoiners {
                parts = parts.flatMap { part in
                    part.range(of: joiner, options: .caseInsensitive).map { [String(part[..<$0.lowerBound]), String(part[$0.upperBound...])] } ?? [part]
                }
            }
            names += parts.compactMap(cleaned)
        }
        return names
    }

    /// `name` trimmed, or nil when it is no condition's name: suspected, negated, prose, a bare status word.
    static func cleaned(_ name: String) -> String? {
        let trimmed = name.replacing(/\s+/, with: " ").trimmingCharacters(in: CharacterSet(charactersIn: " .,;:-*").union(.whitespaces))
        let lower = " " + trimmed.lowercased() + " "
        let words = FactExtractor(trimmed).words.map(\.lower)
        let facts = FactExtractor(trimmed).facts()
        guard (1...maximumWords).contains(words.count), words.contains(where: { $0.count >= 3 && $0.contains(where: \.isLetter) }),
              !uncertainty.contains(where: lower.contains), !negations.contains(where: { lower.hasPrefix(" " + $0) }),
              !prepositions.contains(where: { lower.hasPrefix(" " + $0) }),
              words.allSatisfy({ !proseWords.contains($0) && !actionWords.contains($0) }), !words.allSatisfy(statusWords.contains),
              !words.contains(where: ClinicalVocabulary.isDrugName), !trimmed.contains("%"), trimmed.firstMatch(of: /\bx\s?\d/) == nil,
              !facts.contains(where: { $0.kind == .dose || $0.kind == .drug }) else { return nil }
        if words.count == 1 {
            let word = words[0]
            let isAbbreviation = trimmed.count <= 6 && trimmed.allSatisfy { $0.isUppercase || $0.isNumber }
            guard isAbbreviation || conditionEndings.contains(where: word.hasSuffix) else { return nil }
        }
        return readable(trimmed)
    }

    static let statusWords: Set<String> = ["stable", "improved", "improving", "resolved", "resolving", "unchanged", "controlled",
                                           "well", "worse", "worsening", "active", "chronic", "acute", "none", "noncontributory"]

    /// A name written in capitals, in lower case but for its short abbreviations ("ACUTE EXACERBATION OF COPD":
    /// "acute exacerbation of COPD").
    static func readable(_ name: String) -> String {
        guard !name.contains(where: \.isLowercase) else { return name }
        let small: Set<String> = ["OF", "ON", "BY", "TO", "IN", "THE", "AND", "WITH", "FOR", "AT", "FROM", "DUE"]
        return name.split(separator: " ", omittingEmptySubsequences: false).map { word in
            word.count > 4 || small.contains(String(word)) ? word.lowercased() : String(word)
        }.joined(separator: " ")
    }
}
