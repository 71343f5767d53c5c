import Foundation

/// Z87.891, personal history of nicotine dependence, for a patient the note calls a former smoker.
///
/// A coder reports it wherever the note records the history (social history, a risk line), because past tobacco use
/// bears on screening and on the risk of the conditions treated. A sentence that also says the patient smokes now,
/// or only that a relative did, gives nothing: current use is a different code and a judgment the coder makes.
enum TobaccoHistory {
    static let code = "Z87.891"

    static let former = try! NSRegularExpression(pattern: #"""
        \b(?:former|ex-?|past|remote|prior|previous)[- ]?(?:cigarette |tobacco )?smoker\b|\
        \b(?:quit|stopped|gave up|quitting)\s+(?:smoking|cigarettes|tobacco|nicotine)\b|\
        \bsmok(?:ed|ing)\b[^.;]{0,40}?\b(?:quit|stopped)\b|\
        \bhistory of (?:tobacco|nicotine|cigarette)\s+(?:use|dependence|abuse|smoking)\b
        """#.replacingOccurrences(of: "\\\n", with: ""), options: [.caseInsensitive])
    static let notFormer = try! NSRegularExpression(
        pattern: #"\b(?:current(?:ly)? smok\w*|smokes|still smok\w*|never|non-?smoker|mother|father|sister|brother|husband|wife|partner|spouse|family)\b"#,
        options: [.caseInsensitive])

    static func sentence(in sentences: [NoteSentence]) -> NoteSentence? {
        sentences.first { sentence in
            let range = NSRange(sentence.lower.startIndex..., in: sentence.lower)
            return former.firstMatch(in: sentence.lower, range: range) != nil && notFormer.firstMatch(in: sentence.lower, range: range) == nil
        }
    }
}
