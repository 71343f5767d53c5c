import Foundation

/// Z68 body mass index codes beside an obesity or overweight diagnosis.
///
/// The guidelines report a BMI code only with an associated condition the provider documents (E66 obesity or
/// overweight), and the value may come from any clinician's entry: the BMI in the diagnosis's own sentence, else the
/// note's first. The adult codes (age 20 and over) are chosen by the ranges their titles give, read from the table;
/// a patient the note gives an age under 20 needs a percentile code, which a value alone does not give.
enum BodyMassIndex {
    nonisolated(unsafe) static let stated = try! Regex(#"\bbmi\b\s*(?:of|is|was|:|=|-)?\s*(\d{2}(?:\.\d+)?)"#).ignoresCase()
    nonisolated(unsafe) static let age = try! Regex(#"\b(\d{1,3})[- ]?(?:years?|yrs?|yo|y/o|y\.o\.)[- ]?(?:old)?\b"#).ignoresCase()
    nonisolated(unsafe) static let range = try! Regex(#"(\d+(?:\.\d)?)(?:-(\d+(?:\.\d)?)| or (less|greater))"#)

    static func value(in text: String) -> Double? {
        text.firstMatch(of: stated).flatMap { $0.output[1].substring.flatMap { Double($0) } }
    }

    static func isAdult(_ note: String) -> Bool {
        guard let years = note.firstMatch(of: age).flatMap({ $0.output[1].substring.flatMap { Int($0) } }) else { return true }
        return years >= 20
    }

    /// The adult code whose title's range holds the value, at the one decimal the titles use.
    static func code(for bmi: Double, in table: ICD10Table) -> ICD10Entry? {
        let value = (bmi * 10).rounded(.down) / 10
        return table.entries.first { entry in
            guard entry.code.hasPrefix("Z68"), entry.billable, entry.description.hasSuffix("adult"),
                  let match = entry.description.firstMatch(of: range), let low = match.output[1].substring.flatMap({ Double($0) }) else { return false }
            if let high = match.output[2].substring.flatMap({ Double($0) }) { return value >= low && value <= high }
            return match.output[3].substring == "less" ? value <= low : value >= low
        }
    }
}
