extension LabeledIdentifierRecognizer {
    /// Licence and certificate numbers after a label: state medical and nursing licences, driver's licences,
    /// DEA and NPI numbers written after their names, board certificates.
    public static let license = LabeledIdentifierRecognizer(
        name: "license", kind: .license,
        labels: ["license", "license #", "license number", "license no", "licence", "licence #", "licence number",
                 "lic", "lic #", "lic no", "state license", "medical license", "nursing license", "rn license",
                 "driver's license", "drivers license", "driver license", "dl", "dl #", "dl no", "dl number", "dea", "dea #",
                 "dea number", "dea no", "npi", "npi #", "npi number", "npi no", "certificate", "certificate #",
                 "certificate number", "cert", "cert #", "certification number", "board certification",
                 "registration number", "registration #", "permit", "permit #", "permit number", "upin", "tin",
                 "tax id", "ein", "provider number", "provider id", "provider #", "cdl", "state id", "passport",
                 "passport number", "passport #", "taxonomy"],
        minimumLength: 4, score: 0.9, colonOnly: ["dl", "permit", "cert", "tin"])
}

/// National Provider Identifiers: 10 digits passing the Luhn check with the 80840 prefix. With an "NPI"
/// label nearby the score is high; alone, a valid NPI is still reported at a lower score.
public struct NPIRecognizer: Recognizer {
    public let name = "npi"
    public let supportedKinds: Set<PHIKind> = [.license]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        for i in 0..<text.count where text.isNumber(i) && text.tokens[i].length == 10 {
            if i > 0, text.isWord(i - 1) || text.isSymbol(i - 1, "-") { continue }
            if i + 1 < text.count, text.isWord(i + 1) || text.isSymbol(i + 1, "-") { continue }
            let digits = text.scalars[text.tokens[i].start..<text.tokens[i].end].map(CharacterClass.digitValue)
            guard Checksums.isValidNPI(digits) else { continue }
            let labelled = text.hasContext(before: i, window: 4, in: ["npi", "provider"])
            found.append(detection(text.range(i, i), .license, score: labelled ? 0.95 : 0.5))
        }
        return found
    }
}

/// DEA registration numbers: two letters and seven digits with the DEA check digit ("AB1234563").
public struct DEARecognizer: Recognizer {
    public let name = "dea"
    public let supportedKinds: Set<PHIKind> = [.license]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        for i in 0..<text.count where text.isWord(i) && text.tokens[i].length == 2 {
            guard text.isNumber(i + 1), text.tokens[i + 1].length == 7,
                  !(i + 2 < text.count && (text.isWord(i + 2) || text.isNumber(i + 2))),
                  !(i > 0 && text.isNumber(i - 1)) else { continue }
            if Checksums.isValidDEA(text.text(text.range(i, i + 1))) {
                found.append(detection(text.range(i, i + 1), .license, score: 0.9))
            }
        }
        return found
    }
}
