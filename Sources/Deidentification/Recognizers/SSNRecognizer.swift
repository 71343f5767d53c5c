/// Social Security numbers: 123-45-6789 and 123 45 6789 under the SSA area/group/serial rules (and ITINs, 9xx-xx-xxxx), nine bare
/// digits after an SSN label, and a last-four fragment ("SSN xxx-xx-1234", "last four of SSN 1234"), whose
/// span is the four digits only.
public struct SSNRecognizer: Recognizer {
    public let name = "ssn"
    public let supportedKinds: Set<PHIKind> = [.ssn]
    public init() {}

    static let context: Set<String> = ["ssn", "social", "ss", "soc", "ssa", "ss#", "sec", "security"]

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            guard text.isNumber(i), !(i > 0 && (text.isWord(i - 1) || text.isNumber(i - 1))) else { i += 1; continue }
            let length = text.tokens[i].length
            let labelled = text.hasContext(before: i, window: 6, in: Self.context)
            if length == 3, let (end, plausible) = grouped(text, i) {
                // Dashed 3-2-4 with a 9xx area is an ITIN, the taxpayer number the IRS issues in the SSN's shape
                // to people without one: an identifier all the same, labelled or not.
                let taxpayerNumber = text.isSymbol(i + 1, "-") && (900...999).contains(text.intValue(i) ?? 0)
                if plausible || labelled || taxpayerNumber {
                    found.append(detection(text.range(i, end), .ssn, score: plausible ? 0.85 : 0.6))
                }
                i = end + 1
                continue
            }
            if length == 9, labelled, !trailing(text, i) {
                found.append(detection(text.range(i, i), .ssn, score: 0.8))
            } else if length == 4, labelled, !trailing(text, i), isLastFour(text, i) {
                // Last four, after a mask ("xxx-xx-", "***-**-") or a phrase ("last 4", "ending in").
                found.append(detection(text.range(i, i), .ssn, score: 0.7))
            } else if length == 4, !labelled, !trailing(text, i), isBareLastFourLabel(text, i) {
                found.append(detection(text.range(i, i), .ssn, score: 0.6))
            }
            i += 1
        }
        return found
    }

    /// "123-45-6789" or "123 45 6789" starting at `i` (a 3-digit token). Returns end and rule validity.
    private func grouped(_ t: TokenizedText, _ i: Int) -> (Int, Bool)? {
        let s1 = i + 1, b = i + 2, s2 = i + 3, c = i + 4
        guard c < t.count, t.isNumber(b), t.isNumber(c), t.tokens[b].length == 2, t.tokens[c].length == 4 else { return nil }
        let sameSeparator = (t.isSymbol(s1, "-") && t.isSymbol(s2, "-")) ||
            (t.isSpace(s1) && t.isSpace(s2) && t.tokens[s1].length == 1 && t.tokens[s2].length == 1) ||
            (t.isSymbol(s1, ".") && t.isSymbol(s2, "."))
        guard sameSeparator, !trailing(t, c) else { return nil }
        let plausible = Checksums.isPlausibleSSN(area: t.intValue(i)!, group: t.intValue(b)!, serial: t.intValue(c)!)
        return (c, plausible)
    }

    /// The four digits follow a mask ("xxx-xx-1234", "***-**-1234"), the label itself ("SSN: 1234") or a
    /// phrase such as "last 4", "last four", "ending in".
    private func isLastFour(_ t: TokenizedText, _ i: Int) -> Bool {
        guard let p = t.previous(i) else { return false }
        if t.isSymbol(p, "-") || t.isSymbol(p, "*") {
            let maskStart = t.tokens[max(0, p - 6)].start
            let mask = t.scalars[maskStart..<t.tokens[p].end]
            return mask.contains { "xX*#".unicodeScalars.contains($0) }
        }
        var j = i
        for _ in 0..<4 {
            guard let q = t.previous(j), t.kind(q) != .newline else { return false }
            let key = t.key(q)
            if ["last", "ending", "ends", "four", "ssn", "ss#", "social", "security", "ssa"].contains(key) { return true }
            if t.isWord(q) && !["of", "in", "is", "#", "no"].contains(key) && key.count > 2 { return false }
            j = q
        }
        return false
    }

    /// Words that make a "last 4" the end of some other number (a card, an account, a phone).
    static let otherLastFour: Set<String> = ["card", "account", "acct", "phone", "visa", "mastercard", "amex", "cc",
                                             "credit", "debit", "check", "routing", "policy", "member", "vin"]

    /// "Last 4: 0917" as a field of its own: in registration and benefits forms the bare label means the last
    /// four digits of the SSN, unless the label names another number ("Card last 4: 1234").
    private func isBareLastFourLabel(_ t: TokenizedText, _ i: Int) -> Bool {
        guard let colon = t.previous(i), t.isSymbol(colon, ":"), let four = t.previous(colon),
              t.key(four) == "4" || t.key(four) == "four", let last = t.previous(four), t.key(last) == "last" else { return false }
        return !t.hasContext(before: last, window: 4, in: Self.otherLastFour)
    }

    /// True when the number continues ("1234-5", "1234.5", "1234mg").
    private func trailing(_ t: TokenizedText, _ i: Int) -> Bool {
        guard i + 1 < t.count else { return false }
        if t.isWord(i + 1) || t.isNumber(i + 1) { return true }
        if t.kind(i + 1) == .symbol, ["-", ".", "/"].contains(t.key(i + 1)), t.isNumber(i + 2) { return true }
        return false
    }
}
