/// Long numbers no other recognizer explains ("any other unique identifying number"): seven or more digits,
/// or letters and six or more digits glued together ("A1234567"), outside a label. Reported at a low score,
/// so every labelled recognizer wins over it; it exists so that an unlabelled identifier is never missed.
public struct UnlabeledNumberRecognizer: Recognizer {
    public let name = "unlabeled_number"
    public let supportedKinds: Set<PHIKind> = [.idOther]
    public init() {}

    /// Units after which a long number is a quantity, not an identifier.
    static let units: Set<String> = ["mg", "mcg", "g", "units", "u", "iu", "ml", "l", "cells", "copies", "k",
                                     "per", "x", "mm", "cm", "km", "dollars", "usd", "steps", "calories", "kcal"]

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            guard text.isWord(i) || text.isNumber(i), i == 0 || !(text.isWord(i - 1) || text.isNumber(i - 1)) else {
                i += 1; continue
            }
            var end = i
            var digits = text.isNumber(i) ? text.tokens[i].length : 0
            var letters = text.isWord(i) ? text.tokens[i].length : 0
            while end + 1 < text.count, text.isWord(end + 1) || text.isNumber(end + 1) {
                end += 1
                if text.isNumber(end) { digits += text.tokens[end].length } else { letters += text.tokens[end].length }
            }
            // HCPCS (J3490) and ICD-10 codes are five characters or fewer with at most four digits.
            let long = (letters == 0 && digits >= 7) || (letters > 0 && letters <= 4 && digits >= 4 && letters + digits >= 6)
            // ICD-10-PCS procedure codes: seven characters starting with a digit section ("5A1955Z", "0DTJ4ZZ").
            let procedureCode = letters > 0 && letters + digits == 7 && text.isNumber(i)
            if long, !procedureCode, !isQuantity(text, end) {
                found.append(detection(text.range(i, end), .idOther, score: 0.3))
            }
            i = end + 1
        }
        return found
    }

    private func isQuantity(_ t: TokenizedText, _ end: Int) -> Bool {
        guard let n = t.next(end), t.isWord(n) else { return false }
        return Self.units.contains(t.key(n))
    }
}
