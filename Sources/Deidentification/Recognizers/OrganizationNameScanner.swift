/// Reads a capitalized organization name: "St. Mary's Regional Medical Center", "Acme Tool & Die Co.",
/// "University of Illinois Hospital". Shared by the facility and employer recognizers.
enum OrganizationNameScanner {
    /// Lowercase connectors allowed inside a name.
    static let connectors: Set<String> = ["of", "and", "the", "for", "&", "at", "on", "de", "la", "del"]

    /// The last token of a capitalized name starting at `i` (up to `maxWords` words), or nil.
    static func nameEnd(_ t: TokenizedText, from i: Int, maxWords: Int = 7, allowLineBreaks: Bool = false) -> Int? {
        guard isNameWord(t, i) else { return nil }
        var last = i
        var cursor = i
        var words = 1
        while words < maxWords {
            var j = cursor + 1
            // Joins inside a word: "Mary's", "Smith-Jones", "St.", "AT&T".
            if t.isSymbol(j, "'") || t.isSymbol(j, "’"), t.isWord(j + 1), t.key(j + 1) == "s" { cursor = j + 1; last = cursor; continue }
            if t.isSymbol(j, "-") || t.isSymbol(j, "&"), isNameWord(t, j + 1) { cursor = j + 1; last = cursor; continue }
            if t.isSymbol(j, "."), t.tokens[cursor].length <= 3 { cursor = j; last = j; j += 1 }
            // A name wrapped onto the next line ("Tualatin\nValley Parks District") when the caller allows it. A name
            // can end the text, so `j` may be one past the last token: the bounds-checked test, as for the others.
            if allowLineBreaks, t.isNewline(j), isNameWord(t, j + 1) {
                cursor = j + 1; last = j + 1; words += 1; continue
            }
            guard t.isSpace(j), t.tokens[j].length <= 2 else { break }
            j += 1
            if j < t.count, (t.isWord(j) && connectors.contains(t.key(j)) && t.tokens[j].shape == .lower) || t.isSymbol(j, "&") {
                // A connector must be followed by another capitalized word.
                guard t.isSpace(j + 1), isNameWord(t, j + 2) else { break }
                j += 2
            }
            guard isNameWord(t, j) else { break }
            cursor = j
            last = j
            words += 1
        }
        return last
    }

    static func isNameWord(_ t: TokenizedText, _ i: Int) -> Bool {
        guard i < t.count else { return false }
        if t.isNumber(i) { return false }
        guard t.isWord(i) else { return false }
        let shape = t.tokens[i].shape
        return shape == .capitalized || shape == .allCaps
    }
}
