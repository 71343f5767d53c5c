import Foundation

/// Hypertension coded with the kidney disease or heart failure the visit assessed beside it.
///
/// The guidelines presume the link: hypertension with chronic kidney disease is hypertensive CKD (I12), with heart
/// failure hypertensive heart disease (I11.0), with both I13, unless the note says the conditions are unrelated.
/// The CKD and heart failure codes stay (the tabular list asks for them to be added); only I10 gives way. Done
/// without the model, since the rule reads codes already chosen, not words.
enum HypertensionCombination {
    static let essential = "I10"
    static let unrelated = try! NSRegularExpression(
        pattern: #"\b(?:not|un)(?:\s+)?related to (?:the |her |his )?(?:hypertension|htn|blood pressure)\b|\bnot (?:due to|from|caused by) (?:the |her |his )?(?:hypertension|htn)\b"#,
        options: [.caseInsensitive])

    static let kidneyWords = ["kidney", "renal", "ckd", "nephropathy", "esrd", "dialysis"]

    /// A hypertensive kidney code (I12, I13) picked with no kidney disease coded beside it and none named in its
    /// evidence claims a condition the note does not document. It gives way to what the note does support: the
    /// heart disease an I13 code also names (I11.0 with heart failure coded, else I11.9), or hypertension alone.
    /// Nil when the code stands.
    static func withoutKidneyDisease(_ code: String, codes: [String], evidence: String) -> String? {
        guard code.hasPrefix("I12") || code.hasPrefix("I13"), !codes.contains(where: { $0.hasPrefix("N18") }) else { return nil }
        let lower = evidence.lowercased()
        guard !kidneyWords.contains(where: lower.contains) else { return nil }
        if code.hasPrefix("I12") { return essential }
        return codes.contains { $0.hasPrefix("I50") } ? "I11.0" : "I11.9"
    }

    /// The combination code for `codes`, or nil when hypertension is not coded with either condition.
    static func code(for codes: [String], evidence: (String) -> String) -> String? {
        guard codes.contains(essential) else { return nil }
        func linked(_ code: String) -> Bool {
            let text = evidence(code)
            return unrelated.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
        }
        let kidney = codes.filter { $0.hasPrefix("N18.") && linked($0) }
        let heartFailure = codes.contains { $0.hasPrefix("I50.") && linked($0) }
        let endStage = kidney.contains { $0 == "N18.5" || $0 == "N18.6" }
        switch (kidney.isEmpty, heartFailure) {
        case (true, false): return nil
        case (true, true): return "I11.0"
        case (false, false): return endStage ? "I12.0" : "I12.9"
        case (false, true): return endStage ? "I13.2" : "I13.0"
        }
    }
}
