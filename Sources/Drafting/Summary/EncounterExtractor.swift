import Deidentification
import Foundation

/// The record's encounters as timeline events, read from its structure instead of asked of the model. A chart
/// export is a series of documents, each opened by a short heading line with its date ("Office visit  Mar 2,
/// 2024", "DISCHARGE SUMMARY 03/04/2024"); every such heading is an encounter on that date, whatever a model
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
    /// Longest first, so "assessment/plan" is tried before "assessment".
    static let reasonLabelsLongestFirst = reasonLabels.sorted { $0.count > $1.count }
    /// The words of a line that only labels its date.
    static let dateLabelWords: Set<Substring> = ["date", "dos", "service", "visit", "of", "encounter"]
    static let maximumHeadingLength = 90
    static let maximumHeadingWords = 7
    /// Words of running text that a document title does not hold.
    static let sentenceWords: Set<String> = [
        "the", "with", "at", "on", "to", "through", "will", "was", "were", "is", "are", "has", "had", "she", "he",
        "they", "her", "his", "by", "from", "after", "before", "into", "this", "that",
    ]
    /// A document's reason line is near its heading.
    static let maximumReasonDistance = 60
    static let maximumReasonLength = 120

    static func encounters(in lines: RecordLines) -> [Encounter] {
        var encounters: [Encounter] = []
        for line in lines.lines {
            if let date = line.ownDate, date == line.contextDate {
                if let heading = heading(line) {
                    encounters.append(Encounter(date: date, text: heading, headingLine: line.number, reasonLine: nil))
                    continue
                }
                // "VISIT: Cardiology - New patient" with "Date: 2 March 2024" on the next line.
                if isDateLabel(line), let title = titleAbove(line.number, in: lines) {
                    encounters.append(Encounter(date: date, text: title.text, headingLine: title.number, reasonLine: nil))
                    continue
                }
            }
            // The first reason line after a heading, before the next heading; a label alone on its line
            // ("Assessment:") gives the next line that says something.
            guard var last = encounters.last, last.reasonLine == nil, line.contextDate == last.date,
                  line.number - last.headingLine <= maximumReasonDistance else { continue }
            var reasonText: String?
            if let labelled = reason(line.deidentified) {
                reasonText = labelled
            } else if isBareLabel(line.deidentified) {
                reasonText = lines.lines[line.number...].lazy.map { tidy(withoutPlaceholders($0.deidentified)) }
                    .first { !$0.isEmpty }.map(firstSentence)
            }
            guard let reasonText, !reasonText.isEmpty else { continue }
            last.text += ": " + reasonText
            last.reasonLine = line.number
            encounters[encounters.count - 1] = last
        }
        return encounters
    }

    /// One of `reasonLabels` with nothing after it.
    static func isBareLabel(_ deidentified: String) -> Bool {
        let lower = deidentified.trimmingCharacters(in: .whitespaces).lowercased()
        return reasonLabels.contains { lower == $0 + ":" }
    }

    /// The first sentence, without a list number, cut to `maximumReasonLength`.
    static func firstSentence(_ text: String) -> String {
        var sentence = text.replacingOccurrences(of: #"^\(?\d{1,2}[.)]\s*"#, with: "", options: .regularExpression)
        if let end = sentence.range(of: ". ") { sentence = String(sentence[..<end.lowerBound]) }
        if sentence.count > maximumReasonLength { sentence = String(sentence.prefix(maximumReasonLength)) + "…" }
        return sentence
    }

    /// A line that only labels its date ("Date:", "Date of service:", "DOS").
    static func isDateLabel(_ line: RecordLines.Line) -> Bool {
        let words = withoutPlaceholders(line.deidentified).lowercased().split { !$0.isLetter }
        return !words.isEmpty && words.count <= 3 && words.allSatisfy(dateLabelWords.contains)
    }

    /// The title on one of the two lines above `number` (blank lines and rules skipped), if one names a document.
    static func titleAbove(_ number: Int, in lines: RecordLines) -> (number: Int, text: String)? {
        var candidate = number - 1
        var looked = 0
        while candidate >= 1, looked < 2, let line = lines[candidate] {
            let text = tidy(line.deidentified)
            if !text.isEmpty {
                looked += 1
                if line.ownDate == nil, let title = heading(line) { return (candidate, title) }
            }
            candidate -= 1
        }
        return nil
    }

    /// The heading's words without its date, author, clinic or separators; nil when the line is not a heading of
    /// a clinical document (too long, a result row, no word naming an encounter, a specimen's time stamp).
    static func heading(_ line: RecordLines.Line) -> String? {
        guard line.original.trimmingCharacters(in: .whitespaces).count <= maximumHeadingLength else { return nil }
        let text = withoutPlaceholders(line.deidentified)
        guard !text.lowercased().contains("collected") else { return nil }
        let words = text.lowercased().split { !($0.isLetter || $0 == "/" || $0 == "&" || $0 == "-") }.map(String.init)
        // A title names a document in a few words; a dated sentence ("She will call to reschedule") is none.
        guard words.count <= maximumHeadingWords, !words.contains(where: sentenceWords.contains),
              !text.contains(". "), !text.contains("..") else { return nil }
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
        for label in reasonLabelsLongestFirst where lower.hasPrefix(label) {
            let rest = trimmed.dropFirst(label.count).drop { $0 == " " }
            guard let colon = rest.first, colon == ":" || colon == "-" else { continue }
            let reason = firstSentence(tidy(withoutPlaceholders(String(rest.dropFirst()))))
            return reason.isEmpty ? nil : reason
        }
        return nil
    }

    static let credentials = #"(Dr|MD|DO|NP|PA-C|PA|PNP|RN|CNM|FNP|APRN|DNP|PhD|RD|CDE|LCSW)"#

    /// The text without placeholders, credentials and clock times; a parenthesis holding an identifier or a
    /// credential ("(seen by Dr. [NAME_1])", "(R. Ito, PNP)") goes whole.
    static func withoutPlaceholders(_ text: String) -> String {
        text.replacingOccurrences(of: #"\([^()]*("# + PlaceholderTagger.pattern + #"|\b"# + credentials + #"\b)[^()]*\)"#, with: " ",
                                  options: .regularExpression)
            .replacingOccurrences(of: PlaceholderTagger.pattern, with: " ", options: .regularExpression)
            .replacingOccurrences(of: #"\b"# + credentials + #"\b\.?"#, with: " ", options: .regularExpression)
            .replacingOccurrences(of: #"\b\d{1,2}:\d{2}\b"#, with: " ", options: .regularExpression)
    }

    /// Collapses spaces, drops rules of -, *, = and |, empty parentheses and separators left at either end.
    static func tidy(_ text: String) -> String {
        var t = text.replacingOccurrences(of: #"[-*=_|#~]{2,}"#, with: " ", options: .regularExpression)
        t = t.replacingOccurrences(of: #"\(\s*[,;.\s]*\)"#, with: " ", options: .regularExpression)
        t = t.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        t = t.replacingOccurrences(of: #" ([,:;.])"#, with: "$1", options: .regularExpression)
        return t.trimmingCharacters(in: CharacterSet(charactersIn: " -–—*|:,;/").union(.whitespaces))
    }
}
