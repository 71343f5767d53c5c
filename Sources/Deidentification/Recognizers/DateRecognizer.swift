/// Dates in the forms clinicians write: 03/04/2023, 3-4-23, 2023-03-04, 20230304, 03/2023, March 4th,
/// Mar 4, 2023, 4 Mar 2023, 4th of March, Mar-2023, March of 2023, "on the 4th", and holidays that date an
/// event ("since Thanksgiving"). Every candidate is validated as a calendar date. Bare years are never dates.
public struct DateRecognizer: Recognizer {
    public let name = "date"
    public let supportedKinds: Set<PHIKind> = [.date]
    public init() {}

    /// Words before a short form ("on 3/4", "since the 4th") that make it a date rather than a ratio or score.
    static let temporalContext: Set<String> = [
        "on", "since", "dated", "date", "dob", "from", "until", "till", "through", "thru", "by", "before", "after",
        "seen", "visit", "admitted", "admission", "discharged", "discharge", "starting", "started", "effective",
        "born", "last", "next", "scheduled", "appointment", "appt", "surgery", "performed", "collected",
        "received", "expires", "exp", "doi", "dos", "dod", "service", "birth", "died", "deceased", "around",
        "over", "during", "at", "this", "past", "of", "to", "between", "and", "returned", "arrived", "called",
        "injury", "onset", "follow", "f/u", "due", "in", "as", "reviewed", "signed", "drawn", "resulted",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ]
    /// Words right before a short form "3/4" that make it a date.
    static let strongDateContext: Set<String> = [
        "on", "since", "dated", "date", "dob", "from", "until", "till", "through", "thru", "by", "before", "after",
        "seen", "visit", "admitted", "discharged", "starting", "started", "effective", "scheduled", "appt",
        "appointment", "surgery", "due", "returned", "dos", "doi", "collected", "received", "last", "next",
        "implanted", "placed", "placement", "removed", "review",
    ]
    /// Weekday names and their abbreviations: written before a date ("Thu 6/11", "Monday, June 1, 2026"), they
    /// are part of it.
    static let weekdays: Set<String> = ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
                                        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    /// Words that may follow a short date "3/4".
    static let afterShortDate: Set<String> = ["at", "and", "or", "to", "for", "with", "visit", "appointment", "appt",
                                              "in", "by", "per", "was", "is", "showed", "shows", "through", "thru"]
    /// Words around "a/b" that make it a score, ratio or vital sign, not a date.
    static let ratioContext: Set<String> = [
        "bp", "pressure", "pain", "strength", "motor", "power", "score", "ratio", "apgar", "gcs", "scale",
        "mmhg", "grade", "rated", "vision", "acuity", "reflexes", "dtr", "dtrs", "murmur", "ef", "x", "times",
        "sets", "reps", "bilaterally", "out", "dilated", "cm", "stage",
    ]
    static let ordinalSuffixes: Set<String> = ["st", "nd", "rd", "th"]
    /// Holidays keyed by their first word; the value lists accepted continuations (empty = single word).
    static let holidays: [String: [[String]]] = [
        "christmas": [["eve"], ["day"], []], "thanksgiving": [["day"], []], "easter": [["sunday"], []],
        "halloween": [[]], "new": [["year", "'", "s", "eve"], ["year", "'", "s", "day"], ["year", "'", "s"],
                                   ["years", "eve"], ["years", "day"], ["years"], ["year"]],
        "fourth": [["of", "july"]],
        "independence": [["day"]], "memorial": [["day"]], "labor": [["day"]], "labour": [["day"]],
        "veterans": [["day"]], "mlk": [["day"]], "presidents": [["day"]], "valentine": [["'", "s", "day"]],
        "mother": [["'", "s", "day"]], "father": [["'", "s", "day"]], "juneteenth": [[]], "hanukkah": [[]],
        "passover": [[]], "kwanzaa": [[]], "diwali": [[]], "ramadan": [[]], "eid": [[]],
    ]

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            if let (end, score) = match(text, at: i) {
                found.append(detection(text.range(weekdayBefore(text, i) ?? i, end), .date, score: score))
                i = end + 1
            } else {
                i += 1
            }
        }
        return found
    }

    /// The weekday written just before the date at `i` ("Sat May 9", "Monday, June 1"), if any. A lower-case
    /// "sun" or "sat" is the word, so abbreviations must be capitalized.
    private func weekdayBefore(_ t: TokenizedText, _ i: Int) -> Int? {
        guard var p = t.previous(i) else { return nil }
        if t.isSymbol(p, ",") || t.isSymbol(p, "."), let q = t.previous(p) { p = q }
        guard t.isWord(p), Self.weekdays.contains(t.key(p)), t.tokens[p].shape != .lower || t.key(p).count > 4,
              !t.scalars[t.tokens[p].end..<t.tokens[i].start].contains("\n") else { return nil }
        return p
    }

    private func match(_ t: TokenizedText, at i: Int) -> (Int, Double)? {
        switch t.kind(i) {
        case .number:
            if let end = dayLed(t, i) { return (end, 0.9) }
            return numeric(t, i)
        case .word:
            if let m = MonthNames.numbers[t.key(i)] { return monthLed(t, i, month: m) }
            return holiday(t, i)
        default:
            return nil
        }
    }

    // MARK: numeric forms

    private func numeric(_ t: TokenizedText, _ i: Int) -> (Int, Double)? {
        let firstLength = t.tokens[i].length
        // A number glued to a preceding identifier ("A12/3") or preceded by "n-" in a longer chain is not a date.
        if i > 0, t.isWord(i - 1) || t.isNumber(i - 1) { return nil }
        if i > 1, t.kind(i - 1) == .symbol, ["-", "/", "."].contains(t.key(i - 1)), t.isNumber(i - 2) { return nil }
        if firstLength == 8 { return compact(t, i) }
        guard i + 2 < t.count, t.kind(i + 1) == .symbol, t.isNumber(i + 2) else {
            return ordinalAlone(t, i)
        }
        let sep = t.key(i + 1)
        if sep == ":" { return exifStyle(t, i) }
        guard sep == "/" || sep == "-" || sep == "." else { return nil }
        // Date parts are at most four digits; longer numbers are something else (and may not fit an Int).
        guard firstLength <= 4, t.tokens[i + 2].length <= 4, let a = t.intValue(i), let b = t.intValue(i + 2) else { return nil }
        let secondLength = t.tokens[i + 2].length
        // Third component?
        if i + 4 < t.count, t.key(i + 3) == sep, t.isNumber(i + 4), !continuesChain(t, after: i + 4) {
            let thirdLength = t.tokens[i + 4].length
            guard thirdLength <= 4, let c = t.intValue(i + 4) else { return nil }
            if firstLength == 4 && secondLength <= 2 && thirdLength <= 2 {            // 2023-03-04
                return Checksums.isValidDate(year: a, month: b, day: c) ? (i + 4, 0.95) : nil
            }
            guard firstLength <= 2, secondLength <= 2, thirdLength == 2 || thirdLength == 4 else { return nil }
            let year = thirdLength == 4 ? c : 2000 + c
            if Checksums.isValidDate(year: year, month: a, day: b) { return (i + 4, 0.95) }   // 03/04/2023
            if Checksums.isValidDate(year: year, month: b, day: a) { return (i + 4, 0.9) }    // 25/12/2023
            return nil
        }
        if continuesChain(t, after: i + 2) { return nil }
        if firstLength == 4 && secondLength == 2 && sep == "-" {                             // 2018-06
            guard (1850...2150).contains(a), (1...12).contains(b) else { return nil }
            return (i + 2, 0.7)
        }
        if firstLength <= 2 && secondLength == 4 {                                           // 03/2023
            guard sep != ".", (1...12).contains(a), (1850...2150).contains(b) else { return nil }
            return (i + 2, 0.8)
        }
        guard firstLength <= 2, secondLength <= 2, sep != "." else { return nil }           // 3/4
        guard Checksums.isValidDate(year: nil, month: a, day: b) else { return nil }
        let before = t.previousSkippingLines(i).flatMap { t.isWord($0) ? t.key($0) : nil }
        // A column gap after the value ("5/1      continue") ends a table cell: nothing follows the date.
        let columnGap = t.isSpace(i + 3) && t.tokens[i + 3].length >= 2
        let after = columnGap ? nil : t.next(i + 2).flatMap { t.isWord($0) ? t.key($0) : nil }
        if let w = before, Self.ratioContext.contains(w) { return nil }
        if let w = after, Self.ratioContext.contains(w) { return nil }
        if t.hasContext(before: i, window: 3, in: ["bp", "pain", "strength", "gcs", "apgar", "motor", "score"]) {
            return nil
        }
        // A clock time after it ("6/11 09:30", "6/2 PM") dates it as strongly as a word before it.
        let timed = after.map { ["am", "pm"].contains($0) } ?? false
            || (t.next(i + 2).map { t.isNumber($0) && t.isSymbol($0 + 1, ":") && t.isNumber($0 + 2) } ?? false)
        let dated = (before.map { Self.strongDateContext.contains($0) } ?? false) || timed || weekdayBefore(t, i) != nil
        if sep == "-" { return dated ? (i + 2, 0.6) : nil }      // "3-4" is usually a range
        if b == 5 || b == 10 { return dated ? (i + 2, 0.6) : nil }  // "4/5", "7/10" read as scores unless dated
        if dated { return (i + 2, 0.75) }
        // "4/6 ADLs", "3/8 IADLs": a fraction of something; a date is followed by punctuation or a preposition.
        if let w = after, !Self.afterShortDate.contains(w) { return nil }
        return (i + 2, 0.55)
    }

    /// "2023:08:14" (the EXIF and DICOM-header form, often followed by a time): four-digit year, then two-digit
    /// month and day, all joined by colons. Anything else with colons is a time ("10:22:31") or a ratio.
    private func exifStyle(_ t: TokenizedText, _ i: Int) -> (Int, Double)? {
        guard t.tokens[i].length == 4, i + 4 < t.count, t.isNumber(i + 2), t.tokens[i + 2].length == 2,
              t.isSymbol(i + 3, ":"), t.isNumber(i + 4), t.tokens[i + 4].length == 2,
              !(i + 5 < t.count && (t.isSymbol(i + 5, ":") || t.isWord(i + 5) || t.isNumber(i + 5))),
              let year = t.intValue(i), let month = t.intValue(i + 2), let day = t.intValue(i + 4),
              Checksums.isValidDate(year: year, month: month, day: day) else { return nil }
        return (i + 4, 0.9)
    }

    /// True when token `i` is followed, without space, by another separator and number ("1-2-3-4").
    private func continuesChain(_ t: TokenizedText, after i: Int) -> Bool {
        // ISO 8601 timestamp: "2024-04-02T08:14:09" — the date ends before the "T".
        if i + 2 < t.count, t.isWord(i + 1), t.key(i + 1) == "t", t.isNumber(i + 2) { return false }
        if i + 1 < t.count, t.isWord(i + 1), t.key(i + 1).hasPrefix("t"), t.tokens[i + 1].length == 1 { return false }
        guard i + 2 < t.count, t.kind(i + 1) == .symbol, t.isNumber(i + 2) else {
            return i + 1 < t.count && (t.isWord(i + 1) && !Self.ordinalSuffixes.contains(t.key(i + 1)))
        }
        return ["/", "-", "."].contains(t.key(i + 1)) && !(t.key(i + 1) == "." && t.tokens[i + 2].length > 2)
    }

    /// 20230304 (year first) or 03042023 (US order), validated.
    private func compact(_ t: TokenizedText, _ i: Int) -> (Int, Double)? {
        if i + 1 < t.count, t.isWord(i + 1) { return nil }
        let v = t.intValue(i)!
        let y1 = v / 10000, m1 = (v / 100) % 100, d1 = v % 100
        if (1900...2100).contains(y1), Checksums.isValidDate(year: y1, month: m1, day: d1) { return (i, 0.7) }
        let m2 = v / 1_000_000, d2 = (v / 10000) % 100, y2 = v % 10000
        if (1900...2100).contains(y2), Checksums.isValidDate(year: y2, month: m2, day: d2) { return (i, 0.6) }
        return nil
    }

    /// "on the 4th", "since the 21st": an ordinal day that dates an event.
    private func ordinalAlone(_ t: TokenizedText, _ i: Int) -> (Int, Double)? {
        guard i + 1 < t.count, t.isWord(i + 1), Self.ordinalSuffixes.contains(t.key(i + 1)),
              let day = t.intValue(i), (1...31).contains(day), t.tokens[i].length <= 2 else { return nil }
        guard let the = t.previous(i), t.key(the) == "the", let p = t.previous(the), t.isWord(p),
              Self.temporalContext.contains(t.key(p)), t.key(p) != "of" else { return nil }
        if let n = t.next(i + 1), t.isWord(n), ["time", "times", "day", "week", "dose", "visit", "cycle",
                                                   "grade", "percentile", "floor", "generation"].contains(t.key(n)) {
            return nil
        }
        return (i + 1, 0.6)
    }

    // MARK: forms with a month name

    /// "4 Mar 2023", "4th of March", "04-Mar-23": a day, then the month name.
    private func dayLed(_ t: TokenizedText, _ i: Int) -> Int? {
        guard t.tokens[i].length <= 2, let day = t.intValue(i), (1...31).contains(day) else { return nil }
        var j = i
        var ordinal = false
        if j + 1 < t.count, t.isWord(j + 1), Self.ordinalSuffixes.contains(t.key(j + 1)) { j += 1; ordinal = true }
        guard var m = t.next(j) else { return nil }
        // "this 3rd day of May, 2024": the legal form of a date in consents and affidavits.
        if ordinal, t.isWord(m), t.key(m) == "day", let of = t.next(m), t.isWord(of), t.key(of) == "of" { m = of }
        var hyphenated = false
        if t.isSymbol(m, "-") || t.isSymbol(m, "/") { hyphenated = true; guard let n = t.next(m) else { return nil }; m = n }
        if t.key(m) == "of", let n = t.next(m) { m = n }
        guard t.isWord(m), let month = MonthNames.numbers[t.key(m)], t.tokens[m].shape != .lower || t.key(m).count > 3,
              Checksums.isValidDate(year: nil, month: month, day: day) else { return nil }
        if t.key(m) == "may" && t.tokens[m].shape == .lower { return nil }
        var end = m
        // "4 Sept. 2023": an abbreviated month keeps its period; "the 5th of January." ends a sentence.
        if t.tokens[m].length <= 4, MonthNames.full.allSatisfy({ $0.lowercased() != t.key(m) }),
           let dot = t.next(end), t.isSymbol(dot, ".") { end = dot }
        // "cycle 5 Feb 27": a day after the month makes it month-led; the number before is something else.
        if !hyphenated, let n = t.next(end), t.isNumber(n), t.tokens[n].length <= 2 { return nil }
        if let y = year(t, after: end, allowTwoDigit: hyphenated) { end = y }
        return end
    }

    /// "March 4th", "Mar 4, 2023", "Mar-2023", "March 2023", "March of 2023", "March".
    private func monthLed(_ t: TokenizedText, _ i: Int, month: Int) -> (Int, Double)? {
        let key = t.key(i)
        let shape = t.tokens[i].shape
        let isFull = key.count > 4 || key == "june" || key == "july" || key == "may"
        if shape == .lower && (!isFull || key == "may" || key == "march") { return nil }
        if i > 0, t.isNumber(i - 1) || t.isWord(i - 1) { return nil }
        var j = i
        if let dot = t.next(j), t.isSymbol(dot, "."), !isFull { j = dot }
        guard var n = t.next(j) else { return standalone(t, i, isFull: isFull) }
        var separated = false
        if t.isSymbol(n, "-") || t.isSymbol(n, "/") || t.isSymbol(n, "'") {
            separated = true
            guard let after = t.next(n) else { return standalone(t, i, isFull: isFull) }
            n = after
        }
        if t.isNumber(n), t.tokens[n].length <= 2, !separated || t.key(n - 1) == "-",
           let day = t.intValue(n), Checksums.isValidDate(year: nil, month: month, day: day) {
            var end = n
            if n + 1 < t.count, t.isWord(n + 1) {
                guard Self.ordinalSuffixes.contains(t.key(n + 1)) else { return standalone(t, i, isFull: isFull) }
                end = n + 1
            }
            // A day range: "Feb 27-28, 2024".
            if t.isSymbol(end + 1, "-") || t.isSymbol(end + 1, "–"), t.isNumber(end + 2), t.tokens[end + 2].length <= 2,
               let d2 = t.intValue(end + 2), Checksums.isValidDate(year: nil, month: month, day: d2) {
                end += 2
            }
            // "Mar 4 mg" or "May 2 times" are not dates; require a plausible follower.
            if let f = t.next(end), t.isWord(f), ["mg", "times", "tabs", "units", "ml", "weeks", "days"].contains(t.key(f)) {
                return nil
            }
            if let y = year(t, after: end, allowTwoDigit: separated) { end = y }
            return (end, 0.9)
        }
        if t.isNumber(n), let y = t.intValue(n), t.tokens[n].length == 4, (1850...2150).contains(y) {
            return (n, 0.85)                                                             // March 2023, Mar-2023
        }
        if separated, t.isNumber(n), t.tokens[n].length == 2 { return (n, 0.7) }     // Mar-23
        if !separated, t.key(n) == "of", let y = t.next(n), t.isNumber(y), t.tokens[y].length == 4 {
            return (y, 0.85)                                                             // March of 2023
        }
        return standalone(t, i, isFull: isFull)
    }

    /// A month name alone ("in March") is a date element; "May" alone is usually the verb.
    private func standalone(_ t: TokenizedText, _ i: Int, isFull: Bool) -> (Int, Double)? {
        guard isFull, t.tokens[i].shape != .lower else { return nil }
        if t.key(i) == "may" {
            // "the end of May." is the month; "May improve" is the verb.
            guard let p = t.previous(i), t.isWord(p), ["of", "in", "since", "until", "through", "during", "early", "late",
                                                         "mid", "last", "next", "this"].contains(t.key(p)),
                  !(t.next(i).map { t.isWord($0) && t.tokens[$0].shape == .lower } ?? false) else { return nil }
        }
        return (i, 0.5)
    }

    /// An optional ", 2023" / " 2023" / " '23" after a day.
    private func year(_ t: TokenizedText, after end: Int, allowTwoDigit: Bool) -> Int? {
        guard var y = t.next(end) else { return nil }
        if t.isSymbol(y, ",") || (allowTwoDigit && (t.isSymbol(y, "-") || t.isSymbol(y, "/"))) {
            guard let n = t.next(y) else { return nil }
            y = n
        }
        if t.isSymbol(y, "'"), y + 1 < t.count, t.isNumber(y + 1), t.tokens[y + 1].length == 2 { return y + 1 }
        guard t.isNumber(y), let v = t.intValue(y) else { return nil }
        if t.tokens[y].length == 4 && (1850...2150).contains(v) { return y }
        if allowTwoDigit && t.tokens[y].length == 2 { return y }
        return nil
    }

    // MARK: holidays

    private func holiday(_ t: TokenizedText, _ i: Int) -> (Int, Double)? {
        guard t.tokens[i].shape != .lower, let continuations = Self.holidays[t.key(i)] else { return nil }
        var end: Int?
        for continuation in continuations {
            var j = i
            var ok = true
            for key in continuation {
                let n = key == "'" || key == "s" ? j + 1 : t.next(j)
                guard let n, n < t.count, t.key(n) == key else { ok = false; break }
                j = n
            }
            if ok { end = j; break }
        }
        guard let end else { return nil }
        // A holiday dates an event only with a temporal word before it ("since Thanksgiving") or a year after.
        let dated = t.hasContext(before: i, window: 2, in: Self.temporalContext)
        if let y = t.next(end), t.isNumber(y), t.tokens[y].length == 4 { return (y, 0.8) }
        return dated ? (end, 0.65) : nil
    }
}
