import Foundation

/// One sentence (or list item) of a visit note, with where it sits: the 1-based line, and Unicode scalar offsets
/// within the note the sentence was read from.
struct NoteSentence: Equatable, Sendable {
    var text: String
    var line: Int
    var start: Int
    var end: Int
    /// Lowercased text, for cue matching.
    var lower: String
    /// In the part of the note where the visit's problems are assessed and managed (see `VisitNoteText`).
    var inAssessment: Bool
}

/// A visit note cut into sentences, and the part of it that records this visit's assessment and plan.
///
/// Only that part is coded: a diagnosis in the history or a problem list states what the patient has, not what
/// this visit addressed, and office coding reports the conditions the visit assessed or managed. A note with no
/// assessment or plan heading is read whole (a short note is often nothing but its assessment).
struct VisitNoteText: Sendable {
    let sentences: [NoteSentence]

    /// Headings that open the assessment and plan, as the first word(s) of a line, before a colon or on their own.
    static let assessmentHeadings = [
        "assessment and plan", "assessment&plan", "assessment/plan", "assessment and recommendations", "assessment", "a/p",
        "a&p", "a", "p", "plan", "impression and plan", "impression&plan", "impression/plan", "impression and recommendations", "impression",
        "recommendations", "diagnoses", "diagnosis", "dx",
    ]
    /// A "Problems" heading opens the assessment only in a note without any of the headings above: beside them it is
    /// the chart's list of what the patient has, not what this visit assessed.
    static let problemHeadings = ["problems"]

    /// Abbreviations whose period does not end a sentence.
    static let abbreviations: Set<String> = ["dr", "mr", "mrs", "ms", "st", "vs", "no", "approx", "e.g", "i.e", "pt", "wt", "ht"]

    init(_ text: String) {
        var sentences: [NoteSentence] = []
        var offset = 0
        var inAssessment = false
        var lineNumber = 0
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let unlabeledAssessment = Self.unlabeledAssessmentLines(lines)
        let problemsOpen = !lines.contains(where: Self.opensAssessment)
        for line in lines {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            if Self.opensAssessment(line) || (problemsOpen && Self.heading(line, among: Self.problemHeadings) != nil) { inAssessment = true }
            let inAssessment = inAssessment || unlabeledAssessment.contains(lineNumber)
            for (start, end) in Self.sentenceRanges(scalars) {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[start..<end])
                let sentence = String(view)
                sentences.append(NoteSentence(text: sentence, line: lineNumber, start: offset + start, end: offset + end,
                                              lower: sentence.lowercased(), inAssessment: inAssessment))
            }
            offset += scalars.count + 1
        }
        if !sentences.contains(where: \.inAssessment) {
            for i in sentences.indices { sentences[i].inAssessment = true }
        }
        self.sentences = sentences
    }

    /// Headings that open the plan only.
    static let planHeadings: Set<String> = ["p", "plan"]

    /// A note whose only heading of the kind is its plan often states the problems, unlabeled, straight above it
    /// ("Type 2 diabetes and CKD." then "Plan: ..."): the lines (1-based) of the paragraph the plan heading
    /// closes that carry no label of their own ("Exam:", "Reviewed:"). Empty when the note has an assessment,
    /// impression or diagnosis heading, or no plan heading.
    static func unlabeledAssessmentLines(_ lines: [String]) -> Set<Int> {
        var planLine: Int?
        for (i, line) in lines.enumerated() where opensAssessment(line) {
            guard let heading = heading(line), planHeadings.contains(heading) else { return [] }
            if planLine == nil { planLine = i }
        }
        guard let planLine else { return [] }
        var result = Set<Int>()
        var i = planLine - 1
        while i >= 0, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
            if !isLabeled(lines[i]) { result.insert(i + 1) }
            i -= 1
        }
        return result
    }

    /// A line that starts with a short label and a colon ("Exam:", "Reviewed:", "Pt:").
    static func isLabeled(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let label = line[..<colon]
        return label.split(separator: " ").count <= 3 && label.allSatisfy { $0.isLetter || $0 == " " || $0 == "/" || $0 == "&" }
    }

    /// The heading of `headings` that opens `line`, if any. A Markdown or list marker before it ("## ", "# ", "**")
    /// and spaces around a slash or an ampersand ("Assessment / Plan") do not change the heading.
    static func heading(_ line: String, among headings: [String] = assessmentHeadings) -> String? {
        var lower = line.trimmingCharacters(in: .whitespaces).lowercased()
        while let first = lower.first, first == "#" || first == "*" { lower.removeFirst() }
        lower = lower.trimmingCharacters(in: .whitespaces)
        lower = lower.replacingOccurrences(of: #"\s*([/&])\s*"#, with: "$1", options: .regularExpression)
        for heading in headings where lower.hasPrefix(heading) {
            let rest = lower.dropFirst(heading.count)
            if rest.isEmpty || rest.hasPrefix(":") || (heading.count > 2 && rest.hasPrefix(" -")) { return heading }
        }
        return nil
    }

    static func opensAssessment(_ line: String) -> Bool { heading(line) != nil }

    /// Sentence ranges in one line: a list marker ("1.", "-") is left out, and a sentence ends at ".", "?" or
    /// "!" followed by a space, unless the period belongs to a number or a known abbreviation.
    static func sentenceRanges(_ s: [Unicode.Scalar]) -> [(Int, Int)] {
        var i = 0
        while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 }
        // A list marker: digits then "." or ")", or a bullet, then a space.
        var j = i
        while j < s.count, ("0"..."9").contains(s[j]) { j += 1 }
        if j > i, j + 1 < s.count, s[j] == "." || s[j] == ")", s[j + 1] == " " {
            i = j + 2
        } else if i + 1 < s.count, s[i] == "-" || s[i] == "*" || s[i] == "\u{2022}", s[i + 1] == " " {
            i += 2
        }
        var ranges: [(Int, Int)] = []
        var start = i
        var k = i
        while k < s.count {
            let c = s[k]
            if (c == "." || c == "?" || c == "!"), k + 1 == s.count || s[k + 1] == " " {
                if c != "." || !endsWithAbbreviation(s, before: k) {
                    ranges.append((start, k + 1))
                    start = k + 1
                    while start < s.count, s[start] == " " { start += 1 }
                    k = start
                    continue
                }
            }
            k += 1
        }
        var end = s.count
        while end > start, s[end - 1] == " " || s[end - 1] == "\t" || s[end - 1] == "\r" { end -= 1 }
        if end > start { ranges.append((start, end)) }
        return ranges
    }

    static func endsWithAbbreviation(_ s: [Unicode.Scalar], before index: Int) -> Bool {
        var j = index
        while j > 0, s[j - 1].properties.isAlphabetic || s[j - 1] == "." { j -= 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: s[j..<index])
        return abbreviations.contains(String(view).lowercased())
    }
}
