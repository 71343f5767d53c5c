/// A record cut into the passages an appeal may quote: each sentence of each line (a list item or a short
/// labelled line is one passage), with its 1-based line number.
struct EvidencePassage: Equatable {
    var line: Int
    var text: String
}

enum EvidencePassages {
    /// Words after which a period does not end a sentence.
    static let abbreviations: Set<String> = ["dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "approx", "st", "no", "pt", "etc", "fig"]

    static func split(_ text: String) -> [EvidencePassage] {
        var passages: [EvidencePassage] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for sentence in sentences(String(line)) where sentence.contains(where: \.isLetter) {
                passages.append(EvidencePassage(line: index + 1, text: sentence))
            }
        }
        return passages
    }

    /// Splits after ". ", "? " or "! ", except after an abbreviation or a single letter (an initial).
    static func sentences(_ line: String) -> [String] {
        var result: [String] = []
        var current = ""
        let characters = Array(line)
        for (i, c) in characters.enumerated() {
            current.append(c)
            guard ".?!".contains(c), i + 1 == characters.count || characters[i + 1] == " " else { continue }
            let lastWord = current.dropLast().split(separator: " ").last.map { $0.lowercased() } ?? ""
            if c == ".", abbreviations.contains(lastWord) || (lastWord.count == 1 && lastWord.first!.isLetter) { continue }
            result.append(current.trimmingCharacters(in: .whitespaces))
            current = ""
        }
        let rest = current.trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty { result.append(rest) }
        return result
    }

    /// The passages most likely to document `criterion`, best first: those sharing its significant words,
    /// weighted so that a word found in few passages counts more than one found everywhere. Words match by
    /// their first five letters, so "active" meets "activity" and "screening" meets "screened".
    static func candidates(for criterion: String, in passages: [EvidencePassage], limit: Int) -> [Int] {
        let criterionStems = Set(ItemVerifier.significantWords(criterion).map(stem))
        guard !criterionStems.isEmpty else { return [] }
        let passageStems = passages.map { Set(ItemVerifier.significantWords($0.text).map(stem)) }
        var scored: [(index: Int, score: Double)] = []
        for (index, stems) in passageStems.enumerated() {
            var score = 0.0
            for s in stems.intersection(criterionStems) {
                let frequency = passageStems.filter { $0.contains(s) }.count
                score += 1.0 / Double(frequency)
            }
            if score > 0 { scored.append((index, score)) }
        }
        return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }.prefix(limit).map(\.index)
    }

    static func stem(_ word: String) -> String { String(word.prefix(5)) }

    /// Words that say how or when a criterion is met rather than what it is about: sharing only these (or a
    /// five-letter prefix, "anti-" of two different antibodies) does not make a passage about the criterion.
    static let processWords: Set<String> = [
        "therapy", "treatment", "completed", "complete", "documented", "documentation", "starting", "start", "before",
        "after", "within", "least", "month", "months", "week", "weeks", "year", "years", "history", "patient",
        "diagnosis", "result", "results", "test", "tests", "prior", "current", "following", "including", "required",
        "evidence", "must", "medical", "clinical", "record", "date", "dose", "prescribed", "consultation", "expected",
        "change", "management", "last", "past", "plan", "trial", "use",
    ]

    /// Whether `passage` names the criterion's subject: some significant word of the criterion that is not
    /// process vocabulary occurs in it as a whole word (a plural "s" aside). The model's choice is checked
    /// against this, so a passage it picks for sharing only generic words or a prefix is not evidence.
    static func namesSubject(_ passage: String, criterion: String) -> Bool {
        let subject = Set(ItemVerifier.significantWords(criterion).filter { $0.count >= 3 && !processWords.contains($0) }.map(singular))
        let words = Set(FactExtractor(passage).words.map { singular($0.lower) })
        return !subject.isDisjoint(with: words)
    }

    static func singular(_ word: String) -> String {
        word.count > 3 && word.hasSuffix("s") && !word.hasSuffix("ss") ? String(word.dropLast()) : word
    }

    /// A passage that negates a word it shares with the criterion ("no radiographs on file") is evidence that
    /// the criterion is *not* met, whatever a model makes of it.
    static func negatesShared(_ passage: String, criterion: String) -> Bool {
        // A criterion that is itself a negative ("no prior surgery") is met by a negated passage.
        if FactExtractor(criterion).words.contains(where: { ClinicalVocabulary.negationCues.contains($0.lower) }) { return false }
        let criterionStems = Set(ItemVerifier.significantWords(criterion).map(stem))
        let words = FactExtractor(passage).words.map(\.lower)
        for (k, word) in words.enumerated() where criterionStems.contains(stem(word)) {
            if words[max(0, k - 3)..<k].contains(where: { ClinicalVocabulary.negationCues.contains($0) }) { return true }
        }
        return false
    }
}
