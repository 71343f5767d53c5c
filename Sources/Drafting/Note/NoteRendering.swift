/// The note as the clinician reads it in a terminal: every unsupported fact marked in place as
/// `[?text?]` with its number, and the list of findings after the note.
extension DraftedNote {
    public var markedText: String {
        var scalars = Array(text.unicodeScalars)
        // Insert from the end so earlier offsets stay valid; overlapping findings mark the outer span once.
        var lastStart = Int.max
        for (index, finding) in findings.enumerated().reversed() where finding.end <= lastStart && finding.end <= scalars.count {
            scalars.insert(contentsOf: "?\(index + 1)]".unicodeScalars, at: finding.end)
            scalars.insert(contentsOf: "[?".unicodeScalars, at: finding.start)
            lastStart = finding.start
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        var out = "\(notice)\n\n\(String(view))\n"
        if findings.isEmpty {
            out += "\nFact check: every drug, dose, frequency, number, date, side and negation is in the input.\n"
        } else {
            out += "\nFact check: \(findings.count) statement(s) the input does not support; check before signing:\n"
            for (index, f) in findings.enumerated() { out += "  \(index + 1). \(f.kind.rawValue) \"\(f.text)\": \(f.reason)\n" }
        }
        return out
    }
}
