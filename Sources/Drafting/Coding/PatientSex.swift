import Foundation

/// The patient's sex as the note states it, so that a code the tabular list reserves for the other sex ("male
/// breast", "female infertility") is never offered.
///
/// Read only from wordings that describe the patient ("62-year-old woman", "45 yo M", "Sex: female"), and only
/// when they agree: a note that states both, or neither, leaves every code in.
enum PatientSex: String, Sendable {
    case female, male

    /// An age then a sex word; a single letter only right after the age ("62F") or its unit ("45 yo M"), since
    /// "14 F" is a catheter size and "300 m" a distance.
    static let descriptions = try! NSRegularExpression(pattern: #"""
        \b\d{1,3}[- ]?(?:years?|yrs?|yo|y/o|y\.o\.)?[- ]?(?:old[- ])?\
        (woman|female|girl|lady|man|male|boy|gentleman)\b|\
        \b\d{1,3}(?:[- ]?(?:yo|y/o|y\.o\.|years?[- ]old|yrs?[- ]old)[- ]?)?(f|m)\b|\
        \b(?:sex|gender)\s*:\s*(female|f|male|m)\b
        """#.replacingOccurrences(of: "\\\n", with: ""), options: [.caseInsensitive])

    static let femaleWords: Set<String> = ["woman", "female", "f", "girl", "lady"]

    static func stated(in text: String) -> PatientSex? {
        var found = Set<PatientSex>()
        for match in descriptions.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            for group in 1...3 {
                guard let range = Range(match.range(at: group), in: text) else { continue }
                found.insert(femaleWords.contains(text[range].lowercased()) ? .female : .male)
            }
        }
        return found.count == 1 ? found.first : nil
    }

    /// Whether a code's title names the other sex ("Malignant neoplasm of ... left male breast").
    func excludes(_ description: String) -> Bool {
        let words = Set(description.lowercased().split { !$0.isLetter }.map(String.init))
        switch self {
        case .female: return words.contains("male")
        case .male: return words.contains("female")
        }
    }
}
