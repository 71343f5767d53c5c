/// A payer's coverage criteria as a user pastes them: a title (the policy's name) and a numbered list.
public struct PayerCriteria: Codable, Equatable, Sendable {
    public struct Criterion: Codable, Equatable, Sendable {
        public var number: Int
        public var text: String
    }

    public var title: String
    public var criteria: [Criterion]

    /// Reads numbered criteria ("1. ...", "2) ...", "(3) ..."); a line that is not numbered continues the
    /// criterion before it (criteria are often wrapped or have lettered sub-points), and lines before the first
    /// number are the title. Errors name the source and line.
    public static func parse(_ text: String, source: String) throws(DraftingError) -> PayerCriteria {
        var title: [String] = []
        var criteria: [Criterion] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if let (number, rest) = numbered(line) {
                if let last = criteria.last?.number, number <= last {
                    throw .input(source: source, "line \(index + 1): criterion \(number) after criterion \(last); number the criteria in order")
                }
                guard !rest.isEmpty else { throw .input(source: source, "line \(index + 1): criterion \(number) has no text") }
                criteria.append(Criterion(number: number, text: rest))
            } else if criteria.isEmpty {
                title.append(line)
            } else {
                criteria[criteria.count - 1].text += " " + line
            }
        }
        guard !criteria.isEmpty else {
            throw .input(source: source, "no numbered criteria (lines such as \"1. Diagnosis of ...\")")
        }
        guard criteria.count <= 40 else { throw .input(source: source, "\(criteria.count) criteria; at most 40") }
        return PayerCriteria(title: title.first ?? "", criteria: criteria)
    }

    /// "12. text", "12) text", "(12) text" -> (12, "text").
    static func numbered(_ line: String) -> (Int, String)? {
        var rest = Substring(line)
        let parenthesized = rest.hasPrefix("(")
        if parenthesized { rest = rest.dropFirst() }
        let digits = rest.prefix(while: \.isNumber)
        guard !digits.isEmpty, digits.count <= 2, let number = Int(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        guard let mark = rest.first, parenthesized ? mark == ")" : (mark == "." || mark == ")") else { return nil }
        rest = rest.dropFirst()
        guard rest.first == " " || rest.first == "\t" else { return nil }
        return (number, rest.trimmingCharacters(in: .whitespaces))
    }
}
