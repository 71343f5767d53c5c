/// An identifier introduced by a label: "MRN: 4451-882", "Member ID W123456789", "Acct # 55123".
///
/// The label ("MRN:", "#", "no.") stays outside the span; the value is word and number tokens joined by
/// `-`, `/` or `.` with at least one digit. Each configuration (MRN, health plan, account, licence, device,
/// other ids) is declared in its own file as a static instance, so adding a kind of identifier is one file.
public struct LabeledIdentifierRecognizer: Recognizer {
    public let name: String
    public let kind: PHIKind
    public var supportedKinds: Set<PHIKind> { [kind] }
    let labels: PhraseSet
    let minimumLength: Int
    let requireDigit: Bool
    let score: Double
    let colonOnly: Set<String>

    /// - Parameters:
    ///   - name: recognizer name reported with each span.
    ///   - kind: the kind reported.
    ///   - labels: lowercase label phrases ("medical record number", "mrn").
    ///   - minimumLength: fewest alphanumerics in a value.
    ///   - requireDigit: values must contain a digit (true for all but plates).
    ///   - score: confidence reported for each value.
    ///   - colonOnly: one-word labels that count only when ":" or "#" follows ("DL:", not "mg/dL").
    public init(name: String, kind: PHIKind, labels: [String], minimumLength: Int = 4, requireDigit: Bool = true,
                score: Double = 0.9, colonOnly: Set<String> = []) {
        self.colonOnly = colonOnly
        self.name = name
        self.kind = kind
        self.labels = PhraseSet(labels)
        self.minimumLength = minimumLength
        self.requireDigit = requireDigit
        self.score = score
    }

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            guard text.kind(i) == .word || text.kind(i) == .symbol, let labelEnd = labels.match(text, at: i),
                  // Short labels that are also words ("DL", "Policy") count only before ":" or "#".
                  !(labelEnd == i && colonOnly.contains(text.key(i)) && !(text.next(i).map { text.isSymbol($0, ":") || text.isSymbol($0, "#") } ?? false)),
                  i == 0 || !(text.isSymbol(i - 1, "/") || text.isSymbol(i - 1, "-") || text.isSymbol(i - 1, ".")) else {
                i += 1; continue
            }
            // Up to three values may follow one label ("MRN 123456 / 654321").
            var cursor = labelEnd
            var any = false
            for _ in 0..<3 {
                guard var start = text.valueStart(afterLabel: cursor) else { break }
                // "plate 2C 7741K, VIN 1HG...": a second label inside the list starts its own value.
                // ("SN-44A-99812" is a value that starts like a label: a dash glues it to the rest.)
                if let nextLabelEnd = labels.match(text, at: start), !text.isSymbol(nextLabelEnd + 1, "-"),
                   let after = text.valueStart(afterLabel: nextLabelEnd) {
                    start = after
                }
                // "license TX 40918273": the issuing state's code is not part of the number.
                if text.isWord(start), text.tokens[start].length == 2, text.tokens[start].shape == .allCaps,
                   USStates.abbreviations.contains(text.key(start)), text.isSpace(start + 1), text.isNumber(start + 2) {
                    start += 2
                }
                guard
                      let end = text.identifierEnd(startingAt: start, minimumLength: minimumLength, requireDigit: requireDigit,
                                                   allowSpacedGroups: true),
                      !looksLikeProse(text, start, end),
                      // "donor ID AGHH212, 34-year-old": after the first value, a value holding a lowercase word
                      // is the next phrase of the sentence, not a second identifier.
                      !any || !(start...end).contains(where: { text.isWord($0) && text.tokens[$0].shape == .lower && text.tokens[$0].length >= 3 })
                else { break }
                found.append(detection(text.range(start, end), kind, score: score))
                any = true
                cursor = end
                guard let sep = text.next(cursor), text.isSymbol(sep, "/") || text.isSymbol(sep, ",") || text.key(sep) == "and" else { break }
                cursor = sep
            }
            i = any ? cursor + 1 : labelEnd + 1
        }
        return found
    }

    /// A value made only of an ordinary lowercase word ("license expired") is not an identifier.
    private func looksLikeProse(_ t: TokenizedText, _ start: Int, _ end: Int) -> Bool {
        guard !requireDigit else { return false }
        if start == end, t.isWord(start), t.tokens[start].shape == .lower { return true }
        return false
    }
}
