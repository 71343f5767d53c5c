/// A set of short phrases ("medical record number", "mr #") matched against tokens by hash lookups.
///
/// Phrases are tokenized like documents; matching skips horizontal space and a period after an
/// abbreviation ("Med. Rec. No."), but never crosses a line break.
struct PhraseSet: Sendable {
    /// Phrases by their first token key, longest first.
    private let byFirstKey: [String: [[String]]]

    init(_ phrases: [String]) {
        var index: [String: [[String]]] = [:]
        for phrase in phrases {
            let text = TokenizedText(phrase)
            let keys = (0..<text.count).filter { text.kind($0) != .space }.map { text.key($0) }
            guard let first = keys.first else { continue }
            index[first, default: []].append(keys)
        }
        byFirstKey = index.mapValues { $0.sorted { $0.count > $1.count } }
    }

    /// If a phrase starts at token `i`, the index of its last token (longest match).
    func match(_ text: TokenizedText, at i: Int) -> Int? {
        guard i < text.count, let candidates = byFirstKey[text.key(i)] else { return nil }
        for phrase in candidates {
            var t = i
            var matched = true
            for (n, key) in phrase.enumerated() where n > 0 {
                guard var j = text.next(t) else { matched = false; break }
                if text.isSymbol(j, "."), key != ".", let afterDot = text.next(j) { j = afterDot }
                if text.key(j) != key { matched = false; break }
                t = j
            }
            if matched { return t }
        }
        return nil
    }

    /// If a phrase ends at token `last`, the index of its first token (scans back a few tokens).
    func match(_ text: TokenizedText, endingAt last: Int) -> Int? {
        var start = last
        for _ in 0..<8 {
            if let end = match(text, at: start), end == last { return start }
            guard let p = text.previous(start), text.kind(p) != .newline else { return nil }
            start = p
        }
        return nil
    }
}

extension TokenizedText {
    /// After a label, skip separators such as `:`, `#`, `no.`, `number`, `is` and return the first token of
    /// the value (on the same line, or the next line when the label ends its line).
    func valueStart(afterLabel label: Int) -> Int? {
        var i = label
        var crossedLine = false
        while let j = next(i) {
            let key = self.key(j)
            switch kind(j) {
            case .symbol where [":", "#", "-", "=", ".", "(", ")", "/"].contains(key):
                i = j
            case .word where ["no", "num", "nbr", "number", "is", "was", "of", "id", "code"].contains(key):
                i = j
            case .newline where !crossedLine:
                crossedLine = true
                i = j
            case .word, .number:
                return j
            default:
                return nil
            }
        }
        return nil
    }

    /// Reads an identifier starting at token `i`: word and number tokens joined without space by `-`, `/` or
    /// `.` ("A12-3456", "4451-882"). Returns the last token, or nil if the run has no digit or is shorter
    /// than `minimumLength` alphanumerics.
    func identifierEnd(startingAt i: Int, minimumLength: Int = 4, requireDigit: Bool = true) -> Int? {
        guard isWord(i) || isNumber(i) else { return nil }
        var last = i
        var alnum = tokens[i].length
        var digits = isNumber(i) ? tokens[i].length : 0
        var j = i + 1
        while j < count {
            if isWord(j) || isNumber(j) {
                alnum += tokens[j].length
                if isNumber(j) { digits += tokens[j].length }
                last = j; j += 1
            } else if kind(j) == .symbol, ["-", "/", "."].contains(key(j)), j + 1 < count,
                      isWord(j + 1) || isNumber(j + 1) {
                j += 1
            } else {
                break
            }
        }
        if requireDigit && digits == 0 { return nil }
        return alnum >= minimumLength ? last : nil
    }

    /// Digits of a number token as an integer (nil for more than 18 digits).
    func intValue(_ i: Int) -> Int? {
        guard isNumber(i), tokens[i].length <= 18 else { return nil }
        var v = 0
        for p in tokens[i].start..<tokens[i].end { v = v * 10 + CharacterClass.digitValue(scalars[p]) }
        return v
    }

    /// True when any of the `window` word tokens before token `i` (same line) is in `words`.
    func hasContext(before i: Int, window: Int, in words: Set<String>) -> Bool {
        var j = i
        var seen = 0
        while seen < window, let p = previous(j), kind(p) != .newline {
            if isWord(p) {
                if words.contains(key(p)) { return true }
                seen += 1
            }
            j = p
        }
        return false
    }
}
