import Foundation
import Inference

/// The five things a summary collects, each asked for on its own after one shared block holding a chunk of
/// the de-identified record with numbered lines: the block is evaluated once per chunk and each question
/// has its own token budget, so one long list cannot crowd out the others.
enum SummaryCategory: String, CaseIterable, Sendable {
    case medications, problems, allergies, results, events

    /// Fields of one answer line, before the line number.
    var fieldCount: Int {
        switch self {
        case .medications: return 4
        case .problems, .allergies, .results: return 2
        case .events: return 1
        }
    }

    var request: String {
        switch self {
        case .medications:
            return """
                List every medication of the patient that these lines name, one per line, as:
                - name | dose | frequency | status | L<line number>
                status is one of current, stopped, changed, planned. Write ? for a dose or frequency the line does not give.
                """
        case .problems:
            return """
                List the patient's own diagnoses and problems that these lines name, one per line, as:
                - problem | status | L<line number>
                status is one of active, resolved, historical. Leave out family members' conditions and anything the lines say is absent or ruled out.
                """
        case .allergies:
            return """
                List the patient's allergies and intolerances that these lines state, one per line, as:
                - substance | reaction | L<line number>
                Write ? for a reaction the line does not give.
                """
        case .results:
            return """
                List the measured test results in these lines (labs, vital signs, scores, imaging measurements), one per line, as:
                - test | value with unit | L<line number>
                """
        case .events:
            return """
                List the clinical events these lines report as done (visits, procedures, admissions, new diagnoses, medication starts and stops), one per line, as:
                - what happened | L<line number>
                Leave out anything planned, scheduled or referred but not yet done.
                """
        }
    }

    /// A grammar for the answer: "NONE", or lines of `- field | ... | L<digits>`. Fields are free text without
    /// a line break or bar, of bounded length, so an answer always parses.
    var grammar: String {
        let fields = Array(repeating: "field \" | \"", count: fieldCount).joined(separator: " ")
        return """
            root ::= "NONE" | item+
            item ::= "- " \(fields) "L" [1-9] [0-9]{0,5} "\\n"
            field ::= [^|\\n] [^|\\n]{0,80}
            """
    }
}

/// One answer line of the model: the fields and the line number it cites.
struct ExtractedLine: Equatable {
    var fields: [String]
    var line: Int
}

enum ExtractionPrompts {
    static let instructions = """
        You extract facts from part of a patient record for a clinician's summary. Each record line starts with its number, like L12:.
        Rules:
        - Copy names, doses and values exactly as the record writes them. Never add anything the lines do not say.
        - End every item with the number of the line it comes from.
        - Keep placeholders such as [NAME_1] or [DATE_2] as written.
        - If there is nothing to list, answer NONE.
        """

    static func messages(chunk: String, firstLine: Int, lastLine: Int, category: SummaryCategory) -> [ChatMessage] {
        [
            ChatMessage(role: .system, content: instructions),
            ChatMessage(role: .user, content: "Record lines L\(firstLine) to L\(lastLine):\n<<<\n\(chunk)\n>>>\n\n\(category.request)"),
        ]
    }

    /// Reads answer lines; anything that is not `- a | b | L12` is skipped (the grammar makes that rare).
    static func parse(_ answer: String, category: SummaryCategory) -> [ExtractedLine] {
        var items: [ExtractedLine] = []
        for raw in answer.split(separator: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("-") || line.hasPrefix("*") else { continue }
            line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
            var fields = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2, let cited = lineNumber(fields.removeLast()) else { continue }
            fields = fields.map(withoutCutPlaceholder)
            while fields.count < category.fieldCount { fields.append("?") }
            guard !fields[0].isEmpty, fields[0] != "?" else { continue }
            items.append(ExtractedLine(fields: Array(fields.prefix(category.fieldCount)), line: cited))
        }
        return items
    }

    /// A field the grammar's length limit cut inside a placeholder ("... ([DATE") without the fragment (which
    /// restores to nothing and would show as text) and the bracket or separator left before it.
    static func withoutCutPlaceholder(_ field: String) -> String {
        guard let cut = field.range(of: #"\[[A-Z_]*\d*$"#, options: .regularExpression) else { return field }
        return String(field[..<cut.lowerBound]).trimmingCharacters(in: CharacterSet(charactersIn: " ([,;:-"))
    }

    /// "L12", "L 12", "line 12", "12" -> 12.
    static func lineNumber(_ field: String) -> Int? {
        var text = field.lowercased()
        for prefix in ["line", "l"] where text.hasPrefix(prefix) { text = String(text.dropFirst(prefix.count)); break }
        let digits = text.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }
        return Int(digits)
    }
}
