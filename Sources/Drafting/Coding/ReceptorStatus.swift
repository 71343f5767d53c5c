import Foundation

/// Z17 receptor status codes for a breast cancer, read from the receptor results the note states.
///
/// The guidelines code each documented receptor once beside the breast cancer code: estrogen (Z17.0 / Z17.1),
/// progesterone (Z17.21 / Z17.22) and HER2 (Z17.31 / Z17.32). The combined codes (Z17.41x, Z17.42x) are for a status
/// written as one ("HR+/HER2-", "triple negative") with no receptor of the hormone pair given on its own. A status
/// is a word beside the receptor's name, so it is read without the model: a model reading "PR positive, HER2
/// negative" can attach the wrong sign to the wrong receptor.
enum ReceptorStatus {
    enum Receptor: CaseIterable { case estrogen, progesterone, her2, hormone }

    struct Finding: Equatable {
        var receptor: Receptor
        var positive: Bool
        var sentence: NoteSentence
    }

    /// A sign written as a word may stand apart ("ER status: negative"); a "+" or "-" must touch the name, since
    /// "ER - discharged" is the emergency room.
    static let sign = #"(?:[\s-]*(?:receptors?[\s-]*)?(?:status\s*)?(?:is\s*|was\s*|:\s*)?(positive|negative|pos|neg)\b|(\+|-(?!\w)))"#

    /// The receptor names, each group of names before a shared sign ("ER/PR positive" states both).
    static let statement = try! NSRegularExpression(
        pattern: #"\b((?:(?:er|pr|estrogen|progesterone|pgr|hormone|hr)(?:\s*(?:/|and)\s*)?)+|her-?2(?:/neu)?)"# + sign,
        options: [.caseInsensitive])
    static let tripleNegative = try! NSRegularExpression(pattern: #"\btriple[- ]negative\b|\btnbc\b"#, options: [.caseInsensitive])

    static func findings(in sentences: [NoteSentence]) -> [Finding] {
        var found: [Finding] = []
        for sentence in sentences {
            let text = sentence.lower
            let whole = NSRange(text.startIndex..., in: text)
            if tripleNegative.firstMatch(in: text, range: whole) != nil {
                found.append(Finding(receptor: .hormone, positive: false, sentence: sentence))
                found.append(Finding(receptor: .her2, positive: false, sentence: sentence))
            }
            for match in statement.matches(in: text, range: whole) {
                guard let names = Range(match.range(at: 1), in: text),
                      let signRange = Range(match.range(at: 2), in: text) ?? Range(match.range(at: 3), in: text) else { continue }
                let positive = ["positive", "pos", "+"].contains(String(text[signRange]))
                let words = text[names].split { !$0.isLetter && !$0.isNumber }.map(String.init)
                for word in words {
                    let receptor: Receptor? = switch word {
                    case "er", "estrogen": .estrogen
                    case "pr", "progesterone", "pgr": .progesterone
                    case "hormone", "hr": .hormone
                    case "her", "her2": .her2
                    default: nil
                    }
                    if let receptor { found.append(Finding(receptor: receptor, positive: positive, sentence: sentence)) }
                }
            }
        }
        return found
    }

    /// The Z17 codes the note's statements support, each with the sentence of its first statement. A receptor
    /// stated both positive and negative (a recurrence retested, a typing error) gets no code: the coder decides.
    static func codes(in sentences: [NoteSentence]) -> [(code: String, sentence: NoteSentence)] {
        let found = findings(in: sentences)
        func status(_ receptor: Receptor) -> Finding? {
            let statements = found.filter { $0.receptor == receptor }
            guard let first = statements.first, statements.allSatisfy({ $0.positive == first.positive }) else { return nil }
            return first
        }
        let estrogen = status(.estrogen), progesterone = status(.progesterone), her2 = status(.her2)
        var result: [(code: String, sentence: NoteSentence)] = []
        if estrogen != nil || progesterone != nil {
            if let estrogen { result.append((estrogen.positive ? "Z17.0" : "Z17.1", estrogen.sentence)) }
            if let progesterone { result.append((progesterone.positive ? "Z17.21" : "Z17.22", progesterone.sentence)) }
            if let her2 { result.append((her2.positive ? "Z17.31" : "Z17.32", her2.sentence)) }
        } else if let hormone = status(.hormone) {
            if let her2 {
                let code = hormone.positive ? (her2.positive ? "Z17.410" : "Z17.411") : (her2.positive ? "Z17.420" : "Z17.421")
                result.append((code, hormone.sentence))
            }
        } else if let her2 {
            result.append((her2.positive ? "Z17.31" : "Z17.32", her2.sentence))
        }
        return result
    }
}
