/// IPv4 (dotted quad, each part 0-255, optional /prefix) and IPv6 in every RFC 4291 text form: full,
/// compressed with "::", leading-zero-free, and with an embedded IPv4 tail ("::ffff:192.0.2.1").
/// Clock times ("10:30:45") and ratios ("1:1") fail the IPv6 grammar and are left alone.
public struct IPAddressRecognizer: Recognizer {
    public let name = "ip_address"
    public let supportedKinds: Set<PHIKind> = [.ip]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        found += ipv4(text)
        found += ipv6(text)
        return found
    }

    private func ipv4(_ t: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i + 6 < t.count {
            guard t.isNumber(i), !(i > 0 && (t.isWord(i - 1) || t.isSymbol(i - 1, ".") || t.isSymbol(i - 1, ":"))) else {
                i += 1; continue
            }
            var ok = true
            for part in 0..<4 {
                let p = i + part * 2
                guard t.isNumber(p), t.tokens[p].length <= 3, let v = t.intValue(p), v <= 255 else { ok = false; break }
                if part < 3 && !t.isSymbol(p + 1, ".") { ok = false; break }
            }
            var end = i + 6
            if ok, t.isSymbol(end + 1, "."), t.isNumber(end + 2) { ok = false }      // 1.2.3.4.5 is a version
            if ok, end + 1 < t.count, t.isWord(end + 1) { ok = false }
            if ok {
                if t.isSymbol(end + 1, "/"), t.isNumber(end + 2), let bits = t.intValue(end + 2), bits <= 32 { end += 2 }
                found.append(detection(t.range(i, end), .ip, score: 0.9))
                i = end + 1
            } else {
                i += 1
            }
        }
        return found
    }

    private func ipv6(_ t: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        let s = t.scalars
        var scannedTo = 0
        for token in t.tokens where token.kind == .symbol && s[token.start] == ":" && token.start >= scannedTo {
            // Grow the candidate around the colon over hex digits, colons and dots.
            var start = token.start
            while start > 0, Self.isCandidate(s[start - 1]) { start -= 1 }
            var end = token.end
            while end < s.count, Self.isCandidate(s[end]) { end += 1 }
            scannedTo = end
            if start > 0, CharacterClass.isLetter(s[start - 1]) || s[start - 1] == "_" { continue }
            if end < s.count, CharacterClass.isLetter(s[end]) { continue }
            // Sentence punctuation after the address ("... ::1." or "fe80::1:") is not part of it.
            while end > start, s[end - 1] == "." || (s[end - 1] == ":" && !(end - start >= 2 && s[end - 2] == ":")) { end -= 1 }
            while start < end, s[start] == "." { start += 1 }
            guard end > start, Self.isIPv6(s[start..<end]) else { continue }
            var finalEnd = end
            if finalEnd + 1 < s.count, s[finalEnd] == "/", CharacterClass.isDigit(s[finalEnd + 1]) {
                var j = finalEnd + 1
                while j < s.count, CharacterClass.isDigit(s[j]), j - finalEnd <= 3 { j += 1 }
                finalEnd = j
            }
            found.append(detection(start..<finalEnd, .ip, score: 0.9))
        }
        return found
    }

    static func isCandidate(_ c: Unicode.Scalar) -> Bool { CharacterClass.isHexDigit(c) || c == ":" || c == "." }

    /// RFC 4291 section 2.2 text forms.
    static func isIPv6(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        let string = String(String.UnicodeScalarView(text))
        let halves = string.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: String) -> [Substring]? {
            part.isEmpty ? [] : part.split(separator: ":", omittingEmptySubsequences: false)
        }
        guard let left = groups(halves[0]) else { return false }
        let right = halves.count == 2 ? (groups(halves[1]) ?? []) : []
        var all = left + right
        var count = 0
        if let last = all.last, last.contains(".") {
            guard isIPv4(last) else { return false }
            all.removeLast()
            count += 2
        }
        for g in all {
            guard (1...4).contains(g.count), g.unicodeScalars.allSatisfy(CharacterClass.isHexDigit) else { return false }
            count += 1
        }
        if halves.count == 2 { return count >= 1 && count <= 7 }
        return count == 8
    }

    static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            (1...3).contains(p.count) && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) && Int(p)! <= 255
        }
    }
}
