/// Telephone and fax numbers: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567, 1-800-555-0199,
/// 5551234567 and 123-4567 when a context word says phone, with extensions ("x204", "ext. 12"). A number is
/// a fax when "fax" or "F:" labels it on the same line.
public struct PhoneRecognizer: Recognizer {
    public let name = "phone"
    public let supportedKinds: Set<PHIKind> = [.phone, .fax]
    public init() {}

    static let phoneContext: Set<String> = [
        "phone", "tel", "telephone", "call", "called", "cell", "mobile", "home", "work", "pager", "contact",
        "number", "ph", "reach", "callback", "cb", "office", "line", "hotline", "text", "beeper", "p", "c", "m",
        "h", "w", "t", "o", "dial", "voicemail", "vm", "msg", "message", "phone#", "tel#", "ring",
    ]
    static let faxContext: Set<String> = ["fax", "facsimile", "f", "efax", "telefax", "faxed"]
    static let extensionWords: Set<String> = ["x", "ext", "extension", "ex"]
    static let anyContext = phoneContext.union(faxContext)

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            guard text.isNumber(i) || text.isSymbol(i, "(") || text.isSymbol(i, "+") else { i += 1; continue }
            if let (end, score) = match(text, at: i) {
                let finalEnd = extensionEnd(text, after: end) ?? end
                let kind: PHIKind = isFax(text, before: i) ? .fax : .phone
                found.append(detection(text.range(i, finalEnd), kind, score: score))
                i = finalEnd + 1
            } else {
                i += 1
            }
        }
        return found
    }

    /// The nearest context word before the number decides: "Fax: 555-1111  Phone: 555-2222" has one of each.
    private func isFax(_ t: TokenizedText, before i: Int) -> Bool {
        var j = i
        var words = 0
        while words < 4, let p = t.previous(j), t.kind(p) != .newline {
            if t.isWord(p) {
                if Self.faxContext.contains(t.key(p)) { return true }
                // "Fax number:" is a fax; only a word naming another kind of line ends the search.
                if Self.phoneContext.contains(t.key(p)), !["number", "line", "contact", "message", "msg"].contains(t.key(p)) {
                    return false
                }
                words += 1
            } else if t.isNumber(p) {
                return false   // another number sits between the label and this one
            }
            j = p
        }
        return false
    }

    private func digits(_ t: TokenizedText, _ i: Int, _ count: Int) -> Bool {
        i < t.count && t.isNumber(i) && t.tokens[i].length == count
    }

    /// A separator between digit groups ("-", ".", "–" or up to two spaces); returns the index of the next group.
    private func group(after i: Int, in t: TokenizedText) -> Int? {
        let j = i + 1
        guard j < t.count else { return nil }
        if t.kind(j) == .symbol, ["-", ".", "–"].contains(t.key(j)) {
            return j + 1 < t.count && t.isNumber(j + 1) ? j + 1 : (t.isSpace(j + 1) && t.isNumber(j + 2) ? j + 2 : nil)
        }
        if t.isSpace(j), t.tokens[j].length <= 2 {
            // The space can end the text ("Call 555 "; the de-identifier fuzz target found the unchecked look past it).
            if t.isSymbol(j + 1, "-"), t.isSpace(j + 2), t.isNumber(j + 3) { return j + 3 }
            return j + 1 < t.count && t.isNumber(j + 1) ? j + 1 : nil
        }
        return nil
    }

    /// HL7 XTN fields carry the area code and local number as components: "^PRN^PH^^1^831^5550114".
    /// Both must be valid North American groups (first digit 2-9).
    private func hl7AreaAndLocal(_ t: TokenizedText, at i: Int) -> Int? {
        guard i > 0, t.isSymbol(i - 1, "^"), digits(t, i, 3), t.isSymbol(i + 1, "^"), digits(t, i + 2, 7),
              !(i + 3 < t.count && (t.isNumber(i + 3) || t.isWord(i + 3))),
              let area = t.key(i).first, let local = t.key(i + 2).first, area >= "2", local >= "2" else { return nil }
        return i + 2
    }

    private func match(_ t: TokenizedText, at i: Int) -> (Int, Double)? {
        if let end = hl7AreaAndLocal(t, at: i) { return (end, 0.85) }
        // Inside a longer number chain ("1-2-555-123-4567") or glued to letters: not a phone number.
        if i > 0, t.isWord(i - 1) || t.isNumber(i - 1) { return nil }
        if i > 1, t.kind(i - 1) == .symbol, ["-", "."].contains(t.key(i - 1)), t.isNumber(i - 2) { return nil }
        var start = i
        var international = false
        if t.isSymbol(i, "+") || (digits(t, i, 1) && t.key(i) == "1") {
            // Country code: "+1 ", "+44-", or a leading "1-" / "1 " before a 3-digit area code.
            if t.isSymbol(i, "+") {
                guard t.isNumber(i + 1), t.tokens[i + 1].length <= 3 else { return nil }
                start = i + 2
            } else {
                start = i + 1
            }
            if t.isSpace(start) || t.isSymbol(start, "-") || t.isSymbol(start, ".") { start += 1 }
            // Outside the NANP: "+44 20 7946 0958", "+33 1 42 68 53 00": digit groups after the country code.
            if t.isSymbol(i, "+"), t.key(i + 1) != "1", t.isNumber(start) {
                var last = start
                var total = t.tokens[start].length
                while let sep = Optional(last + 1), t.isSpace(sep) || t.isSymbol(sep, "-") || t.isSymbol(sep, "."),
                      t.tokens[sep].length == 1, t.isNumber(sep + 1), t.tokens[sep + 1].length <= 4, total < 13 {
                    last = sep + 1
                    total += t.tokens[last].length
                }
                return total >= 7 && total <= 13 ? (last, 0.85) : nil
            }
            guard digits(t, start, 3) || t.isSymbol(start, "(") || (t.isSymbol(i, "+") && t.isNumber(start)) else {
                return nil
            }
            international = true
        }
        // (555) 123-4567
        if t.isSymbol(start, "(") {
            guard digits(t, start + 1, 3), t.isSymbol(start + 2, ")") else { return nil }
            var j = start + 3
            if t.isSpace(j) { j += 1 }
            if t.isSymbol(j, "-") { j += 1 }
            guard digits(t, j, 3), let last = group(after: j, in: t), digits(t, last, 4),
                  !continues(t, last) else { return nil }
            return (last, 0.9)
        }
        guard t.isNumber(start) else { return nil }
        let len = t.tokens[start].length
        if len == 3, let mid = group(after: start, in: t), digits(t, mid, 3),
           let last = group(after: mid, in: t), digits(t, last, 4), !continues(t, last) {
            // 555-123-4567; SSN is 3-2-4 and never matches.
            return (last, 0.85)
        }
        let context = t.hasContext(before: i, window: 4, in: Self.anyContext)
        if len == 10, !continues(t, start), context || international {
            return (start, 0.75)
        }
        if len == 3, let last = group(after: start, in: t), digits(t, last, 4), !continues(t, last), !international,
           t.isSymbol(start + 1, "-") || context {
            // 123-4567: a local number; without a context word only in the dashed form and not before a unit.
            if !context, let n = t.next(last), t.isWord(n), UnlabeledNumberRecognizer.units.contains(t.key(n)) { return nil }
            return (last, context ? 0.6 : 0.45)
        }
        return nil
    }

    private func continues(_ t: TokenizedText, _ last: Int) -> Bool {
        guard last + 1 < t.count else { return false }
        if t.isWord(last + 1) || t.isNumber(last + 1) { return !Self.extensionWords.contains(t.key(last + 1)) }
        if t.kind(last + 1) == .symbol, ["-", "/"].contains(t.key(last + 1)), t.isNumber(last + 2) { return true }
        if t.isSymbol(last + 1, "."), t.isNumber(last + 2) { return true }
        return false
    }

    /// "x204", " ext. 12", " extension 3", " #45" after a number.
    private func extensionEnd(_ t: TokenizedText, after end: Int) -> Int? {
        var j = end + 1
        if t.isSpace(j) { j += 1 }
        if t.isSymbol(j, ",") { j += 1; if t.isSpace(j) { j += 1 } }
        if t.isSymbol(j, "#") {
            j += 1
        } else if t.isWord(j), Self.extensionWords.contains(t.key(j)) {
            j += 1
            if t.isSymbol(j, ".") { j += 1 }
            if t.isSymbol(j, ":") { j += 1 }
        } else {
            return nil
        }
        if t.isSpace(j) { j += 1 }
        guard t.isNumber(j), t.tokens[j].length <= 6 else { return nil }
        return j
    }
}
