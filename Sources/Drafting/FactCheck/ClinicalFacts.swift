/// The kinds of checkable fact a draft states.
public enum FactKind: String, Codable, Sendable, CaseIterable {
    case drug, dose, frequency, number, date, laterality, negation
    /// A placeholder the model wrote that stands for no identifier of the input.
    case identifier
}

/// One fact found in a text: its kind, where it is, and the normalized key it is compared by.
struct ClinicalFact: Equatable {
    var kind: FactKind
    var start: Int
    var end: Int
    var sentence: Int
    /// Normalized value: "5 mg", "2/d", "7.4", "2024-3-12", "left knee", "chest pain".
    var key: String
    /// For numbers and doses: the words that name what was measured or given (lowercased, expanded).
    var labels: [String] = []
    /// For doses: the unit, in one spelling ("mg", "mcg", "g", "ml", "unit"); nil for a dose given by count.
    var unit: String?
}

/// Finds drugs, doses, frequencies, numbers, dates, sides and negations in clinical text, written for
/// clinicians' shorthand as much as for prose (`lisinopril 10 qd`, `neg CP/SOB`, `f/u 2w`, `R knee`).
struct FactExtractor {
    let scanner: TextScanner
    var words: [ScannedWord] { scanner.words }

    init(_ text: String) { scanner = TextScanner(text) }

    private static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
        "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
        "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    ]
    /// Words that carry no meaning for matching a label or a negated finding.
    static let stopWords: Set<String> = [
        "the", "a", "an", "of", "and", "or", "to", "in", "on", "at", "for", "with", "was", "is", "are", "be", "been",
        "her", "his", "their", "patient", "pt", "today", "mg", "has", "had", "have", "per", "by", "from", "as", "it",
        "this", "that", "any", "also", "other", "some", "new", "noted", "reports", "reported", "states", "stated",
        "which", "who", "she", "he", "they", "there", "current", "currently", "recent", "recently", "about", "level",
        "levels", "value", "result", "results", "of", "up", "down",
    ]

    /// What may stand inside a written number: 7.4, 1,000, 148/92.
    static let numberJoiners: Set<Character> = [".", ",", "/"]
    static let clauseBreaks: Set<String> = ["but", "except", "however", "although", "reports", "endorses", "positive", "pos", "has", "with"]
    static let listJoiners: Set<String> = ["or", "and", "nor"]
    static let skippedInNegation: Set<String> = ["for", "of", "known", "any"]

    private func isComma(after word: ScannedWord) -> Bool {
        word.end < scanner.scalars.count && scanner.scalars[word.end] == Unicode.Scalar(",")
    }

    /// "not documented", "not recorded": a statement about the record, not a negated finding.
    static let unrecordedWords: Set<String> = [
        "documented", "recorded", "reported", "mentioned", "assessed", "stated", "provided", "given", "available",
        "addressed", "applicable", "discussed",
    ]

    func facts() -> [ClinicalFact] {
        var facts: [ClinicalFact] = []
        var i = 0
        while i < words.count {
            if let found = date(at: i) ?? frequency(at: i) {
                facts.append(found.0)
                i = found.1
                continue
            }
            if let found = quantity(at: i) {
                facts.append(found.0)
                i = found.1
                continue
            }
            let w = words[i]
            if let side = laterality(w) {
                let body = contentWord(after: i)
                let bodyWord: String = body?.lower ?? ""
                let end: Int = body?.end ?? w.end
                facts.append(ClinicalFact(kind: .laterality, start: w.start, end: end, sentence: w.sentence, key: side + " " + bodyWord))
            } else if ClinicalVocabulary.negationCues.contains(w.lower), i + 1 < words.count,
                      !ClinicalVocabulary.negationCues.contains(words[i + 1].lower),
                      !(w.lower == "not" && Self.unrecordedWords.contains(words[i + 1].lower)) {
                for finding in negatedFindings(after: i) {
                    facts.append(ClinicalFact(kind: .negation, start: finding.start, end: finding.end, sentence: w.sentence,
                                              key: finding.words.joined(separator: " "), labels: finding.words))
                }
            } else if ClinicalVocabulary.isDrugName(w.lower) {
                facts.append(ClinicalFact(kind: .drug, start: w.start, end: w.end, sentence: w.sentence, key: w.lower))
            }
            i += 1
        }
        return facts
    }

    // MARK: Dates

    /// 3/12/2024, 3/12/24, 3/12, 2024-03-12, 12-Mar-2024, March 12, 2024, Mar 12, 12 March 2024.
    private func date(at i: Int) -> (ClinicalFact, Int)? {
        let w = words[i]
        func fact(_ m: Int, _ d: Int, _ y: Int?, end: Int, next: Int) -> (ClinicalFact, Int)? {
            guard (1...12).contains(m), (1...31).contains(d) else { return nil }
            var key = "\(m)-\(d)"
            if let y {
                let year: Int = y < 100 ? 2000 + y : y
                key += "-\(year)"
            }
            return (ClinicalFact(kind: .date, start: w.start, end: end, sentence: w.sentence, key: key), next)
        }
        if w.lower.hasPrefix("[date_") { return (ClinicalFact(kind: .date, start: w.start, end: w.end, sentence: w.sentence, key: w.text), i + 1) }
        let slash = w.lower.split(separator: "/").map(String.init)
        if slash.count >= 2, slash.count <= 3, slash.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }), w.lower.contains("/"),
           let m = Int(slash[0]), let d = Int(slash[1]), slash[0].count <= 2, slash[1].count <= 2 {
            // Two parts are usually a ratio or a score (pain 7/10): a month/day only after a word that
            // introduces a date ("on 3/12", "since 3/12").
            if slash.count == 3, let y = Int(slash[2]), slash[2].count == 2 || slash[2].count == 4 { return fact(m, d, y, end: w.end, next: i + 1) }
            if slash.count == 2 && m <= 12 && d <= 31 && slash[0].count <= 2 && precededByDateCue(i) { return fact(m, d, nil, end: w.end, next: i + 1) }
        }
        let dash = w.lower.split(separator: "-").map(String.init)
        if dash.count == 3 {
            if dash[0].count == 4, let y = Int(dash[0]), let m = Int(dash[1]), let d = Int(dash[2]) { return fact(m, d, y, end: w.end, next: i + 1) }
            if let d = Int(dash[0]), let m = Self.months[dash[1]], let y = Int(dash[2]) { return fact(m, d, y, end: w.end, next: i + 1) }
            if dash[2].count == 4, let m = Int(dash[0]), let d = Int(dash[1]), let y = Int(dash[2]) { return fact(m, d, y, end: w.end, next: i + 1) }
        }
        if let m = Self.months[w.lower.trimmingDot], i + 1 < words.count, words[i + 1].sentence == w.sentence,
           let d = Int(words[i + 1].lower), (1...31).contains(d) {
            if i + 2 < words.count, words[i + 2].sentence == w.sentence, let y = Int(words[i + 2].lower), words[i + 2].lower.count == 4 {
                return fact(m, d, y, end: words[i + 2].end, next: i + 3)
            }
            // "Jun 11 '23": a two-digit year after an apostrophe.
            if i + 2 < words.count, words[i + 2].sentence == w.sentence, words[i + 2].lower.count == 3,
               ["'", "’"].contains(words[i + 2].lower.first!), let y = Int(words[i + 2].lower.dropFirst()) {
                return fact(m, d, y, end: words[i + 2].end, next: i + 3)
            }
            return fact(m, d, nil, end: words[i + 1].end, next: i + 2)
        }
        if let d = Int(w.lower), (1...31).contains(d), i + 1 < words.count, words[i + 1].sentence == w.sentence,
           let m = Self.months[words[i + 1].lower.trimmingDot] {
            if i + 2 < words.count, let y = Int(words[i + 2].lower), words[i + 2].lower.count == 4 { return fact(m, d, y, end: words[i + 2].end, next: i + 3) }
            return fact(m, d, nil, end: words[i + 1].end, next: i + 2)
        }
        return nil
    }

    private func precededByDateCue(_ i: Int) -> Bool {
        guard i > 0, words[i - 1].sentence == words[i].sentence else { return false }
        return ["on", "since", "from", "until", "till", "dated", "date", "dos", "seen", "by", "before", "after"].contains(words[i - 1].lower)
    }

    // MARK: Frequencies

    private func frequency(at i: Int) -> (ClinicalFact, Int)? {
        let w = words[i]
        for length in stride(from: 4, through: 1, by: -1) where i + length <= words.count {
            let span = words[i..<(i + length)]
            guard span.allSatisfy({ $0.sentence == w.sentence }) else { continue }
            let phrase = span.map { $0.lower.trimmingDot }.joined(separator: " ")
            if let code = ClinicalVocabulary.frequencies[phrase] {
                // "a day" / "per day" only count after a number of times ("2 a day" is not a frequency on its own).
                if length == 2 && (phrase == "a day" || phrase == "per day") { continue }
                return (ClinicalFact(kind: .frequency, start: w.start, end: span.last!.end, sentence: w.sentence, key: code), i + length)
            }
        }
        // q4h, q6hr, q1-2h style.
        if w.lower.hasPrefix("q"), w.lower.count >= 3, w.lower.dropFirst().first?.isNumber == true,
           w.lower.hasSuffix("h") || w.lower.hasSuffix("hr") || w.lower.hasSuffix("hrs") {
            let hours = w.lower.dropFirst().prefix { $0.isNumber || $0 == "-" }
            let code = ClinicalVocabulary.frequencies["q\(hours)h"] ?? "q\(hours)h"
            return (ClinicalFact(kind: .frequency, start: w.start, end: w.end, sentence: w.sentence, key: code), i + 1)
        }
        return nil
    }

    // MARK: Numbers, doses and durations

    private func quantity(at i: Int) -> (ClinicalFact, Int)? {
        let w = words[i]
        var token = w.lower
        if token.hasPrefix("x"), token.count > 1, token.dropFirst().first?.isNumber == true { token.removeFirst() }  // x3d
        var value: String
        var attachedUnit: String
        if let word = ClinicalVocabulary.numberWords[token] {
            // A number word counts only with a unit after it ("two weeks", "three tablets").
            guard i + 1 < words.count, words[i + 1].sentence == w.sentence,
                  ClinicalVocabulary.durationUnits[words[i + 1].lower] != nil || ClinicalVocabulary.doseUnits.contains(words[i + 1].lower)
            else { return nil }
            value = word
            attachedUnit = ""
        } else {
            guard token.first?.isNumber == true else { return nil }
            let numeric = token.prefix { $0.isNumber || Self.numberJoiners.contains($0) }
            value = Self.normalizeNumber(String(numeric))
            attachedUnit = String(token.dropFirst(numeric.count))
        }
        var unit = attachedUnit
        var end = w.end, next = i + 1
        if unit.isEmpty, i + 1 < words.count, words[i + 1].sentence == w.sentence {
            let candidate = words[i + 1].lower.trimmingDot
            // A duration word followed by a number labels that number ("130/80 HR 72": heart rate, not hours),
            // and a ratio (a blood pressure) has no duration.
            let labelsNext = i + 2 < words.count && words[i + 2].sentence == w.sentence && words[i + 2].isNumber
            let isDuration = ClinicalVocabulary.durationUnits[candidate] != nil && !labelsNext && !value.contains("/")
            if ClinicalVocabulary.doseUnits.contains(candidate) || isDuration {
                unit = candidate
                end = words[i + 1].end
                next = i + 2
            }
        }
        let labels = labelWords(before: i)
        if unit == "%" || unit.isEmpty {
            return (ClinicalFact(kind: .number, start: w.start, end: end, sentence: w.sentence, key: value, labels: labels), next)
        }
        if let duration = ClinicalVocabulary.durationUnits[unit] {
            return (ClinicalFact(kind: .number, start: w.start, end: end, sentence: w.sentence, key: "\(value) \(duration)", labels: labels), next)
        }
        if ClinicalVocabulary.doseUnits.contains(unit) {
            return (ClinicalFact(kind: .dose, start: w.start, end: end, sentence: w.sentence, key: value, labels: labels,
                                 unit: ClinicalVocabulary.massUnits[unit]), next)
        }
        return (ClinicalFact(kind: .number, start: w.start, end: w.end, sentence: w.sentence, key: value, labels: labels), i + 1)
    }

    /// 7.40 -> 7.4, 1,000 -> 1000, 5.0 -> 5.
    static func normalizeNumber(_ s: String) -> String {
        var t = s.replacingOccurrences(of: ",", with: "")
        if t.contains("."), !t.contains("/") {
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
        }
        return t
    }

    /// The up to three content words before a number in its sentence: what it measures ("A1C", "BP", "risk").
    private func labelWords(before i: Int) -> [String] {
        var labels: [String] = []
        var j = i - 1
        while j >= 0, labels.count < 3, words[j].sentence == words[i].sentence, i - j <= 4 {
            let lower = words[j].lower
            if !lower.first!.isNumber, !Self.stopWords.contains(lower), !lower.hasPrefix("[") { labels.append(lower) }
            j -= 1
        }
        return labels
    }

    // MARK: Sides and negations

    private func laterality(_ w: ScannedWord) -> String? {
        guard let side = ClinicalVocabulary.laterality[w.lower] else { return nil }
        // Single letters only as written by clinicians, upper case ("L knee"), never "l" (litres) or "r".
        if w.text.count <= 2 && w.text != w.text.uppercased() { return nil }
        return side
    }

    private func contentWord(after i: Int) -> ScannedWord? {
        var j = i + 1
        while j < words.count, words[j].sentence == words[i].sentence, j - i <= 3 {
            if !Self.stopWords.contains(words[j].lower), !words[j].isNumber { return words[j] }
            j += 1
        }
        return nil
    }

    /// The findings a negation cue applies to, up to the next clause break ("but", "reports", a comma after a
    /// few words) and at most six content words, one group per finding: "no fever or chills" and "neg CP/SOB"
    /// are two negations each, so a draft that negates one more finding than its source is caught.
    private func negatedFindings(after i: Int) -> [(words: [String], start: Int, end: Int)] {
        var groups: [(words: [String], start: Int, end: Int)] = []
        var current: (words: [String], start: Int, end: Int) = ([], words[i].start, words[i].end)
        func close() { if !current.words.isEmpty { groups.append(current) } }
        var j = i + 1
        var count = 0
        while j < words.count, words[j].sentence == words[i].sentence, count < 6 {
            let lower = words[j].lower
            if Self.clauseBreaks.contains(lower) { break }
            if Self.listJoiners.contains(lower) {
                close()
                current = ([], words[j].end, words[j].end)
                j += 1
                continue
            }
            if Self.skippedInNegation.contains(lower) || Self.stopWords.contains(lower) || ClinicalVocabulary.negationCues.contains(lower) {
                j += 1
                continue
            }
            let parts = lower.split(separator: "/").map(String.init).filter { !$0.isEmpty }
            if parts.count > 1 && !words[j].isNumber {
                // "CP/SOB": each part its own finding.
                close()
                for part in parts { groups.append(([part], words[j].start, words[j].end)) }
                current = ([], words[j].end, words[j].end)
            } else {
                if current.words.isEmpty { current.start = groups.isEmpty ? words[i].start : words[j].start }
                current.words.append(lower)
                current.end = words[j].end
            }
            count += 1
            // A comma closes the clause ("no fever, cough present").
            if isComma(after: words[j]) {
                if count >= 2 { break }
                close()
                current = ([], words[j].end, words[j].end)
            }
            j += 1
        }
        close()
        return groups
    }
}

extension String {
    /// "Mar." -> "mar", "b.i.d." -> "b.i.d".
    var trimmingDot: String { hasSuffix(".") ? String(dropLast()) : self }
}
