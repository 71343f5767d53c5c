extension LabeledIdentifierRecognizer {
    /// Health plan member and policy numbers after a label ("Member ID: XKH123456789", "Medicaid # 12345678").
    public static let healthPlan = LabeledIdentifierRecognizer(
        name: "health_plan", kind: .healthPlanID,
        labels: ["member", "member id", "member #", "member number", "member no", "subscriber id", "subscriber #",
                 "subscriber number", "policy", "policy number", "policy #", "policy no", "policy id", "group number",
                 "group", "group #", "group no", "group id", "insurance id", "insurance #", "insurance number", "plan id",
                 "plan #", "plan number", "medicaid", "medicaid id", "medicaid #", "medicaid number", "medicare",
                 "medicare id", "medicare #", "medicare number", "mbi", "medicare beneficiary identifier",
                 "beneficiary id", "hicn", "hic #", "health plan", "health plan id", "health plan number",
                 "insured id", "id card", "coverage id", "certificate of coverage", "cardholder id", "enrollee id", "tricare", "champva"],
        minimumLength: 5, score: 0.9, colonOnly: ["policy"])
}

/// Medicare Beneficiary Identifiers by their CMS format alone ("1EG4-TE5-MK73"), with or without dashes.
public struct MedicareBeneficiaryIdentifierRecognizer: Recognizer {
    public let name = "mbi"
    public let supportedKinds: Set<PHIKind> = [.healthPlanID]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            guard text.isNumber(i), i == 0 || !(text.isWord(i - 1) || text.isSymbol(i - 1, "-")),
                  let end = text.identifierEnd(startingAt: i, minimumLength: 11) else { i += 1; continue }
            let value = text.text(text.range(i, end)).replacingOccurrences(of: "-", with: "")
            if Checksums.isValidMBI(value) { found.append(detection(text.range(i, end), .healthPlanID, score: 0.85)) }
            i = end + 1
        }
        return found
    }
}
