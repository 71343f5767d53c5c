/// The persons a document names with strong evidence (a title, a label, a relation, a credential, a
/// signature), and every other mention of them in the same document.
///
/// Context finds a person once, usually where the note introduces them in full; later mentions are shorter,
/// often a single part of the name, and in phone messages or dictation often in lower case. Once a name is
/// known from context, its parts stop being ambiguous in that document: a surname that is also a common word
/// ("Will", "Rose") refers to the person the document already named.
///
/// A mention counts when:
/// - the parts of a known full name appear together again, in order or as "LAST, FIRST", in any casing;
/// - a single part appears capitalized or in capitals, unless it starts a sentence as a common word (a
///   modal verb, a month), or a medical noun follows it ("Bell palsy");
/// - a single part appears in lower case, when the part is no common word at all (a lower-case "ramirez"
///   can only be the person; a lower-case "will" is the verb), or when the document wrote the person's name
///   in lower case where context found it (a note typed all in lower case), unless the part is a function word.
///
/// Surrogates are chosen word by word (``SurrogateGenerator``), so every mention gets the same fake name.
///
/// ```swift
/// var known = DocumentNames()
/// known.record(["rose", "will"])
/// known.mentions(in: TokenizedText("Seen by Dr. Rose Will. will rose called back."), lexicons: lexicons)
/// // the token ranges of "will" and "rose" in the second sentence
/// ```
struct DocumentNames {
    /// Lowercase name parts (two letters or more) of every person found by context.
    private(set) var parts: Set<String> = []
    /// The full names (two parts or more) in the order written.
    private(set) var fullNames: Set<[String]> = []
    /// Each full name as it may be written again: in order, and surname-comma-given names.
    private var writtenForms: [[String]] = []
    /// Parts of names the document itself writes in lower case (phone messages typed that way): their other
    /// lower-case mentions are names even when the word is also a common one.
    private(set) var lowercaseParts: Set<String> = []

    var isEmpty: Bool { parts.isEmpty }

    /// Records the name whose lowercase words are `keys` (initials are left out by the caller).
    mutating func record(_ keys: [String], writtenInLowerCase: Bool = false) {
        let words = keys.filter { $0.count > 1 }
        parts.formUnion(words)
        if writtenInLowerCase { lowercaseParts.formUnion(words) }
        if words.count >= 2, fullNames.insert(words).inserted {
            // "Will, Rose": the surname first, a comma, then the given names.
            writtenForms.append(words)
            writtenForms.append([words[words.count - 1], ","] + words.dropLast())
        }
    }

    /// Token ranges (first and last token) of the mentions of known names in `t`, skipping tokens already
    /// marked in `taken`.
    func mentions(in t: TokenizedText, lexicons: Lexicons, taken: [Bool],
                  followedByMedicalNoun: (Int) -> Bool) -> [(Int, Int)] {
        guard !parts.isEmpty else { return [] }
        var found: [(Int, Int)] = []
        var covered = taken
        // Full names first: a repeated pair of parts is evidence in any casing.
        for k in 0..<t.count where t.isWord(k) && !covered[k] && parts.contains(t.key(k)) {
            guard let last = fullNameMention(in: t, at: k) else { continue }
            found.append((k, last))
            for j in k...last { covered[j] = true }
        }
        for k in 0..<t.count where t.isWord(k) && !covered[k] && parts.contains(t.key(k)) {
            guard isSinglePartMention(t, k, lexicons: lexicons, followedByMedicalNoun: followedByMedicalNoun) else { continue }
            found.append((k, k))
            covered[k] = true
        }
        return found
    }

    /// The last token of a known full name starting at `k` ("rose will", "WILL, ROSE"), or nil.
    private func fullNameMention(in t: TokenizedText, at k: Int) -> Int? {
        for form in writtenForms where form[0] == t.key(k) {
            if let last = match(form, in: t, from: k) { return last }
        }
        return nil
    }

    /// Matches `words` (lowercase words, or "," for a comma) at token `k`, allowing one space between words
    /// and a middle initial between parts; returns the last token matched.
    private func match(_ words: [String], in t: TokenizedText, from k: Int) -> Int? {
        var j = k
        for (n, word) in words.enumerated() {
            if n > 0 {
                j += 1
                if word != "," && t.isSymbol(j, ",") { return nil }
                // "Okwuosa-Bright": the parts of a double-barrelled name are one mention.
                if t.isSpace(j) || word != "," && t.isSymbol(j, "-") && t.isWord(j + 1) { j += 1 }
                // "Rose M. Will": a middle initial between two parts.
                if word != ",", t.isWord(j), t.tokens[j].length == 1, t.key(j) != word {
                    j += t.isSymbol(j + 1, ".") ? 2 : 1
                    if t.isSpace(j) { j += 1 }
                }
            }
            guard j < t.count else { return nil }
            if word == "," {
                guard t.isSymbol(j, ",") else { return nil }
            } else {
                guard t.isWord(j), t.key(j) == word else { return nil }
            }
        }
        return j
    }

    private func isSinglePartMention(_ t: TokenizedText, _ k: Int, lexicons: Lexicons,
                                     followedByMedicalNoun: (Int) -> Bool) -> Bool {
        let key = t.key(k)
        guard key.count > 1, !followedByMedicalNoun(k) else { return false }
        // A word glued to digits or an "@" belongs to a code or an address.
        if t.isNumber(k - 1) || t.isNumber(k + 1) || t.isSymbol(k - 1, "@") || t.isSymbol(k + 1, "@") { return false }
        let commonWord = lexicons.isSafe(key) || FunctionWords.words.contains(key) || MonthNames.numbers[key] != nil
            || USStates.names.contains(key) || EponymNouns.words.contains(key)
        switch t.tokens[k].shape {
        case .capitalized:
            // At a sentence start a common word is capitalized anyway ("Will follow up.", "May 3").
            if commonWord && (t.startsSentence(k) || MonthNames.numbers[key] != nil) { return false }
            // An eponym surname is the person's again only where no noun can follow it (the disease named after
            // someone is written the same way).
            if lexicons.eponyms.contains(key), let n = t.next(k), t.isWord(n), !FunctionWords.words.contains(t.key(n)) {
                return false
            }
            return true
        case .allCaps:
            // Headings and abbreviations are written in capitals; only a part that is no common word counts.
            return !commonWord && key.count > 2
        case .lower:
            if lowercaseParts.contains(key) { return !FunctionWords.words.contains(key) }
            return !commonWord && !lexicons.cities.contains(key)
        case .other:
            return false
        }
    }
}
