/// A set of short phrases ("medical record number", "mr #") matched against tokens by hash lookups.
///
/// Phrases are tokenized like documents; matching skips horizontal space and a period after an
/// abbreviation ("Med. Rec. No."), but never crosses a line break.
struct PhraseSet: Sendable {
    /// Phrases by their first token key, longest first.
    private let byFirstKey: [String: [[String]]]
    /// (first scalar, length) pairs of the first keys: a token failing this test is rejected without hashing.
    private let gate: [Bool]

    @inline(__always) private static func gateIndex(_ first: Unicode.Scalar, _ length: Int) -> Int {
        Int(first.value & 0x7F) &* 32 &+ min(length, 31)
    }

    init(_ phrases: [String]) {
        var index: [String: [[String]]] = [:]
        for phrase in phrases {
            let text = TokenizedText(phrase)
            let keys = (0..<text.count).filter { text.kind($0) != .space }.map { text.key($0) }
            guard let first = keys.first else { continue }
            index[first, default: []].append(keys)
        }
        byFirstKey = index.mapValues { $0.sorted { $0.count > $1.count } }
        var gate = [Bool](repeating: false, count: 128 * 32)
        for key in index.keys {
            let scalars = Array(key.unicodeScalars)
            gate[Self.gateIndex(scalars[0], scalars.count)] = true
            // Keys are lowercase; documents may be capitalized.
            if let upper = String(scalars[0]).uppercased().unicodeScalars.first {
                gate[Self.gateIndex(upper, scalars.count)] = true
            }
        }
        self.gate = gate
    }

    /// If a phrase starts at token `i`, the index of its last token (longest match).
    func match(_ text: TokenizedText, at i: Int) -> Int? {
        guard i < text.count else { return nil }
        let token = text.tokens[i]
        guard token.kind != .space, token.kind != .newline,
              gate[Self.gateIndex(text.scalars[token.start], token.length)] || text.scalars[token.start].value >= 128,
              let candidates = byFirstKey[text.key(i)] else { return nil }
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
            case .symbol where key == "(":
                // A parenthetical between label and value: "ID (biometric): PV-7720".
                var k = j
                var steps = 0
                while k + 1 < count, !isSymbol(k, ")"), steps < 6 { k += 1; steps += 1 }
                guard isSymbol(k, ")") else { return nil }
                if k == j + 1 || !(isNumber(j + 1)) { i = k } else { return j + 1 }
            case .symbol where [":", "#", "-", "=", ".", ")", "/"].contains(key):
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
    ///
    /// With `allowSpacedGroups`, groups separated by one space join when the next group is a number of three
    /// or more digits or the current group is a short ALL CAPS prefix ("PSY 0033 8172", "ME 118734",
    /// "DHD 882 100 477"). GS1 application identifiers in parentheses join too ("(01)0060…(21)2318…").
    func identifierEnd(startingAt i: Int, minimumLength: Int = 4, requireDigit: Bool = true,
                       allowSpacedGroups: Bool = false) -> Int? {
        guard isWord(i) || isNumber(i) else { return nil }
        var last = i
        var alnum = tokens[i].length
        var digits = isNumber(i) ? tokens[i].length : 0
        var j = i + 1
        var spacedGroups = 0
        while j < count {
            if isWord(j) || isNumber(j) {
                alnum += tokens[j].length
                if isNumber(j) { digits += tokens[j].length }
                last = j; j += 1
            } else if kind(j) == .symbol, ["-", "/", ".", "(", ")"].contains(key(j)), j + 1 < count,
                      isWord(j + 1) || isNumber(j + 1) || (key(j) == ")" && isSymbol(j + 1, "(")) {
                if key(j) == "." && isWord(j + 1) && tokens[j + 1].shape == .capitalized { break }   // sentence end
                j += 1
            } else if allowSpacedGroups, isSpace(j), tokens[j].length == 1, j + 1 < count, isNumber(j + 1),
                      tokens[j + 1].length >= 3 || spacedGroups > 0 && tokens[j + 1].length >= 2 || isShortPrefix(last),
                      isNumber(last) || isShortPrefix(last) {
                // "CMI 4471 0293 88": once groups are joined by spaces, a two-digit tail belongs too.
                spacedGroups += 1
                j += 1
            } else {
                break
            }
        }
        if requireDigit && digits == 0 { return nil }
        return alnum >= minimumLength ? last : nil
    }

    /// A short ALL CAPS prefix that may lead a spaced identifier ("PSY 0033"); a state code ("TX 4091") is
    /// not part of a licence number.
    private func isShortPrefix(_ i: Int) -> Bool {
        isWord(i) && tokens[i].shape == .allCaps && tokens[i].length <= 4 &&
            !(tokens[i].length == 2 && USStates.abbreviations.contains(keys[i]))
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
