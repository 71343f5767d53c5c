/// Web addresses: anything after `http://`, `https://`, `ftp://` or `www.` up to white space, and bare
/// domains ending in a common top-level domain ("portal.example.org/patient"). Trailing sentence punctuation
/// is left outside. Email domains are left to ``EmailRecognizer``.
public struct URLRecognizer: Recognizer {
    public let name = "url"
    public let supportedKinds: Set<PHIKind> = [.url]
    public init() {}

    static let schemes: Set<String> = ["http", "https", "ftp", "sftp"]
    static let topLevelDomains: Set<String> = [
        "com", "org", "net", "edu", "gov", "io", "us", "info", "health", "care", "biz", "mil", "co", "app",
        "me", "ly", "ca", "uk", "de", "fr", "ai", "clinic", "hospital", "doctor", "med", "site", "online",
    ]

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        let s = text.scalars
        var i = 0
        while i < text.count {
            guard text.isWord(i), i == 0 || !(text.isWord(i - 1) || text.isNumber(i - 1) || text.isSymbol(i - 1, "@") || text.isSymbol(i - 1, ".")) else {
                i += 1; continue
            }
            let key = text.key(i)
            var matched: (Int, Double)?
            if Self.schemes.contains(key), text.isSymbol(i + 1, ":"), text.isSymbol(i + 2, "/") {
                matched = (extend(s, from: text.tokens[i].start), 0.95)
            } else if key == "www", text.isSymbol(i + 1, "."), text.isWord(i + 2) || text.isNumber(i + 2) {
                matched = (extend(s, from: text.tokens[i].start), 0.9)
            } else if let end = bareDomainEnd(text, i) {
                matched = (end, 0.7)
            }
            if let (end, score) = matched {
                found.append(detection(text.tokens[i].start..<end, .url, score: score))
                i = text.tokenIndex(atScalar: end - 1) + 1
            } else {
                i += 1
            }
        }
        return found
    }

    /// Extends a URL to the next white space or quote, then drops trailing punctuation and an unbalanced ")".
    private func extend(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var end = start
        while end < s.count, !CharacterClass.isHorizontalSpace(s[end]), s[end] != "\n", s[end] != "\r",
              !"\"<>`".unicodeScalars.contains(s[end]) { end += 1 }
        while end > start {
            let c = s[end - 1]
            if ".,;:!?'".unicodeScalars.contains(c) { end -= 1; continue }
            if c == ")" || c == "]" {
                let open: Unicode.Scalar = c == ")" ? "(" : "["
                let opens = s[start..<end].filter { $0 == open }.count
                let closes = s[start..<end].filter { $0 == c }.count
                if closes > opens { end -= 1; continue }
            }
            break
        }
        return end
    }

    /// "mychart.example.org" or "example.com/path": labels joined by dots, ending in a known TLD.
    private func bareDomainEnd(_ t: TokenizedText, _ i: Int) -> Int? {
        var j = i
        var labels = 1
        while t.isSymbol(j + 1, "."), j + 2 < t.count, t.isWord(j + 2) || t.isNumber(j + 2) {
            j += 2
            while j + 2 < t.count, t.isSymbol(j + 1, "-"), t.isWord(j + 2) || t.isNumber(j + 2) { j += 2 }
            labels += 1
        }
        guard labels >= 2, t.isWord(j), Self.topLevelDomains.contains(t.key(j)), t.tokens[j].shape == .lower else { return nil }
        if t.isSymbol(j + 1, "@") || t.isWord(j + 1) { return nil }
        if t.isSymbol(j + 1, "/") { return extend(t.scalars, from: t.tokens[i].start) }
        return t.tokens[j].end
    }
}
