import Foundation

/// Results written in sentences ("Troponin T peaked at 0.31 ng/mL", "Ejection fraction 55-60%.", "MoCA today
/// is 24."), read by pattern: a known test's name, at most two linking words, then a value and its unit. A small
/// model asked for the results of a long chunk lists some and passes over the rest, and a pattern copies the
/// value exactly.
///
/// Only names from `testNames` count, so a number after any other word ("walks 2 blocks") is never a result. A
/// value that is a goal ("LDL goal < 70"), a dose ("potassium 20 mEq daily") or a span of time ("repeat A1c in
/// 3 months") is not one either. Each result is dated by its own clause's date, else its line's.
enum ProseResultExtractor {
    static func results(in lines: RecordLines) -> [LabLineExtractor.Result] {
        lines.lines.flatMap { line in
            results(line.deidentified, line: line.number).map { result in
                var dated = result
                dated.date = date(of: result.name, on: line)
                return dated
            }
        }
    }

    /// The first date of the clause naming `name`, outside parentheses (a remark's "(2.1 on 4/13)" dates an
    /// earlier value), a year-less one in the year of the note; else the note's date. Read from the original line.
    static func date(of name: String, on line: RecordLines.Line) -> String? {
        let name = name.lowercased()
        guard let clause = line.original.split(separator: RecordLines.clauseBreak).first(where: { $0.lowercased().contains(name) })
        else { return line.date }
        let withoutRemarks = String(clause).replacingOccurrences(of: #"\([^)]*\)"#, with: " ", options: .regularExpression)
        // Without a date of its own, the clause takes its note's: the line's first date may be another clause's.
        return FactExtractor(withoutRemarks).facts().first { $0.kind == .date }.flatMap { RecordLines.iso($0.key, near: line.contextDate) }
            ?? line.contextDate ?? line.date
    }

    static func results(_ text: String, line: Int) -> [LabLineExtractor.Result] {
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).compactMap { match in
            guard let nameRange = Range(match.range(at: 1), in: text), let valueRange = Range(match.range(at: 2), in: text),
                  let whole = Range(match.range, in: text) else { return nil }
            let before = text[..<nameRange.lowerBound].suffix(24).lowercased()
            if goalWords.contains(where: before.contains) { return nil }
            let unit = Range(match.range(at: 3), in: text).map { String(text[$0]) }
            // The word right after the value or unit, when only a space separates them.
            let after = text[whole.upperBound...].prefix(16).lowercased()
            let nextWord = after.hasPrefix(" ") ? String(after.dropFirst().prefix { $0.isLetter }) : ""
            if unit == nil, notMeasurementWords.contains(nextWord) { return nil }
            // A value given with only its year ("A1c 5.9% in 2020") cannot be dated; it is history, not a result.
            if after.firstMatch(of: yearOnly) != nil { return nil }
            if ["goal", "target", "threshold"].contains(nextWord) || ClinicalVocabulary.frequencies[nextWord] != nil { return nil }
            var value = String(text[valueRange])
            // A slash joins two readings only in a blood pressure; elsewhere it is a date or a score out of a total.
            if value.contains("/"), !["bp", "blood pressure"].contains(text[nameRange].lowercased()) { return nil }
            if let unit { value += unit == "%" ? " %" : " " + unit }
            return LabLineExtractor.Result(name: String(text[nameRange]), value: value, line: line)
        }
    }

    /// Names of labs, measurements and scored scales that clinicians write before a value, lower case; aliases as
    /// written in notes. Longer names come first in the pattern, so "free T4" wins over a bare "T4".
    static let testNames: [String] = [
        // blood counts
        "hemoglobin", "haemoglobin", "hgb", "hb", "hematocrit", "hct", "wbc", "white count", "platelets", "platelet count",
        "plt", "anc", "absolute neutrophil count", "alc", "absolute lymphocyte count", "mcv", "rdw", "reticulocytes",
        "retic", "reticulocyte count",
        // chemistry
        "sodium", "na", "potassium", "k", "chloride", "bicarbonate", "bicarb", "co2", "bun", "creatinine", "cr", "creat",
        "egfr", "gfr", "glucose", "calcium", "ionized calcium", "magnesium", "phosphorus", "phosphate", "albumin",
        "total protein", "alt", "ast", "alk phos", "alkaline phosphatase", "total bilirubin", "bilirubin", "t bili",
        "direct bilirubin", "ggt", "ldh", "lipase", "amylase", "uric acid", "ck", "cpk", "lactate", "ammonia",
        "anion gap", "osmolality",
        // diabetes, lipids, thyroid, iron, vitamins
        "a1c", "hba1c", "hemoglobin a1c", "fructosamine", "ldl", "ldl-c", "hdl", "triglycerides", "total cholesterol",
        "non-hdl", "lp(a)", "lipoprotein(a)", "tsh", "free t4", "ft4", "t3", "free t3", "ferritin", "iron", "tibc",
        "transferrin saturation", "tsat", "b12", "vitamin b12", "folate", "vitamin d", "25-oh vitamin d",
        "25-hydroxyvitamin d", "pth",
        // cardiac, inflammation, coagulation
        "troponin", "troponin i", "troponin t", "hs-troponin", "bnp", "nt-probnp", "crp", "hs-crp", "esr", "sed rate",
        "procalcitonin", "d-dimer", "fibrinogen", "inr", "ptt", "aptt", "anti-xa", "anti-xa level",
        // urine, kidney, other labs
        "uacr", "urine albumin/creatinine ratio", "albumin/creatinine ratio", "upcr", "protein/creatinine ratio",
        "urine protein", "specific gravity", "psa", "cea", "ca-125", "ca 19-9", "afp", "hcg", "beta-hcg",
        "cd4", "cd4 count", "viral load", "hiv viral load", "hbv dna", "hcv rna", "igg", "iga", "ige", "igm",
        "tacrolimus level", "tacrolimus trough", "lithium level", "vancomycin trough", "digoxin level",
        // vital signs and body measures
        "bp", "blood pressure", "heart rate", "hr", "pulse", "respiratory rate", "rr", "temp", "temperature",
        "spo2", "o2 sat", "oxygen saturation", "sat", "weight", "bmi", "height", "waist circumference",
        // imaging, physiology
        "ef", "lvef", "ejection fraction", "rvsp", "pasp", "tapse", "lvidd", "la volume index", "aortic root",
        "fev1", "fvc", "fev1/fvc", "dlco", "peak flow", "pefr", "post-void residual", "pvr", "qmax",
        "ahi", "odi", "nadir spo2", "t-score", "z-score", "qtc", "qrs", "pr interval", "ankle-brachial index", "abi",
        "suvmax", "ki-67",
        // scored scales
        "phq-9", "phq9", "phq-2", "gad-7", "gad7", "moca", "mmse", "slums", "edss", "audit-c", "epworth",
        "ess", "ipss", "nihss", "gcs", "cha2ds2-vasc", "has-bled", "wells score", "meld", "meld-na",
        "child-pugh", "das28", "cdai", "basdai", "koos", "womac", "oswestry", "odi score", "pain score", "acr",
        "apgar", "bishop score", "ecog", "karnofsky", "braden", "morse", "tug", "timed up and go", "6-minute walk",
        "6mwt", "villalta score", "caprini", "ascvd risk", "frax",
    ]

    nonisolated(unsafe) private static let yearOnly = try! Regex(#"^\s*(?:in|from|since|\()\s*(?:19|20)\d{2}\b"#)

    /// Words before a name that make its value a goal, an order or a threshold rather than a result.
    private static let goalWords = ["goal", "target", "aim ", "keep ", "maintain", "threshold", "if ", "above ", "below ", "less than", "greater than"]
    /// Words after a unit-less value that make it a count of something else ("hgb 2 weeks ago", "k 20 tabs").
    private static let notMeasurementWords: Set<String> = [
        "day", "days", "week", "weeks", "wk", "wks", "month", "months", "mo", "year", "years", "yr", "yrs", "hour", "hours",
        "hr", "hrs", "minute", "minutes", "min", "times", "x", "dose", "doses", "tab", "tabs", "tablet", "tablets",
        "pill", "pills", "cap", "caps", "puff", "puffs", "units", "unit", "refill", "refills", "visits", "ago", "mg", "mcg",
        "g", "gram", "grams", "meq", "mmol", "iu", "drops", "sprays", "patients", "people",
    ]

    private static let units = [
        "%", "mg/dL", "g/dL", "g/L", "mmol/L", "mEq/L", "mmol/mol", "ng/mL", "ng/dL", "pg/mL", "mcg/mL", "ug/mL", "µg/mL",
        "U/L", "IU/L", "mIU/L", "uIU/mL", "mIU/mL", "k/uL", "K/uL", "x10^9/L", "x10\\^9/L", "/uL", "/mm3", "cells/uL",
        "copies/mL", "mg/g", "mg/mmol", "mg/24 h", "mL/min/1.73m2", "mL/min/1.73 m2", "mL/min", "mL", "L", "L/min",
        "mmHg", "mm Hg", "bpm", "mm", "cm", "m/s", "ms", "sec", "s", "kg", "lb", "lbs", "kg/m2", "kg/m\\^2", "°F", "°C",
        "F", "C", "fL", "pg", "points", "/hr", "mm/hr", "mg/L", "ng/L",
    ]

    /// name, then ":" "=" " - " or up to two linking words, then a number or range, then an optional unit.
    private static let pattern: NSRegularExpression = {
        let names = testNames.sorted { $0.count > $1.count }.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
        let unitAlternatives = units.sorted { $0.count > $1.count }.map { $0.contains("\\") ? $0 : NSRegularExpression.escapedPattern(for: $0) }
            .joined(separator: "|")
        let linkers = "is|was|of|at|peaked at|now|today|level|score|count|measured|measuring|came back|returned|down to|up to|improved to|rose to|fell to|increased to|decreased to|remains|remained|estimated|estimate|of about|approximately|~"
        return try! NSRegularExpression(
            pattern: #"(?<![\w\-/])("# + names + #")(?![\w\-/])(?:\s*[:=]\s*|\s+-\s+|\s+(?:(?:"# + linkers + #")\s+){0,2}|\s+)"#
                + #"([<>]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*[-–]\s*\d+(?:\.\d+)?)?(?:/\d+(?:\.\d+)?)?)(?![\d.,]*\d)"#
                + #"(?:\s*("# + unitAlternatives + #")(?![\w/])|(?![\w/]))"#,
            options: [.caseInsensitive])
    }()
}
