/// The summary as Markdown for a person: each item with its line references (`L12`, `L40-41`).
extension RecordSummary {
    static func references(_ citations: [Citation]) -> String {
        let parts: [String] = citations.map { c in
            c.lineStart == c.lineEnd ? "L\(c.lineStart)" : "L\(c.lineStart)-\(c.lineEnd)"
        }
        return parts.isEmpty ? "" : " _(" + parts.joined(separator: ", ") + ")_"
    }

    static func section(_ title: String, _ items: [String]) -> String {
        var out = "## " + title + "\n\n"
        if items.isEmpty { return out + "_None found in the record._\n\n" }
        for item in items { out += "- " + item + "\n" }
        return out + "\n"
    }

    static func line(_ medication: MedicationItem) -> String {
        var line = medication.name
        for detail in [medication.dose, medication.frequency] { if let detail { line += " " + detail } }
        line += " — " + medication.status.rawValue
        if let date = medication.date { line += " (as of " + date + ")" }
        return line + references(medication.citations)
    }

    static func line(_ allergy: AllergyItem) -> String {
        var line = allergy.substance
        if let reaction = allergy.reaction { line += ": " + reaction }
        if allergy.type == "intolerance" { line += " (intolerance)" }
        return line + references(allergy.citations)
    }

    static func line(_ result: ResultItem) -> String {
        var line = result.name + " " + result.value
        if let date = result.date { line += " (" + date + ")" }
        return line + references(result.citations)
    }

    static func line(_ event: TimelineItem, bold: Bool) -> String {
        (bold ? "**" + event.date + "** " : event.date + " ") + event.event + references(event.citations)
    }

    public var markdown: String {
        var out = "# Record summary\n\n> " + notice + "\n\n"
        out += Self.section("Timeline", timeline.map { Self.line($0, bold: true) })
        var problemLines: [String] = []
        for status in ProblemStatus.allCases {
            for p in problems where p.status == status { problemLines.append(p.name + " — " + status.rawValue + Self.references(p.citations)) }
        }
        out += Self.section("Problems", problemLines)
        var medicationLines: [String] = []
        for status in MedicationStatus.allCases {
            for m in medications where m.status == status { medicationLines.append(Self.line(m)) }
        }
        out += Self.section("Medications", medicationLines)
        out += Self.section("Allergies and intolerances", allergies.map(Self.line))
        out += Self.section("Key results", results.map(Self.line))
        if !planned.isEmpty { out += Self.section("Planned, not reported done", planned.map { Self.line($0, bold: false) }) }
        if !unsupported.isEmpty {
            out += "## Not shown as fact (no supporting line found)\n\n"
            for u in unsupported { out += "- " + u.category + ": " + u.text + " — " + u.reason + "\n" }
        }
        return out
    }
}
