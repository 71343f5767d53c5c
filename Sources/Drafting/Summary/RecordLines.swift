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
            if let own, Self.isHeadingDate(line: original, column: own.column) { context = own.iso }
            result.append(Line(number: index + 1, original: original,
                               deidentified: index < deidentified.count ? deidentified[index] : "",
                               ownDate: own?.iso, contextDate: context))
        }
        lines = result
    }

    subscript(number: Int) -> Line? { number >= 1 && number <= lines.count ? lines[number - 1] : nil }

    /// A date that dates a whole note: on a short line, near the start of a line, or after a word such as
    /// "Date", "Visit", "DOS", "Admitted", "Collected".
    static func isHeadingDate(line: String, column: Int) -> Bool {
        let lower = line.lowercased()
        // A date of birth dates no note.
        if ["dob", "birth", "born"].contains(where: lower.contains) { return false }
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
