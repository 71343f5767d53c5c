import Foundation

/// Shifts a date expression by a number of days and writes it back in the format it came in:
/// "03/04/2023" -> "04/17/2023", "March 4th" -> "April 17th", "4 Mar 2023" -> "17 Apr 2023",
/// "Mar-2023" -> "Apr-2023", "20230304" -> "20230417". Intervals between shifted dates stay true because
/// every date of a patient moves by the same offset. A date written without a year is shifted within a
/// reference year; a holiday becomes "Month D".
public struct DateShifter: Sendable {
    public let days: Int

    public init(days: Int) { self.days = days }

    private static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    /// Month and day of holidays in a reference year (movable feasts at a typical date).
    static let holidayDates: [String: (Int, Int)] = [
        "christmas": (12, 25), "thanksgiving": (11, 23), "easter": (4, 9), "halloween": (10, 31),
        "new": (1, 1), "independence": (7, 4), "memorial": (5, 29), "labor": (9, 4), "labour": (9, 4),
        "veterans": (11, 11), "mlk": (1, 16), "presidents": (2, 20), "valentine": (2, 14), "mother": (5, 14),
        "father": (6, 18), "juneteenth": (6, 19), "fourth": (7, 4), "hanukkah": (12, 10), "passover": (4, 6),
        "kwanzaa": (12, 26), "diwali": (11, 12), "ramadan": (3, 23), "eid": (4, 21),
    ]

    /// The shifted text, or nil when the expression is not understood.
    public func shift(_ text: String) -> String? {
        let t = TokenizedText(text)
        let numbers = (0..<t.count).filter { t.isNumber($0) }
        guard numbers.allSatisfy({ t.tokens[$0].length <= 8 }) else { return nil }
        let monthWord = (0..<t.count).first { t.isWord($0) && MonthNames.numbers[t.key($0)] != nil }
        var year: Int?, month: Int?, day: Int?
        var yearToken: Int?, monthToken: Int?, dayToken: Int?

        if let mw = monthWord {
            month = MonthNames.numbers[t.key(mw)]
            monthToken = mw
            let short = numbers.filter { t.tokens[$0].length <= 2 }
            for n in numbers where t.tokens[n].length == 4 { year = t.intValue(n); yearToken = n }
            for (position, n) in short.enumerated() {
                let value = t.intValue(n)!
                let apostrophe = t.isSymbol(n - 1, "'")
                // "Mar-23": a lone two-digit number glued to the month by a dash is a year, not a day.
                let gluedYear = short.count == 1 && yearToken == nil && n > mw && n == mw + 2 &&
                    (t.isSymbol(n - 1, "-") || t.isSymbol(n - 1, "/"))
                if apostrophe || gluedYear || (short.count == 2 && position == 1 && yearToken == nil) {
                    year = Self.expandTwoDigitYear(value); yearToken = n
                } else if dayToken == nil {
                    day = value; dayToken = n
                }
            }
        } else if let first = numbers.first {
            let lengths = numbers.map { t.tokens[$0].length }
            let values = numbers.map { t.intValue($0)! }
            switch numbers.count {
            case 3 where lengths[0] == 4:
                (year, month, day) = (values[0], values[1], values[2]); (yearToken, monthToken, dayToken) = (numbers[0], numbers[1], numbers[2])
            case 3:
                let y = lengths[2] == 2 ? Self.expandTwoDigitYear(values[2]) : values[2]
                if values[0] > 12 { (day, month) = (values[0], values[1]); (dayToken, monthToken) = (numbers[0], numbers[1]) }
                else { (month, day) = (values[0], values[1]); (monthToken, dayToken) = (numbers[0], numbers[1]) }
                year = y; yearToken = numbers[2]
            case 2 where lengths[1] == 4:
                (month, year) = (values[0], values[1]); (monthToken, yearToken) = (numbers[0], numbers[1])
            case 2:
                (month, day) = (values[0], values[1]); (monthToken, dayToken) = (numbers[0], numbers[1])
            case 1 where lengths[0] == 8:
                return compact(values[0])
            case 1 where lengths[0] <= 2:
                day = values[0]; dayToken = first
            default:
                return nil
            }
        } else if let w = (0..<t.count).first(where: { t.isWord($0) }), let (m, d) = Self.holidayDates[t.key(w)] {
            guard let shifted = shifted(year: nil, month: m, day: d) else { return nil }
            return "\(MonthNames.full[shifted.month - 1]) \(shifted.day)"
        } else {
            return nil
        }

        let hasDay = day != nil
        guard let shifted = shifted(year: year, month: month ?? 1, day: day ?? 15) else { return nil }
        // "03/04/2023" and "12/31/2023" are written two digits wide; "3/4/23" is not.
        let pad = [monthToken, dayToken].compactMap { $0 }.contains { t.isNumber($0) && t.tokens[$0].length == 2 }
        var pieces: [String] = []
        for k in 0..<t.count {
            let original = t.text(token: k)
            switch k {
            case yearToken:
                let y = shifted.year
                pieces.append(t.tokens[k].length == 2 ? String(format: "%02d", y % 100) : String(y))
            case monthToken where t.isWord(k):
                pieces.append(Self.monthName(shifted.month, like: original, key: t.key(k)))
            case monthToken:
                pieces.append(pad ? String(format: "%02d", shifted.month) : String(shifted.month))
            case dayToken where hasDay:
                pieces.append(pad ? String(format: "%02d", shifted.day) : String(shifted.day))
            default:
                if let d = dayToken, k == d + 1, t.isWord(k), DateRecognizer.ordinalSuffixes.contains(t.key(k)) {
                    let suffix = Self.ordinalSuffix(shifted.day)
                    pieces.append(t.tokens[k].shape == .allCaps ? suffix.uppercased() : suffix)
                } else {
                    pieces.append(original)
                }
            }
        }
        return pieces.joined()
    }

    private func compact(_ value: Int) -> String? {
        let y1 = value / 10000, m1 = (value / 100) % 100, d1 = value % 100
        if (1900...2100).contains(y1), Checksums.isValidDate(year: y1, month: m1, day: d1),
           let s = shifted(year: y1, month: m1, day: d1) {
            return String(format: "%04d%02d%02d", s.year, s.month, s.day)
        }
        let m2 = value / 1_000_000, d2 = (value / 10000) % 100, y2 = value % 10000
        guard let s = shifted(year: y2, month: m2, day: d2) else { return nil }
        return String(format: "%02d%02d%04d", s.month, s.day, s.year)
    }

    /// Adds the offset; a missing year uses a reference year (a leap year when the date is February 29).
    func shifted(year: Int?, month: Int, day: Int) -> (year: Int, month: Int, day: Int)? {
        let referenceYear = (month == 2 && day == 29) ? 2000 : 2001
        let y = year ?? referenceYear
        guard Checksums.isValidDate(year: y, month: month, day: day),
              let date = Self.calendar.date(from: DateComponents(year: y, month: month, day: day)),
              let moved = Self.calendar.date(byAdding: .day, value: days, to: date) else { return nil }
        let c = Self.calendar.dateComponents([.year, .month, .day], from: moved)
        return (c.year!, c.month!, c.day!)
    }

    static func expandTwoDigitYear(_ yy: Int) -> Int { yy <= 40 ? 2000 + yy : 1900 + yy }

    static func ordinalSuffix(_ day: Int) -> String {
        if (11...13).contains(day % 100) { return "th" }
        switch day % 10 {
        case 1: return "st"
        case 2: return "nd"
        case 3: return "rd"
        default: return "th"
        }
    }

    /// A month name in the style of `original`: full or abbreviated, and its letter case.
    static func monthName(_ month: Int, like original: String, key: String) -> String {
        let isFull = MonthNames.full.contains { $0.lowercased() == key }
        let name = isFull ? MonthNames.full[month - 1] : MonthNames.abbreviated[month - 1]
        if original == original.uppercased() && original.count > 1 { return name.uppercased() }
        if original == original.lowercased() { return name.lowercased() }
        return name
    }
}
