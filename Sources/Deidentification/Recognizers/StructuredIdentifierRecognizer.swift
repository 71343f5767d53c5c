/// Unlabelled identifiers built of dash-joined segments with capitals and digits: "WS-ED-0442",
/// "CB-2309-18-0352", "S24-011873", "VPN-LAPTOP-7719". At least four digits and one letter are required,
/// which leaves codes such as "ICD-10", "COVID-19" and "PHQ-9" alone. Reported as ID_OTHER at a low score so
/// any labelled recognizer wins.
public struct StructuredIdentifierRecognizer: Recognizer {
    public let name = "structured_id"
    public let supportedKinds: Set<PHIKind> = [.idOther]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
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
}
