import DraftStore

extension CodingResult: StorableDraft {
    public var storedTask: DraftTask { .coding }
    public var storedText: String { report }

    /// The result for a person: each code with its evidence, then the visit level with the elements of each
    /// column, the level above and what it would need.
    public var report: String {
        var lines: [String] = [notice, confirmation, ""]
        lines.append("ICD-10-CM suggestions (checked against the \(codeTable)):")
        if diagnoses.isEmpty { lines.append("  none: no assessed condition matched a billable code; a coder codes this note by hand") }
        for (i, diagnosis) in diagnoses.enumerated() {
            lines.append("\(i + 1). \(diagnosis.code)  \(diagnosis.description)")
            lines.append("   evidence (line \(diagnosis.evidence.line), offsets \(diagnosis.evidence.start)-\(diagnosis.evidence.end)): \"\(diagnosis.evidence.quote)\"")
            if let more = diagnosis.moreSpecific { lines.append("   more specific: \(more)") }
        }
        lines.append("")
        var heading = "E/M office visit: \(visit.code) (\(visit.patient.rawValue) patient; MDM \(visit.mdmLevel.name) -> \(visit.mdmCode)"
        if let minutes = visit.timeMinutes {
            heading += "; total time \(minutes) min"
            if let timeCode = visit.timeCode { heading += " -> \(timeCode)" }
        }
        heading += "; level from \(visit.basis == "time" ? "time" : "two of three MDM columns"))"
        lines.append(heading)
        for column in visit.columns {
            lines.append("  \(column.column.rawValue): \(column.level)")
            if column.elements.isEmpty { lines.append("    - nothing documented") }
            for element in column.elements {
                var line = "    - \(element.element) (line \(element.evidence.line))"
                if !element.counted { line += " [not counted: \(element.reason ?? "")]" }
                lines.append(line)
            }
        }
        if let next = visit.nextLevel { lines.append("  next level up: \(next)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
