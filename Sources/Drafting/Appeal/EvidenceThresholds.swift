import Foundation

/// The measured values a payer's criterion sets a limit on ("oxygen saturation of 92% or below", "a potassium of
/// 5.5 mmol/L or higher", "an ejection fraction below 40%"), so that a passage whose values in that unit all fall on
/// the wrong side is not offered as evidence: a saturation of 95% does not show one of 92% or below, however many
/// words it shares with the criterion.
///
/// Only limits with a unit of measurement are read: a bare number may be a count, a score or a duration, and a
/// passage in other units ("0.6 x10^9/L" against "cells/mcL") gets no verdict here, only from the model.
struct EvidenceThreshold: Equatable {
    enum Comparison: Equatable { case atLeast, above, atMost, below }

    var comparison: Comparison
    var value: Double
    /// Normalised unit ("%", "mg/dl", "mmhg", "cells/mcl", "kg/m2", "mmol/l", "ng/ml", "nmol/l").
    var unit: String
    /// The scale or measure the criterion names just before the limit ("karnofsky", "bmi"), whose number a passage may
    /// give without a unit ("BMI 37.5", "Karnofsky 50").
    var label: String? = nil

    func isMet(by number: Double) -> Bool {
        switch comparison {
        case .atLeast: number >= value
        case .above: number > value
        case .atMost: number <= value
        case .below: number < value
        }
    }
}

enum EvidenceThresholds {
    /// The unit spellings read, each with its normalised form and the factor that converts a value to it (a mass
    /// concentration in g/L is 100 times the same one in mg/dL).
    static let units: [(spelling: String, unit: String, factor: Double)] = [
        ("%", "%", 1), ("percent", "%", 1), ("mg/dl", "mg/dl", 1), ("g/dl", "mg/dl", 1000), ("g/l", "mg/dl", 100), ("mg/l", "mg/dl", 0.1),
        ("mmol/l", "mmol/l", 1), ("ng/ml", "ng/ml", 1), ("nmol/l", "nmol/l", 1), ("mm hg", "mmhg", 1), ("mmhg", "mmhg", 1),
        ("cells/mcl", "cells/mcl", 1), ("cells/µl", "cells/mcl", 1), ("cells/ul", "cells/mcl", 1), ("/mcl", "cells/mcl", 1),
        ("/µl", "cells/mcl", 1), ("kg/m2", "kg/m2", 1), ("kg/m²", "kg/m2", 1),
        // A pressure in centimetres of water is no length; listed first so that it is read whole.
        ("cm h2o", "cmh2o", 1), ("cmh2o", "cmh2o", 1), ("cm", "cm", 1), ("mm", "cm", 0.1),
    ]

    /// Scales and measures a record writes as a name and a number ("Karnofsky 50", "BMI 37.5", "AHI 9.6"): a limit a
    /// criterion sets on one holds for the number written after its name, with or without a unit.
    static let scales = ["karnofsky", "kps", "ecog", "body mass index", "bmi", "apnea-hypopnea index", "ahi", "respiratory disturbance index",
                         "rdi", "oxygen desaturation index", "odi", "ejection fraction", "lvef", "phq-9", "gad-7", "moca", "mmse",
                         "pasi", "das28", "cdai", "incat", "hba1c", "a1c", "ldl", "egfr", "fev1", "inr", "edss", "nihss", "basdai",
                         "haq", "epworth", "ess", "psa", "ferritin", "hemoglobin", "platelets", "platelet count"]

    private static let number = #"(\d+(?:,\d{3})*(?:\.\d+)?)"#
    private static let unitPattern = units.map { NSRegularExpression.escapedPattern(for: $0.spelling) }.joined(separator: "|")

    /// "at least 200 cells/mcL", "below 40%", "92% or below", "of 5.5 mmol/L or higher".
    private static let limit = try! NSRegularExpression(pattern:
        #"(at least|no less than|not less than|at most|no more than|below|less than|under|lower than|fewer than|above|more than|greater than|over|higher than|exceeding|≥|≤|>=|<=|<|>)?\s*"#
        + number + #"\s*("# + unitPattern + #")(\s+or\s+(?:below|less|lower|fewer|under|above|more|higher|greater))?"#)

    /// A value with its unit, in a passage.
    private static let measured = try! NSRegularExpression(pattern: number + #"\s*("# + unitPattern + #")(?![a-z])"#)
    /// Dimensions with one unit ("2.1 x 0.7 cm", "16 x 12 x 8 mm"): every number is a measure in it.
    private static let dimensions = try! NSRegularExpression(pattern:
        number + #"\s*[x×]\s*"# + number + #"(?:\s*[x×]\s*"# + number + #")?\s*("# + unitPattern + #")(?![a-z])"#)
    /// A value given as what it was before ("(was 3.3 cm)", "down from 112 mg/dL"): the passage's finding is the other one.
    private static let earlierValue = try! NSRegularExpression(pattern:
        #"\((?:was|previously|prior|baseline|from|down from|up from)\b[^)]*\)|\b(?:down|up|decreased|increased|improved|reduced|fell|rose) from\s+\d[\d.,]*(?:\s*[x×]\s*\d[\d.,]*)*\s*[^\s,;)]*"#)

    /// A limit with no unit ("of 70 or higher", "at least 15"), read only after a scale's name.
    private static let bareLimit = try! NSRegularExpression(pattern:
        #"(at least|no less than|not less than|at most|no more than|below|less than|under|lower than|above|more than|greater than|higher than|exceeding|≥|≤|>=|<=|<|>)?\s*(?<![\w./,^])"#
        + number + #"(?!\s*(?:"# + unitPattern + #"|\.\d|\d|/|(?:consecutive\s+)?(?:days?|weeks?|months?|years?|hours?|minutes?|times|visits|doses|drugs|medications|trials|sessions)\b))(\s+or\s+(?:below|less|lower|under|above|more|higher|greater))?"#)

    /// The scale named last in the few words before `offset` of `text` (lowercased), if any.
    private static func scale(before offset: String.Index, in text: String) -> String? {
        let window = text[text.index(offset, offsetBy: -min(45, text.distance(from: text.startIndex, to: offset)))..<offset]
        return scales.compactMap { name -> (String, String.Index)? in
            guard let found = window.range(of: name, options: .backwards),
                  found.lowerBound == window.startIndex || !window[window.index(before: found.lowerBound)].isLetter,
                  found.upperBound == window.endIndex || !window[found.upperBound].isLetter else { return nil }
            return (name, found.lowerBound)
        }.max { $0.1 < $1.1 }?.0
    }

    /// Names of one scale: a record writes either.
    static let scaleAliases: [[String]] = [
        ["body mass index", "bmi"], ["apnea-hypopnea index", "ahi"], ["respiratory disturbance index", "rdi"],
        ["oxygen desaturation index", "odi"], ["ejection fraction", "lvef"], ["karnofsky", "kps"], ["epworth", "ess"],
        ["hba1c", "a1c"], ["platelets", "platelet count"],
    ]

    /// The numbers `passage` (lowercased) writes just after the scale's name, or another name of it ("karnofsky 50",
    /// "bmi of 37.5", "ahi: 9.6").
    private static func values(after scale: String, in text: String) -> [Double] {
        (scaleAliases.first { $0.contains(scale) } ?? [scale]).flatMap { values(afterName: $0, in: text) }
    }

    private static func values(afterName scale: String, in text: String) -> [Double] {
        let pattern = #"(?<![a-z])"# + NSRegularExpression.escapedPattern(for: scale) + #"(?![a-z])[^\d\n.;]{0,25}?(\d+(?:\.\d+)?)"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Double(group($0, 1, text)) }
    }

    private static func comparison(before: String, after: String) -> EvidenceThreshold.Comparison? {
        if ["below", "less", "lower", "fewer", "under"].contains(where: after.hasSuffix) { return .atMost }
        if !after.isEmpty { return .atLeast }
        switch before {
        case "at least", "no less than", "not less than", "≥", ">=": return .atLeast
        case "at most", "no more than", "≤", "<=": return .atMost
        case "below", "less than", "under", "lower than", "fewer than", "<": return .below
        case "above", "more than", "greater than", "over", "higher than", "exceeding", ">": return .above
        default: return nil
        }
    }

    static func parse(_ criterion: String) -> [EvidenceThreshold] {
        let text = criterion.lowercased()
        let range = NSRange(text.startIndex..., in: text)
        let withUnits = limit.matches(in: text, range: range).compactMap { match -> EvidenceThreshold? in
            guard let written = Double(group(match, 2, text).replacingOccurrences(of: ",", with: "")),
                  let (unit, factor) = normalised(group(match, 3, text)),
                  let comparison = comparison(before: group(match, 1, text), after: group(match, 4, text)),
                  let start = Range(match.range, in: text)?.lowerBound else { return nil }
            return EvidenceThreshold(comparison: comparison, value: written * factor, unit: unit, label: scale(before: start, in: text))
        }
        let bare = bareLimit.matches(in: text, range: range).compactMap { match -> EvidenceThreshold? in
            guard let value = Double(group(match, 2, text).replacingOccurrences(of: ",", with: "")),
                  let comparison = comparison(before: group(match, 1, text), after: group(match, 3, text)),
                  let start = Range(match.range, in: text)?.lowerBound, let label = scale(before: start, in: text) else { return nil }
            return EvidenceThreshold(comparison: comparison, value: value, unit: "scale:" + label, label: label)
        }
        return withUnits + bare
    }

    /// Whether `passage` gives values in a unit the criterion limits, none of which meets any of its limits in
    /// that unit (the limits of a criterion are alternatives: "at least 150 cells/mcL ..., or at least 300").
    static func contradicts(_ passage: String, thresholds: [EvidenceThreshold]) -> Bool {
        guard !thresholds.isEmpty else { return false }
        let lowered = passage.lowercased()
        let text = earlierValue.stringByReplacingMatches(in: lowered, range: NSRange(lowered.startIndex..., in: lowered), withTemplate: " ")
        var valuesByUnit: [String: [Double]] = [:]
        for match in measured.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let value = Double(group(match, 1, text).replacingOccurrences(of: ",", with: "")), let (unit, factor) = normalised(group(match, 2, text)) {
                valuesByUnit[unit, default: []].append(value * factor)
            }
        }
        for match in dimensions.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let (unit, factor) = normalised(group(match, 4, text)) else { continue }
            for index in 1...3 {
                if let value = Double(group(match, index, text).replacingOccurrences(of: ",", with: "")) { valuesByUnit[unit, default: []].append(value * factor) }
            }
        }
        // A scale's number written without its unit counts in the unit of the limit set on that scale.
        for threshold in thresholds {
            guard let label = threshold.label else { continue }
            let named = values(after: label, in: text)
            if !named.isEmpty, threshold.unit.hasPrefix("scale:") || valuesByUnit[threshold.unit] == nil {
                valuesByUnit[threshold.unit, default: []].append(contentsOf: named)
            }
        }
        let limitedUnits = Set(thresholds.map(\.unit)).filter { valuesByUnit[$0] != nil }
        guard !limitedUnits.isEmpty else { return false }
        return !thresholds.contains { threshold in (valuesByUnit[threshold.unit] ?? []).contains(where: threshold.isMet) }
    }

    // MARK: Durations

    /// A length of time a criterion asks for at least ("for at least 4 weeks", "6 months or longer").
    struct MinimumDuration: Equatable {
        var count: Int
        var component: Calendar.Component

        /// Whether the span from `start` to `end` lasts at least this long.
        func isMet(from start: Date, to end: Date) -> Bool {
            guard let reached = Self.calendar.date(byAdding: component, value: count, to: start) else { return true }
            return end >= reached
        }

        static let calendar: Calendar = {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar
        }()
    }

    private static let durationUnit = #"(day|night|week|month|year)s?"#
    /// A count in digits or in words (`ClinicalVocabulary.numberWords`, longest first so "fourteen" is not "four").
    private static let countWord = "(\\d+|" + ClinicalVocabulary.numberWords.keys.sorted { $0.count > $1.count }.joined(separator: "|") + ")"
    private static let minimumDuration = try! NSRegularExpression(pattern:
        #"(?:at least|no less than|not less than|a minimum of|minimum of|≥|>=)\s*"# + countWord + #"\s*(?:consecutive\s+)?"# + durationUnit
        + #"|"# + countWord + #"\s*(?:consecutive\s+)?"# + durationUnit + #"\s+or\s+(?:more|longer)"#)
    private static let components: [String: Calendar.Component] = ["day": .day, "night": .day, "week": .weekOfYear, "month": .month, "year": .year]

    /// The minimum lengths of time `criterion` sets (alternatives, like its measured limits).
    static func minimumDurations(_ criterion: String) -> [MinimumDuration] {
        let text = criterion.lowercased()
        return minimumDuration.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            length(match, text).map { MinimumDuration(count: $0.count, component: $0.component) }
        }
    }

    /// A stated length in a passage: "for 2 weeks", "x 3 months", "a 10-day course".
    private static let statedLength = try! NSRegularExpression(pattern:
        #"(?:\bfor|\bx|×)\s*"# + countWord + #"\s*"# + durationUnit + #"\b|\b"# + countWord + #"-"# + durationUnit + #"\b"#)

    /// Whether `passage` states how long something lasted (by two dates joined by "to", "through", "until" or a
    /// dash, by a stated length, or by a date it has lasted "since" up to `reference`, the visit) and every such
    /// length is shorter than each of the criterion's minimums. A passage that gives no length is left to the other
    /// checks.
    static func shorterThanRequired(_ passage: String, minimums: [MinimumDuration], reference: Date? = nil) -> Bool {
        guard !minimums.isEmpty else { return false }
        let lengths = spans(in: passage) + statedLengths(in: passage) + (reference.map { sinceSpans(in: passage, until: $0) } ?? [])
        guard !lengths.isEmpty else { return false }
        return !lengths.contains { span in minimums.contains { $0.isMet(from: span.start, to: span.end) } }
    }

    private static func spans(in passage: String) -> [(start: Date, end: Date)] {
        let facts = FactExtractor(passage).facts().filter { $0.kind == .date }
        let scalars = Array(passage.unicodeScalars)
        var spans: [(start: Date, end: Date)] = []
        for (first, second) in zip(facts, facts.dropFirst()) where first.end <= second.start {
            var between = String.UnicodeScalarView()
            between.append(contentsOf: scalars[first.end..<second.start])
            let joiner = String(between).trimmingCharacters(in: .whitespaces).lowercased()
            guard ["to", "through", "thru", "until", "till", "-", "–", "—"].contains(joiner),
                  let start = date(first.key), let end = date(second.key, yearOf: first.key) else { continue }
            spans.append((start, end))
        }
        return spans
    }

    /// "Since 07/21/2026": from that date to `end`.
    private static func sinceSpans(in passage: String, until end: Date) -> [(start: Date, end: Date)] {
        let scalars = Array(passage.unicodeScalars)
        return FactExtractor(passage).facts().filter { $0.kind == .date }.compactMap { fact in
            var before = String.UnicodeScalarView()
            before.append(contentsOf: scalars[max(0, fact.start - 8)..<fact.start])
            guard String(before).lowercased().trimmingCharacters(in: .whitespaces).hasSuffix("since"),
                  let start = date(fact.key), start <= end else { return nil }
            return (start, end)
        }
    }

    private static func statedLengths(in passage: String) -> [(start: Date, end: Date)] {
        let text = passage.lowercased()
        let origin = Date(timeIntervalSince1970: 0)
        return statedLength.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            guard let (count, component) = length(match, text),
                  let end = MinimumDuration.calendar.date(byAdding: component, value: count, to: origin) else { return nil }
            return (origin, end)
        }
    }

    /// The count and unit of a duration pattern's match, whichever of its two alternatives (groups 1-2 or 3-4) matched.
    private static func length(_ match: NSTextCheckingResult, _ text: String) -> (count: Int, component: Calendar.Component)? {
        let (countGroup, unitGroup) = match.range(at: 1).location != NSNotFound ? (1, 2) : (3, 4)
        let countText = group(match, countGroup, text)
        guard let count = Int(countText) ?? ClinicalVocabulary.numberWords[countText].flatMap({ Int($0) }), let component = components[group(match, unitGroup, text)] else { return nil }
        return (count, component)
    }

    /// A date fact's key ("3-12-2026", or "3-12" with the year of `yearOf`) as a date.
    private static func date(_ key: String, yearOf other: String? = nil) -> Date? {
        var parts = key.split(separator: "-").compactMap { Int($0) }
        if parts.count == 2, let year = other?.split(separator: "-").compactMap({ Int($0) }).dropFirst(2).first { parts.append(year) }
        guard parts.count == 3 else { return nil }
        return MinimumDuration.calendar.date(from: DateComponents(year: parts[2], month: parts[0], day: parts[1]))
    }

    // MARK: Time of day

    /// "before 10:00 a.m.", "before 9 am": the latest time of day a criterion allows a sample, in minutes after midnight.
    private static let latestTime = try! NSRegularExpression(pattern: #"\b(?:before|by|no later than)\s+(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![a-z])"#)
    /// A clock time in a passage: "at 15:40", "drawn 8:15 am", "@ 07:30".
    private static let clockTime = try! NSRegularExpression(pattern: #"\b(\d{1,2}):(\d{2})\s*(a\.?m\.?|p\.?m\.?)?(?![\d:])"#)

    static func latestTimeOfDay(_ criterion: String) -> Int? {
        let text = criterion.lowercased()
        guard let match = latestTime.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return minutes(hour: group(match, 1, text), minute: group(match, 2, text), meridiem: group(match, 3, text))
    }

    /// Whether every clock time `passage` gives is at or after the criterion's latest time of day (a sample drawn at
    /// 15:40 is not one drawn before 10:00 a.m.); a passage without a time is left to the other checks.
    static func laterThanAllowed(_ passage: String, latest: Int?) -> Bool {
        guard let latest else { return false }
        let text = passage.lowercased()
        let times = clockTime.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            minutes(hour: group(match, 1, text), minute: group(match, 2, text), meridiem: group(match, 3, text))
        }
        return !times.isEmpty && times.allSatisfy { $0 >= latest }
    }

    private static func minutes(hour: String, minute: String, meridiem: String) -> Int? {
        guard var h = Int(hour), h <= 24 else { return nil }
        let m = Int(minute) ?? 0
        guard m < 60 else { return nil }
        if meridiem.hasPrefix("p"), h < 12 { h += 12 }
        if meridiem.hasPrefix("a"), h == 12 { h = 0 }
        return h * 60 + m
    }

    private static func normalised(_ spelling: String) -> (unit: String, factor: Double)? {
        units.first { $0.spelling == spelling }.map { ($0.unit, $0.factor) }
    }

    private static func group(_ match: NSTextCheckingResult, _ index: Int, _ text: String) -> String {
        guard let range = Range(match.range(at: index), in: text) else { return "" }
        return String(text[range])
    }
}
