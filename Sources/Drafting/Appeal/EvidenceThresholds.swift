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
    /// The unit spellings read, each with its normalised form.
    static let units: [(spelling: String, unit: String)] = [
        ("%", "%"), ("percent", "%"), ("mg/dl", "mg/dl"), ("mmol/l", "mmol/l"), ("ng/ml", "ng/ml"), ("nmol/l", "nmol/l"), ("mm hg", "mmhg"), ("mmhg", "mmhg"),
        ("cells/mcl", "cells/mcl"), ("cells/µl", "cells/mcl"), ("cells/ul", "cells/mcl"), ("/mcl", "cells/mcl"),
        ("/µl", "cells/mcl"), ("kg/m2", "kg/m2"), ("kg/m²", "kg/m2"),
    ]

    private static let number = #"(\d+(?:,\d{3})*(?:\.\d+)?)"#
    private static let unitPattern = units.map { NSRegularExpression.escapedPattern(for: $0.spelling) }.joined(separator: "|")

    /// "at least 200 cells/mcL", "below 40%", "92% or below", "of 5.5 mmol/L or higher".
    private static let limit = try! NSRegularExpression(pattern:
        #"(at least|no less than|not less than|at most|no more than|below|less than|under|lower than|fewer than|above|more than|greater than|over|higher than|exceeding|≥|≤|>=|<=|<|>)?\s*"#
        + number + #"\s*("# + unitPattern + #")(\s+or\s+(?:below|less|lower|fewer|under|above|more|higher|greater))?"#)

    /// A value with its unit, in a passage.
    private static let measured = try! NSRegularExpression(pattern: number + #"\s*("# + unitPattern + ")")

    static func parse(_ criterion: String) -> [EvidenceThreshold] {
        let text = criterion.lowercased()
        let range = NSRange(text.startIndex..., in: text)
        return limit.matches(in: text, range: range).compactMap { match in
            guard let value = Double(group(match, 2, text).replacingOccurrences(of: ",", with: "")),
                  let unit = normalised(group(match, 3, text)) else { return nil }
            let before = group(match, 1, text), after = group(match, 4, text)
            let comparison: EvidenceThreshold.Comparison
            if ["below", "less", "lower", "fewer", "under"].contains(where: after.hasSuffix) {
                comparison = .atMost
            } else if !after.isEmpty {
                comparison = .atLeast
            } else {
                switch before {
                case "at least", "no less than", "not less than", "≥", ">=": comparison = .atLeast
                case "at most", "no more than", "≤", "<=": comparison = .atMost
                case "below", "less than", "under", "lower than", "fewer than", "<": comparison = .below
                case "above", "more than", "greater than", "over", "higher than", "exceeding", ">": comparison = .above
                default: return nil
                }
            }
            return EvidenceThreshold(comparison: comparison, value: value, unit: unit)
        }
    }

    /// Whether `passage` gives values in a unit the criterion limits, none of which meets any of its limits in
    /// that unit (the limits of a criterion are alternatives: "at least 150 cells/mcL ..., or at least 300").
    static func contradicts(_ passage: String, thresholds: [EvidenceThreshold]) -> Bool {
        guard !thresholds.isEmpty else { return false }
        let text = passage.lowercased()
        var valuesByUnit: [String: [Double]] = [:]
        for match in measured.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let value = Double(group(match, 1, text).replacingOccurrences(of: ",", with: "")), let unit = normalised(group(match, 2, text)) {
                valuesByUnit[unit, default: []].append(value)
            }
        }
        let limitedUnits = Set(thresholds.map(\.unit)).filter { valuesByUnit[$0] != nil }
        guard !limitedUnits.isEmpty else { return false }
        return !thresholds.contains { threshold in (valuesByUnit[threshold.unit] ?? []).contains(where: threshold.isMet) }
    }

    private static func normalised(_ spelling: String) -> String? {
        units.first { $0.spelling == spelling }?.unit
    }

    private static func group(_ match: NSTextCheckingResult, _ index: Int, _ text: String) -> String {
        guard let range = Range(match.range(at: index), in: text) else { return "" }
        return String(text[range])
    }
}
