import Foundation

/// Finds the billable codes whose wording a clinical phrase states, by the words they share.
///
/// Each billable code is indexed under its description and each inclusion term, reduced to their essential
/// words: the tabular list puts nonessential modifiers in parentheses ("Essential (primary) hypertension"),
/// and "unspecified", "other" and "NOS" only say that the note gives no more detail, so none of those has to
/// be in the note. A candidate must have most of a term's essential words in the sentence (weighted by how
/// rare each word is in the list: "hyperglycemia" says more than "disease") and must account for most of the
/// phrase it was found for.
struct ConditionIndex: Sendable {
    struct Term: Sendable {
        let entry: Int
        let words: [String]
        let weight: Double
    }

    struct Candidate: Equatable, Sendable {
        let entry: ICD10Entry
        /// Share of the best matching term's essential words that the sentence states (0...1).
        let termCoverage: Double
        /// Share of the phrase's words that the term accounts for (0...1).
        let phraseCoverage: Double
        var score: Double { termCoverage * phraseCoverage }
    }

    let table: ICD10Table
    let terms: [Term]
    let postings: [String: [Int]]
    let idf: [String: Double]

    static let minimumTermCoverage = 0.75
    static let minimumPhraseCoverage = 0.5
    /// Candidates offered to the model: those scoring within this share of the best.
    static let candidateShareOfBest = 0.75
    static let maximumCandidates = 6

    static let stopWords: Set<String> = [
        "a", "an", "the", "of", "in", "on", "and", "or", "with", "to", "for", "by", "as", "at", "due", "is", "was", "his",
        "her", "their", "its", "from", "than", "since", "per", "other", "unspecified", "nos", "classified", "elsewhere",
        "site", "sites", "this", "that", "today", "patient", "pt", "continue", "continues", "current",
    ]

    /// The words of an injury code's 7th character: they complete a condition's code, never name one.
    static let encounterWords: Set<String> = ["initial", "subsequent", "encounter", "sequela"]

    /// Clinical abbreviations, spelled out the way the tabular list words them.
    static let abbreviations: [String: String] = [
        "copd": "chronic obstructive pulmonary disease", "ckd": "chronic kidney disease", "htn": "hypertension",
        "dm": "diabetes mellitus", "t2dm": "type 2 diabetes mellitus", "dm2": "type 2 diabetes mellitus",
        "t1dm": "type 1 diabetes mellitus", "uri": "upper respiratory infection", "uti": "urinary tract infection",
        "mcl": "medial collateral ligament", "acl": "anterior cruciate ligament", "lcl": "lateral collateral ligament",
        "pcl": "posterior cruciate ligament", "gerd": "gastro esophageal reflux disease", "chf": "heart failure",
        "hf": "heart failure", "cad": "coronary artery disease", "afib": "atrial fibrillation", "af": "atrial fibrillation",
        "hld": "hyperlipidemia", "oa": "osteoarthritis", "mdd": "major depressive disorder", "bph": "benign prostatic hyperplasia",
        "osa": "obstructive sleep apnea", "esrd": "end stage renal disease", "mi": "myocardial infarction",
        "acs": "acute coronary syndrome", "dvt": "deep vein thrombosis", "bp": "blood pressure",
        "hx": "history", "h/o": "history",
    ]

    /// Words the list uses for what notes say otherwise.
    static let synonyms: [String: String] = [
        "tobacco": "nicotine", "renal": "kidney", "drugs": "drug", "medications": "drug",
        "medication": "drug", "therapy": "drug", "longterm": "long",
    ]

    init(table: ICD10Table) {
        self.table = table
        var terms: [Term] = []
        var documentFrequency: [String: Int] = [:]
        for (i, entry) in table.entries.enumerated() {
            var texts: [String] = []
            var target = i
            if entry.billable {
                texts = [entry.description] + entry.inclusionTerms + entry.includes
            } else if !entry.includes.isEmpty, let fallback = table.defaultCode(of: entry.code), let f = table.index[fallback.code] {
                texts = entry.includes
                target = f
            }
            for text in texts {
                let words = Self.essentialWords(text)
                guard !words.isEmpty else { continue }
                terms.append(Term(entry: target, words: words, weight: 0))
                for word in Set(words) { documentFrequency[word, default: 0] += 1 }
            }
        }
        let total = Double(terms.count)
        var idf: [String: Double] = [:]
        for (word, count) in documentFrequency { idf[word] = log(total / Double(count)) + 1 }
        var postings: [String: [Int]] = [:]
        var weighted: [Term] = []
        for (t, term) in terms.enumerated() {
            let weight = Set(term.words).reduce(0) { $0 + (idf[$1] ?? 1) }
            weighted.append(Term(entry: term.entry, words: term.words, weight: weight))
            for word in Set(term.words) { postings[word, default: []].append(t) }
        }
        self.terms = weighted
        self.postings = postings
        self.idf = idf
    }

    /// Lowercased words, abbreviations spelled out, synonyms mapped, plurals folded, stop words and
    /// placeholders (`[NAME_1]`) left out.
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var withoutPlaceholders = ""
        var depth = 0
        for c in text.lowercased() {
            if c == "[" { depth += 1; continue }
            if c == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { withoutPlaceholders.append(c) }
        }
        let pieces = withoutPlaceholders.split { !($0.isLetter || $0.isNumber || $0 == "/") }
        for piece in pieces {
            // "h/o" is one abbreviation; "albumin/creatinine" is two words.
            let parts = abbreviations[String(piece)] != nil ? [String(piece)] : piece.split(separator: "/").map(String.init)
            for part in parts {
                if let expansion = abbreviations[part] {
                    result += expansion.split(separator: " ").map(String.init)
                } else if !stopWords.contains(part) {
                    result.append(fold(part))
                }
            }
        }
        return result
    }

    static func fold(_ word: String) -> String {
        if let synonym = synonyms[word] { return synonym }
        if word.count > 4, word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.count > 4, word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("is"), !word.hasSuffix("us") {
            return String(word.dropLast())
        }
        return word
    }

    /// A term's words without its parenthesized (nonessential) modifiers.
    static func essentialWords(_ text: String) -> [String] {
        var kept = ""
        var depth = 0
        for c in text {
            if c == "(" || c == "[" { depth += 1; continue }
            if c == ")" || c == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { kept.append(c) }
        }
        return words(kept.replacingOccurrences(of: "-", with: " "))
    }

    /// The codes that `phrase` (a clause of `sentence`) states, best first. `requiredWord`, when given, must
    /// be among a term's words (a "history of" phrase looks only at history codes).
    func candidates(phrase: String, sentence: String, requiredWord: String? = nil) -> [Candidate] {
        let phraseWords = Set(Self.words(phrase.replacingOccurrences(of: "-", with: " "))).subtracting(Self.encounterWords)
        let sentenceWords = Set(Self.words(sentence.replacingOccurrences(of: "-", with: " "))).union(phraseWords)
        guard !phraseWords.isEmpty else { return [] }
        let phraseWeight = phraseWords.reduce(0) { $0 + weight($1) }
        var bestByEntry: [Int: Candidate] = [:]
        var seen = Set<Int>()
        for word in phraseWords {
            for t in postings[word] ?? [] where !seen.contains(t) {
                seen.insert(t)
                let term = terms[t]
                let termWords = Set(term.words)
                if let requiredWord, !termWords.contains(requiredWord) { continue }
                let stated = termWords.intersection(sentenceWords).reduce(0) { $0 + weight($1) }
                let termCoverage = stated / term.weight
                guard termCoverage >= Self.minimumTermCoverage else { continue }
                let accounted = termWords.intersection(phraseWords).reduce(0) { $0 + weight($1) }
                let phraseCoverage = accounted / phraseWeight
                guard phraseCoverage >= Self.minimumPhraseCoverage else { continue }
                let candidate = Candidate(entry: table.entries[term.entry], termCoverage: termCoverage, phraseCoverage: phraseCoverage)
                if let current = bestByEntry[term.entry], current.score >= candidate.score { continue }
                bestByEntry[term.entry] = candidate
            }
        }
        let ranked = bestByEntry.values.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            // Equal wording: the code whose description says more (is more specific) first, then list order.
            if a.entry.description.count != b.entry.description.count { return a.entry.description.count > b.entry.description.count }
            return a.entry.code < b.entry.code
        }
        guard let best = ranked.first else { return [] }
        let close = ranked.prefix { $0.score >= best.score * Self.candidateShareOfBest }
        // "Other X" codes a kind of X the note specifies; "X, unspecified" codes X said no more precisely. When
        // both match the same words, the note specified nothing more, so only the unspecified code is supported.
        let supported = close.filter { candidate in
            guard candidate.entry.description.hasPrefix("Other ") else { return true }
            return !close.contains { $0.score == candidate.score && $0.entry.description.lowercased().contains("unspecified") }
        }
        return Array(supported.prefix(Self.maximumCandidates))
    }

    func weight(_ word: String) -> Double { idf[word] ?? 1 }
}
