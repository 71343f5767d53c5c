import Foundation

/// The record's encounters as timeline events, read from its structure instead of asked of the model. A chart
/// export is a series of documents, each opened by a short heading line with its date ("Sick visit  Jan 9,
/// 2023", "DISCHARGE SUMMARY 03/04/2024"); every such heading is an encounter on that date, whatever a model
/// makes of the chunk it falls in. The document's own statement of what it was about (a "Dx:", "Assessment:",
/// "Impression:" or "Reason for visit:" line) is added, so the event says why, and both lines are cited.
///
/// The event is built from the de-identified lines with every placeholder left out (a heading's author or
/// clinic name is no part of the event), so it carries no identifier of its own.
enum EncounterExtractor {
    struct Encounter: Equatable {
        var date: String
        var text: String
        var headingLine: Int
        var reasonLine: Int?
    }

    /// Words that name a kind of clinical document or encounter (the start of a word in the heading).
    static let encounterWords = [
        "visit", "check", "consult", "note", "admission", "admit", "discharge", "ed", "er", "emergency", "telephone",
        "phone", "call", "follow", "f/u", "procedure", "surgery", "surgical", "operative", "clinic", "progress", "h&p",
        "letter", "report", "x-ray", "xray", "mri", "ct", "echo", "ultrasound", "colonoscopy", "endoscopy", "egd",
        "audiology", "infusion", "well", "annual", "physical", "telehealth", "video", "urgent", "office", "hospital",
        "encounter", "evaluation", "eval", "review", "labs", "imaging", "pathology", "therapy", "session", "prenatal",
        "postpartum", "delivery", "injection", "biopsy", "scan", "portal", "message", "referral", "triage", "exam",
    ]
    /// Labels of the line that says what an encounter was about.
    static let reasonLabels = [
        "dx", "diagnosis", "diagnoses", "assessment", "impression", "imp", "a/p", "a&p", "assessment/plan",
        "assessment and plan", "reason for visit", "chief complaint", "cc", "reason for referral", "indication",
        "reason for admission", "admitting diagnosis", "discharge diagnosis", "discharge diagnoses", "procedure",
    ]
    static let maximumHeadingLength = 90
    static let maximumReasonLength = 120

    static func encounters(in lines: RecordLines) -> [Encounter] {
        var encounters: [Encounter] = []
        for line in lines.lines {
            if let date = line.ownDate, date == line.contextDate, let heading = heading(line) {
                encounters.append(Encounter(date: date, text: heading, headingLine: line.number, reasonLine: nil))
                continue
            }
            // The first reason line after a heading, before the next heading.
            guard var last = encounters.last, last.reasonLine == nil, line.contextDate == last.date,
                  let reason = reason(line.deidentified) else { continue }
            last.text += ": " + reason
            last.reasonLine = line.number
            encounters[encounters.count - 1] = last
        }
        return encounters
    }

    /// The heading's words without its date, author, clinic or separators; nil when the line is not a heading of
    /// a clinical document (too long, a result row, no word naming an encounter).
    static func heading(_ line: RecordLines.Line) -> String? {
        guard line.original.trimmingCharacters(in: .whitespaces).count <= maximumHeadingLength else { return nil }
        let text = withoutPlaceholders(line.deidentified)
        let words = text.lowercased().split { !($0.isLetter || $0 == "/" || $0 == "&" || $0 == "-") }.map(String.init)
        guard words.contains(where: { word in encounterWords.contains { word == $0 || (word.hasPrefix($0) && $0.count >= 4) } }) else {
            return nil
        }
        // A result row ("A1C 7.4 %", "Hgb 11.2 g/dL") is dated like a heading but is no encounter.
        let facts = FactExtractor(text).facts()
        func isMeasurement(_ fact: ClinicalFact) -> Bool {
            guard fact.kind == .number, !fact.key.contains(" ") else { return fact.kind == .dose }
            return fact.key.contains(".") || fact.key.contains("/") || fact.key.filter(\.isNumber).count >= 3
        }
        if facts.contains(where: isMeasurement) {
            return nil
        }
        return tidy(text)
    }

    /// The reason a line gives after one of `reasonLabels`, first sentence only; nil for any other line.
    static func reason(_ deidentified: String) -> String? {
        let trimmed = deidentified.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        for label in reasonLabels.sorted(by: { $0.count > $1.count }) where lower.hasPrefix(label) {
            let rest = trimmed.dropFirst(label.count).drop { $0 == " " }
            guard let colon = rest.first, colon == ":" || colon == "-" else { continue }
            var reason = tidy(withoutPlaceholders(String(rest.dropFirst())))
            if let end = reason.range(of: ". ") { reason = String(reason[..<end.lowerBound]) }
            if reason.count > maximumReasonLength { reason = String(reason.prefix(maximumReasonLength)) + "…" }
            return reason.isEmpty ? nil : reason
        }
        return nil
    }

    static func withoutPlaceholders(_ text: String) -> String {
        // A parenthesis holding an identifier ("(seen by Dr. [NAME_1])") goes whole.
        text.replacingOccurrences(of: #"\([^()]*\[[A-Z_]+_\d+\][^()]*\)"#, with: " ", options: .regularExpression)
            .replacingOccurrences(of: #"\[[A-Z_]+_\d+\]"#, with: " ", options: .regularExpression)
            .replacingOccurrences(of: #"\b(Dr|MD|DO|NP|PA|PNP|RN|PA-C|FNP|APRN)\b\.?"#, with: " ", options: .regularExpression)
    }

    /// Collapses spaces, drops rules of -, *, = and |, empty parentheses and separators left at either end.
    static func tidy(_ text: String) -> String {
        var t = text.replacingOccurrences(of: #"[-*=_|#~]{2,}"#, with: " ", options: .regularExpression)
        t = t.replacingOccurrences(of: #"\(\s*[,;.\s]*\)"#, with: " ", options: .regularExpression)
        t = t.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        return t.trimmingCharacters(in: CharacterSet(charactersIn: " -–—*|:,;/").union(.whitespaces))
    }
}
