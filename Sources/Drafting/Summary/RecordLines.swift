import Foundation

/// A record as numbered lines, the original and the de-identified text side by side (same numbering), with
/// the date each line belongs to: its own date where it states one, else the date of the note it sits in.
struct RecordLines {
    struct Line {
        var number: Int
        var original: String
        var deidentified: String
        /// ISO date of the first full date on this line, if any.
        var ownDate: String?
        /// The date of the note or report this line belongs to (the latest heading date above it).
        var contextDate: String?
        /// The line's own date, else its note's.
        var date: String? { ownDate ?? contextDate }
    }

    let lines: [Line]

    init(_ protected: ProtectedText) {
        let originals = protected.original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let deidentified = protected.deidentified.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var result: [Line] = []
        var context: String?
        for (index, original) in originals.enumerated() {
            // Dates are read from the original line, locally: the model only ever saw placeholders for them.
            let own = FactExtractor(original).facts().lazy.filter { $0.kind == .date }.compactMap { fact in
                Self.iso(fact.key).map { (column: fact.start, iso: $0) }
            }.first
            // A lab list's or flowsheet's dates are its results', not a new note's.
            if let own, Self.isHeadingDate(line: original, column: own.column), LabListExtractor.listItems(original) == nil,
               LabListExtractor.flowsheetColumns(original, near: context) == nil {
                context = own.iso
            }
            result.append(Line(number: index + 1, original: original,
                               deidentified: index < deidentified.count ? deidentified[index] : "",
                               ownDate: own?.iso, contextDate: context))
        }
        lines = result
    }

    subscript(number: Int) -> Line? { number >= 1 && number <= lines.count ? lines[number - 1] : nil }

    /// The date of what line `number` says about `word`: a date written in the word's own sentence or clause
    /// ("Surgery on 5/2/2024. On 5/3/2024 Hgb was 9.1" dates the Hgb 5/3), a year-less one read in the
    /// year of the note around it; else the line's own date, else its note's.
    func date(of word: String, onLine number: Int) -> String? {
        guard let line = self[number] else { return nil }
        let word = word.lowercased()
        guard !word.isEmpty, let clause = line.original.split(separator: Self.clauseBreak).first(where: { $0.lowercased().contains(word) })
        else { return line.date }
        return Self.date(of: FactExtractor(String(clause)).facts(), on: line)
    }

    /// The first date among a clause's facts, a year-less one read in the year of the line's note; else the
    /// line's date.
    static func date(of clauseFacts: [ClinicalFact], on line: Line) -> String? {
        clauseFacts.first { $0.kind == .date }.flatMap { iso($0.key, near: line.contextDate) } ?? line.date
    }

    nonisolated(unsafe) static let clauseBreak = try! Regex(#"\.\s|;\s"#)

    /// A date key with or without its year as ISO; a year-less one takes the year that puts it at most two
    /// months after the note's date (a January note's "12/28" is the December before).
    static func iso(_ key: String, near context: String?) -> String? {
        if let full = iso(key) { return full }
        let parts = key.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, let context, let year = Int(context.prefix(4)) else { return nil }
        let candidate = String(format: "%04d-%02d-%02d", year, parts[0], parts[1])
        return candidate > day(context, plus: 60) ? String(format: "%04d-%02d-%02d", year - 1, parts[0], parts[1]) : candidate
    }

    /// The ISO day `days` after `iso` (ISO strings compare in date order).
    static func day(_ iso: String, plus days: Int) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return iso }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              let later = calendar.date(byAdding: .day, value: days, to: start) else { return iso }
        let c = calendar.dateComponents([.year, .month, .day], from: later)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// A date that dates a whole note: on a short line, near the start of a line, or after a word such as
    /// "Date", "Visit", "DOS", "Admitted", "Collected".
    static func isHeadingDate(line: String, column: Int) -> Bool {
        let lower = line.lowercased()
        // A date of birth dates no note; nor does the date a drug was stopped, started or changed ("warfarin -
        // stopped 05/20/2022" in a later note's list).
        if ["dob", "birth", "born"].contains(where: lower.contains) { return false }
        // A report's comparison study ("Comparison: CT 10/14/2022") is an older document, not this one.
        if ["comparison", "compared with", "compared to", "prior study"].contains(where: lower.trimmingCharacters(in: .whitespaces).hasPrefix) { return false }
        let beforeDate = String(line.unicodeScalars.prefix(column)).lowercased()
        if (ItemVerifier.stopCues + ItemVerifier.startCues + ItemVerifier.changeCues).contains(where: beforeDate.contains) { return false }
        if line.count <= 60 || column <= 12 { return true }
        return ["date", "visit", "dos", "seen on", "admi", "discharg", "encounter", "collected", "reported", "note"].contains { lower.contains($0) }
    }

    /// A date fact's key ("3-12-2024") as ISO ("2024-03-12"); nil without a year.
    static func iso(_ key: String) -> String? {
        let parts = key.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return String(format: "%04d-%02d-%02d", parts[2], parts[0], parts[1])
    }
}

import Foundation
