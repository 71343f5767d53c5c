import Foundation

/// Results that clinicians write many to a line, read by pattern: a small model asked for "the results in these
/// lines" lists a few of a long run and drops the rest.
///
/// - An inline list: a line that opens with a lab cue and a colon ("Labs 03/10/2025: A1C 7.4 %, eGFR 53, K 4.6"),
///   its items separated by commas, semicolons or full stops, continued on the next line while a line ends with
///   a comma. Each item is a name, a number and an optional unit; items without a number ("CMV PCR not
///   detected") and parenthesized remarks are left out.
/// - A table with a date column: a header whose first column is "date" and whose other columns name tests (a
///   unit in parentheses), then one row per date. Cells are split on runs of two or more spaces, so a row is
///   read only when it has as many cells as the header; a free-text column ("other", "comments") is read as
///   an inline list.
///
/// Every result is dated by the list's own date or the row's date, never by the note around it, because a
/// note often reviews labs drawn days before.
enum LabListExtractor {
    static func results(in lines: RecordLines) -> [LabLineExtractor.Result] {
        var found: [LabLineExtractor.Result] = []
        var number = 1
        while let line = lines[number] {
            if let items = listItems(line.deidentified) {
                found += results(items, line: number, date: line.ownDate)
                var next = number
                while lines[next]!.deidentified.trimmingCharacters(in: .whitespaces).hasSuffix(","), let continued = lines[next + 1] {
                    next += 1
                    found += results(continued.deidentified, line: next, date: line.ownDate)
                }
                number = next + 1
            } else if let columns = tableHeader(line.deidentified) {
                var row = number + 1
                while let rowLine = lines[row], let date = rowLine.ownDate, startsWithDate(rowLine.original) {
                    found += tableRow(rowLine.deidentified, columns: columns, line: row, date: date).map { result in
                        var cited = result
                        cited.headerLine = number
                        return cited
                    }
                    row += 1
                }
                number = row
            } else {
                number += 1
            }
        }
        return found
    }

    // MARK: Inline lists

    private static let cue = try! NSRegularExpression(
        pattern: #"^\s*(?:labs?|lab results|results|labs? (?:today|drawn|reviewed))\b[^:]{0,40}:\s*(.*)$"#,
        options: [.caseInsensitive])

    /// The text after "Labs ...:" on a line that opens with a lab cue, or nil.
    static func listItems(_ text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = cue.firstMatch(in: text, range: range), let items = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[items])
    }

    private static let item = try! NSRegularExpression(
        pattern: #"^([A-Za-z][A-Za-z0-9\-/ ]{0,40}?)\s*:?\s+([<>]?\d[\d,]*(?:\.\d+)?(?:/\d+)?)(?:\s*(%|[A-Za-zµ]+(?:/[A-Za-z0-9.]+)+|mmHg|bpm|copies|mEq|mmol|mg|g|ng|pg|mcg|IU|U|sec|mm|cm|kg))?(?![\w/])"#)

    /// Items of a list, each "name value [unit]"; separators are a comma, semicolon or full stop followed by a
    /// space (a thousands comma or a decimal point has none).
    static func results(_ text: String, line: Int, date: String?) -> [LabLineExtractor.Result] {
        let withoutRemarks = text.replacingOccurrences(of: #"\([^)]*\)"#, with: "", options: .regularExpression)
        return withoutRemarks.split(separator: itemBreak).compactMap { segment in
            result(String(segment), line: line, date: date)
        }
    }

    static func result(_ segment: String, line: Int, date: String?) -> LabLineExtractor.Result? {
        let segment = segment.trimmingCharacters(in: .whitespaces)
        let range = NSRange(segment.startIndex..., in: segment)
        guard let match = item.firstMatch(in: segment, range: range),
              let nameRange = Range(match.range(at: 1), in: segment), let valueRange = Range(match.range(at: 2), in: segment) else { return nil }
        let name = String(segment[nameRange]).trimmingCharacters(in: .whitespaces)
        // A name is a test's: a few words, no placeholder, not a sentence ("creatinine back to baseline on").
        guard name.split(separator: " ").count <= 4, !name.contains("[") else { return nil }
        // A result ends at its value and unit; a word after them makes it a remark ("missed 2 doses").
        let rest = segment[(Range(match.range, in: segment)!).upperBound...].trimmingCharacters(in: .whitespaces)
        if let word = rest.split(separator: " ").first, word.count >= 3, word.allSatisfy(\.isLetter),
           !["today", "high", "low"].contains(word.lowercased()) { return nil }
        var value = String(segment[valueRange])
        if let unitRange = Range(match.range(at: 3), in: segment) { value += (segment[unitRange] == "%" ? " %" : " " + segment[unitRange]) }
        return LabLineExtractor.Result(name: name, value: value, line: line, date: date)
    }

    // MARK: Tables with a date column

    /// A header's columns after the date column: the test name and its unit from parentheses; nil when the line
    /// is not a header of a dated table.
    static func tableHeader(_ text: String) -> [(name: String, unit: String?)]? {
        let cells = cellsOf(text)
        guard cells.count >= 3, cells[0].lowercased() == "date" else { return nil }
        return cells.dropFirst().map { cell in
            guard let open = cell.firstIndex(of: "("), let close = cell.lastIndex(of: ")"), open < close else { return (cell, nil) }
            return (String(cell[..<open]).trimmingCharacters(in: .whitespaces), String(cell[cell.index(after: open)..<close]))
        }
    }

    static func tableRow(_ text: String, columns: [(name: String, unit: String?)], line: Int, date: String) -> [LabLineExtractor.Result] {
        let cells = cellsOf(text).dropFirst()
        guard cells.count == columns.count else { return [] }
        return zip(columns, cells).flatMap { column, cell -> [LabLineExtractor.Result] in
            if freeTextColumns.contains(column.name.lowercased()) { return results(cell, line: line, date: date) }
            guard cell.range(of: #"^[<>]?\d[\d,]*(\.\d+)?$"#, options: .regularExpression) != nil else { return [] }
            return [LabLineExtractor.Result(name: column.name, value: column.unit.map { cell + " " + $0 } ?? cell, line: line, date: date)]
        }
    }

    nonisolated(unsafe) private static let itemBreak = try! Regex(#"[,;]\s|\.\s|\.$"#)
    nonisolated(unsafe) private static let columnGap = try! Regex(#"\s{2,}"#)

    private static let freeTextColumns: Set<String> = ["other", "others", "comment", "comments", "notes", "other results"]

    private static func cellsOf(_ text: String) -> [String] {
        text.trimmingCharacters(in: .whitespaces).split(separator: columnGap).map(String.init)
    }

    private static func startsWithDate(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespaces).range(of: #"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"#, options: .regularExpression) != nil
    }
}
