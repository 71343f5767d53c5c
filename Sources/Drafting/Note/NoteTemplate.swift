/// The sections a note is written in, each with what belongs in it. The default is SOAP; a practice's own
/// template is a text file whose heading lines (`HPI:`, `## Exam`, `ASSESSMENT AND PLAN`) name the sections,
/// with any lines under a heading taken as guidance for that section.
public struct NoteTemplate: Codable, Equatable, Sendable {
    public struct Section: Codable, Equatable, Sendable {
        public var title: String
        public var guidance: String
        public init(title: String, guidance: String) {
            self.title = title
            self.guidance = guidance
        }
    }

    public var sections: [Section]

    public init(sections: [Section]) { self.sections = sections }

    public static let soap = NoteTemplate(sections: [
        Section(title: "Subjective", guidance: "the reason for the visit, the symptoms and history as the patient reported them, pertinent negatives that the shorthand states, and the medications the patient takes as given"),
        Section(title: "Objective", guidance: "vital signs, examination findings and test results that the shorthand states, with their numbers as written"),
        Section(title: "Assessment", guidance: "the diagnoses or problems the shorthand names, as the clinician stated them, without adding new ones"),
        Section(title: "Plan", guidance: "each plan item of the shorthand: medication changes with dose and frequency, tests, referrals, instructions and follow-up"),
    ])

    /// Parses a template file. Errors name the line.
    public static func parse(_ text: String, source: String) throws(DraftingError) -> NoteTemplate {
        var sections: [Section] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if let title = heading(line) {
                guard title.count <= 80 else { throw .template(source: source, "line \(index + 1): a heading of over 80 characters") }
                sections.append(Section(title: title, guidance: ""))
            } else if !sections.isEmpty {
                sections[sections.count - 1].guidance += (sections[sections.count - 1].guidance.isEmpty ? "" : " ") + line
            } else {
                throw .template(source: source, "line \(index + 1): text before the first heading (a heading is a line ending in ':' or starting with '#')")
            }
        }
        guard !sections.isEmpty else { throw .template(source: source, "no section headings (lines ending in ':' or starting with '#')") }
        guard sections.count <= 20 else { throw .template(source: source, "\(sections.count) sections; at most 20") }
        for i in sections.indices where sections[i].guidance.isEmpty {
            sections[i].guidance = "what the shorthand says that belongs under \(sections[i].title)"
        }
        return NoteTemplate(sections: sections)
    }

    /// "HPI:" -> "HPI", "## Exam" -> "Exam"; a heading ends in a colon with nothing after it, or starts with '#'.
    static func heading(_ line: String) -> String? {
        if line.hasPrefix("#") {
            let title = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            return title.isEmpty ? nil : title
        }
        if line.hasSuffix(":"), line.count > 1 {
            return String(line.dropLast()).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}

import Foundation
