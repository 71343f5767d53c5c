import Foundation

/// The age-and-sex opening of clinical shorthand ("61F", "m47", "4yo F", "9mo M") written out ("61-year-old woman",
/// "9-month-old boy"), so that the note's first sentence says who the patient is in words, and a model never has
/// to guess whether "M" is a man, a month or a mass.
enum AgeSexShorthand {
    private static let ageFirst = try! NSRegularExpression(
        pattern: #"^(?:pt\s+)?(\d{1,3})\s*(yo|y/o|y\.o\.|yr|yrs|y|mo|mos|m/o|months?|-year-old|year-old|year old)?\s*(m|f|male|female)\b(?!/)"#,
        options: [.caseInsensitive])
    private static let sexFirst = try! NSRegularExpression(pattern: #"^(m|f)(\d{1,3})\b(?!/)"#, options: [.caseInsensitive])

    /// `clause` with a leading age and sex written out; unchanged when it opens with neither.
    static func expand(_ clause: String) -> String {
        let whole = NSRange(clause.startIndex..., in: clause)
        let text = clause as NSString
        var age: String, unit = "", sex: String, range: NSRange
        if let match = ageFirst.firstMatch(in: clause, range: whole) {
            age = text.substring(with: match.range(at: 1))
            if match.range(at: 2).location != NSNotFound { unit = text.substring(with: match.range(at: 2)).lowercased() }
            sex = text.substring(with: match.range(at: 3)).lowercased()
            range = match.range
        } else if let match = sexFirst.firstMatch(in: clause, range: whole) {
            sex = text.substring(with: match.range(at: 1)).lowercased()
            age = text.substring(with: match.range(at: 2))
            range = match.range
        } else {
            return clause
        }
        guard let years = Int(age) else { return clause }
        let months = unit.hasPrefix("mo") || unit == "m/o"
        let child = months || years < 18
        let male = sex.hasPrefix("m")
        let noun = child ? (male ? "boy" : "girl") : (male ? "man" : "woman")
        let written = "\(age)-\(months ? "month" : "year")-old \(noun)"
        let rest = text.substring(from: range.location + range.length)
        let separator = rest.isEmpty || rest.first.map { ",.;:".contains($0) } == true ? "" : ","
        return written + separator + rest
    }
}
