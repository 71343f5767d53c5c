import Foundation

/// How recent a criterion wants its evidence ("within the past 12 months", "within 30 days before the request"),
/// so that a passage whose every date is older than that is not offered: a chest film from 2018 does not
/// show one within the year, however well it matches otherwise.
///
/// Dates are read from the clinician's copy of the passage (the model's copy holds placeholders), and counted
/// back from the visit's date: the request is written at the visit. A passage without a full date gets no
/// verdict here.
struct EvidenceRecency: Equatable {
    /// The longest age, in days, a dated passage may have.
    var days: Int

    private static let window = try! NSRegularExpression(pattern:
        #"\b(?:within|in|during|over)\s+(?:the\s+)?(?:past\s+|last\s+|previous\s+|preceding\s+|prior\s+)?(\d+|one|two|three|four|six|twelve|ninety|thirty)\s+(day|week|month|year)s?\b"#)

    private static let numberWords = ["one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12, "thirty": 30, "ninety": 90]
    private static let unitDays = ["day": 1, "week": 7, "month": 31, "year": 366]

    /// The criterion's window, or nil when it sets none. Of several, the widest: they are usually alternatives.
    init?(_ criterion: String) {
        let text = criterion.lowercased()
        let windows = Self.window.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match -> Int? in
            guard let countRange = Range(match.range(at: 1), in: text), let unitRange = Range(match.range(at: 2), in: text),
                  let count = Int(text[countRange]) ?? Self.numberWords[String(text[countRange])],
                  let unit = Self.unitDays[String(text[unitRange])] else { return nil }
            return count * unit
        }
        guard let widest = windows.max() else { return nil }
        days = widest
    }

    /// Whether every full date of `passage` is older than the window allows, counted back from `reference`.
    func excludes(_ passage: String, reference: Date) -> Bool {
        let dates = Self.dates(in: passage)
        guard !dates.isEmpty else { return false }
        let oldest = reference.addingTimeInterval(-Double(days) * 86_400)
        return dates.allSatisfy { $0 < oldest }
    }

    /// The full dates (with a year) written in `text`.
    static func dates(in text: String) -> [Date] {
        FactExtractor(text).facts().filter { $0.kind == .date }.compactMap { RecordLines.iso($0.key) }.compactMap(date)
    }

    /// The visit's date: the first full date of a line that dates the note ("Date of visit: ...", "DOS ...") among
    /// its first lines, else the latest date in the note outside its plan (a follow-up date is in the future).
    static func visitDate(of rationale: String, passages: [EvidencePassage]) -> Date? {
        for line in rationale.split(separator: "\n", omittingEmptySubsequences: false).prefix(12) {
            let lower = line.lowercased()
            guard ["date", "visit", "dos", "seen", "encounter"].contains(where: lower.contains),
                  !["dob", "birth", "born"].contains(where: lower.contains) else { continue }
            if let first = dates(in: String(line)).first { return first }
        }
        return passages.filter { !$0.inPlanSection && !EvidencePassages.statesIntent($0.text) }.flatMap { dates(in: $0.text) }.max()
    }

    private static func date(_ iso: String) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }
}
