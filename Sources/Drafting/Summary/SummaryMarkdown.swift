/// The summary as Markdown for a person: each item with its line references (`L12`, `L40-41`).
extension RecordSummary {
    public var markdown: String {
        func refs(_ citations: [Citation]) -> String {
            let parts = citations.map { $0.lineStart == $0.lineEnd ? "L\($0.lineStart)" : "L\($0.lineStart)-\($0.lineEnd)" }
            return parts.isEmpty ? "" : " _(\(parts.joined(separator: ", ")))_"
        }
        func section(_ title: String, _ items: [String]) -> String {
            "## \(title)\n\n" + (items.isEmpty ? "_None found in the record._\n" : items.map { "- \($0)\n" }.joined())
        }
        var out = "# Record summary\n\n> \(notice)\n\n"
        out += section("Timeline", timeline.map { "**\($0.date)** \($0.event)\(refs($0.citations))" }) + "\n"
        out += section("Problems", ProblemStatus.allCases.flatMap { status in
            problems.filter { $0.status == status }.map { "\($0.name) — \(status.rawValue)\(refs($0.citations))" }
        }) + "\n"
        out += section("Medications", MedicationStatus.allCases.flatMap { status in
            medications.filter { $0.status == status }.map { m in
                let detail = [m.dose, m.frequency].compactMap { $0 }.joined(separator: " ")
                return "\(m.name)\(detail.isEmpty ? "" : " \(detail)") — \(status.rawValue)\(m.date.map { " (as of \($0))" } ?? "")\(refs(m.citations))"
            }
        }) + "\n"
        out += section("Allergies and intolerances", allergies.map {
            "\($0.substance)\($0.reaction.map { ": \($0)" } ?? "")\($0.type == "intolerance" ? " (intolerance)" : "")\(refs($0.citations))"
        }) + "\n"
        out += section("Key results", results.map { "\($0.name) \($0.value)\($0.date.map { " (\($0))" } ?? "")\(refs($0.citations))" }) + "\n"
        if !planned.isEmpty {
            out += section("Planned, not reported done", planned.map { "\($0.date) \($0.event)\(refs($0.citations))" }) + "\n"
        }
        if !unsupported.isEmpty {
            out += "## Not shown as fact (no supporting line found)\n\n" + unsupported.map { "- \($0.category): \($0.text) — \($0.reason)\n" }.joined()
        }
        return out
    }
}
