/// Lab report lines read without the model, where a table is more faithfully read by pattern than by a small
/// model: a test name, a numeric value, then a unit, a reference range or an H/L flag (`HGB A1C  7.4 %
/// (4.0-5.6) H`, `Potassium: 5.3 mmol/L [3.5-5.1]`). A line without a range or flag is left to the model: a
/// name followed by a number is not enough to call it a result.
enum LabLineExtractor {
    struct Result: Equatable {
        var name: String
        var value: String
        var line: Int
        /// The date the list or table row gives the result; nil to date it by its line.
        var date: String? = nil
        /// A table's header line, which names the test of a row's cell.
        var headerLine: Int? = nil
    }

    static func results(in lines: RecordLines) -> [Result] {
        lines.lines.compactMap { parse($0.deidentified, line: $0.number) }
    }

    static func parse(_ text: String, line: Int) -> Result? {
        let words = FactExtractor(text).words
        guard let valueIndex = words.firstIndex(where: { $0.isNumber && !$0.lower.contains("/") }), valueIndex >= 1, valueIndex <= 5 else { return nil }
        let nameWords = words[..<valueIndex]
        guard nameWords.allSatisfy({ !$0.isNumber || $0.lower.count <= 2 }), nameWords.first!.lower.first!.isLetter,
              !nameWords.contains(where: { $0.lower.hasPrefix("[") }) else { return nil }
        let scalars = Array(text.unicodeScalars)
        var rest = String.UnicodeScalarView()
        rest.append(contentsOf: scalars[words[valueIndex].end...])
        let tail = String(rest)
        let hasRange = tail.range(of: #"[\(\[]\s*[<>]?\d+(\.\d+)?\s*[-–]\s*\d+(\.\d+)?"#, options: .regularExpression) != nil
            || tail.range(of: #"\bref(erence)?\b"#, options: [.regularExpression, .caseInsensitive]) != nil
        let hasFlag = tail.range(of: #"(^|\s)(H|L|HH|LL|High|Low|Abnormal)(\s|$)"#, options: .regularExpression) != nil
        guard hasRange || hasFlag else { return nil }
        let name = nameWords.map(\.text).joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: ":- "))
        var value = words[valueIndex].text
        if valueIndex + 1 < words.count, let unit = words[valueIndex + 1].text.range(of: #"^[A-Za-z%µ/0-9^.]+$"#, options: .regularExpression).map({ words[valueIndex + 1].text[$0] }),
           !unit.isEmpty, unit.first!.isLetter || unit.first == "%" {
            value += " " + unit
        } else if tail.hasPrefix(" %") || tail.hasPrefix("%") {
            value += " %"
        }
        return Result(name: name, value: value, line: line)
    }
}

import Foundation
