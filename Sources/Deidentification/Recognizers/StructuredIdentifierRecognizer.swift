/// Unlabelled identifiers built of dash-joined segments with capitals and digits: "WS-ED-0442",
/// "CB-2309-18-0352", "S24-011873", "VPN-LAPTOP-7719". At least four digits and one letter are required,
/// which leaves codes such as "ICD-10", "COVID-19" and "PHQ-9" alone. Reported as ID_OTHER at a low score so
/// any labelled recognizer wins. UPS shipment tracking numbers ("1Z 999 AA1 01 2345 6784": "1Z" and sixteen
/// letters and digits, grouped by single spaces or not) are reported with a higher score: their form is unique.
public struct StructuredIdentifierRecognizer: Recognizer {
    public let name = "structured_id"
    public let supportedKinds: Set<PHIKind> = [.idOther]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            if let end = upsTrackingEnd(text, i) {
                found.append(detection(text.range(i, end), .idOther, score: 0.8))
                i = end + 1
                continue
            }
            guard text.isWord(i) || text.isNumber(i), i == 0 || !(text.isWord(i - 1) || text.isNumber(i - 1) ||
                                                                 text.isSymbol(i - 1, "-") || text.isSymbol(i - 1, ".")) else {
                i += 1; continue
            }
            var end = i
            var digits = 0, letters = 0, segments = 1
            var lowercaseWords = 0
            var j = i
            while j < text.count {
                if text.isWord(j) {
                    letters += text.tokens[j].length
                    if text.tokens[j].shape == .lower || text.tokens[j].shape == .capitalized { lowercaseWords += 1 }
                } else if text.isNumber(j) {
                    digits += text.tokens[j].length
                } else if text.isSymbol(j, "-"), j + 1 < text.count, text.isWord(j + 1) || text.isNumber(j + 1) {
                    segments += 1
                } else {
                    break
                }
                end = j
                j += 1
            }
            if segments >= 2, digits >= 4, letters > 0, lowercaseWords == 0, text.isWord(end) || text.isNumber(end) {
                found.append(detection(text.range(i, end), .idOther, score: 0.4))
            }
            i = j + 1
        }
        return found
    }

    /// Eighteen letters and digits in all, the first two "1Z", starting at token `i`; groups may be separated
    /// by single spaces. Returns the last token.
    private func upsTrackingEnd(_ t: TokenizedText, _ i: Int) -> Int? {
        guard t.isNumber(i), t.key(i) == "1", i + 1 < t.count, t.isWord(i + 1), t.key(i + 1).hasPrefix("z"),
              t.tokens[i + 1].shape == .allCaps, i == 0 || !(t.isWord(i - 1) || t.isNumber(i - 1)) else { return nil }
        var characters = 0
        var j = i
        while j < t.count, characters < 18 {
            if t.isWord(j) || t.isNumber(j) {
                // Lowercase letters do not occur in a tracking number.
                if t.isWord(j), t.tokens[j].shape != .allCaps { return nil }
                characters += t.tokens[j].length
                j += 1
            } else if t.isSpace(j), t.tokens[j].length == 1, j + 1 < t.count, t.isWord(j + 1) || t.isNumber(j + 1) {
                j += 1
            } else {
                break
            }
        }
        let last = j - 1
        guard characters == 18, !(j < t.count && (t.isWord(j) || t.isNumber(j))) else { return nil }
        return last
    }
}
