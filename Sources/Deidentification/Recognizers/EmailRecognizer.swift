/// Email addresses: a local part, "@", and a dotted domain whose last label has at least two letters.
public struct EmailRecognizer: Recognizer {
    public let name = "email"
    public let supportedKinds: Set<PHIKind> = [.email]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        let s = text.scalars
        var lastEnd = 0
        for token in text.tokens where token.kind == .symbol && s[token.start] == "@" && token.start >= lastEnd {
            let at = token.start
            var start = at
            while start > lastEnd, Self.isLocal(s[start - 1]) { start -= 1 }
            while start < at, s[start] == "." { start += 1 }   // a sentence period is not part of the address
            guard start < at else { continue }
            var end = at + 1
            var labelStart = end
            var dots = 0
            var lastLabel = 0..<0
            while end < s.count, Self.isDomain(s[end]) || (s[end] == "." && end > labelStart && end + 1 < s.count && Self.isDomain(s[end + 1])) {
                if s[end] == "." { dots += 1; lastLabel = labelStart..<end; labelStart = end + 1 }
                end += 1
            }
            lastLabel = labelStart..<end
            guard dots >= 1, lastLabel.count >= 2, s[lastLabel].allSatisfy(CharacterClass.isASCIILetter) else { continue }
            found.append(detection(start..<end, .email, score: 0.95))
            lastEnd = end
        }
        return found
    }

    static func isLocal(_ c: Unicode.Scalar) -> Bool {
        CharacterClass.isASCIILetter(c) || CharacterClass.isDigit(c) || "._%+-'".unicodeScalars.contains(c)
    }

    static func isDomain(_ c: Unicode.Scalar) -> Bool {
        CharacterClass.isASCIILetter(c) || CharacterClass.isDigit(c) || c == "-"
    }
}
