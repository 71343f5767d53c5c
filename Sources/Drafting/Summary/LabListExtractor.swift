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
/// - A flowsheet: a header whose first cell labels the rows and whose other cells are dates (a "units" or
///   "ref range" column may stand between), then one row per test: its name (a unit in parentheses), then one
///   value per date, "--" or blank where none was drawn. Cumulative lab reports and letters are written this way.
///
/// Every result is dated by the list's own date, the row's date or the column's date, never by another date on
/// the line (a remark's "(2.1 on 04/13)" dates the earlier value, not the list); a list without a date of its own
/// takes the date of the note it sits in.
enum LabListExtractor {
    static func results(in lines: RecordLines) -> [LabLineExtractor.Result] {
        var found: [LabLineExtractor.Result] = []
        var number = 1
        while let line = lines[number] {
            if let items = listItems(line.deidentified) {
                let date = listDate(line) ?? line.contextDate
                found += results(items, line: number, date: date)
                var next = number
                while lines[next]!.deidentified.trimmingCharacters(in: .whitespaces).hasSuffix(","), let continued = lines[next + 1] {
                    next += 1
                    found += results(continued.deidentified, line: next, date: date)
                }
                number = next + 1
            } else if let columns = flowsheetColumns(line.original, near: line.contextDate) {
                var row = number + 1
                while let rowLine = lines[row], let cells = flowsheetRow(rowLine.deidentified, columns: columns) {
                    found += cells.map { cell in
                        LabLineExtractor.Result(name: cell.name, value: cell.value, line: row, date: cell.date, headerLine: number)
                    }
                    row += 1
                }
                number = row
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

    /// A lab cue opening the line or a sentence of it ("... resolved. Labs today: Hgb 12.1, ..."), up to its colon.
    private static let cue = try! NSRegularExpression(
        pattern: #"(?:^|[.;]\s)\s*((?:labs?|lab results|results|labs? (?:today|drawn|reviewed))\b[^:.;]{0,40}):\s*(.*)$"#,
        options: [.caseInsensitive])

    /// The text after "Labs ...:" where a lab cue opens the line or one of its sentences, or nil.
    static func listItems(_ text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = cue.firstMatch(in: text, range: range), let items = Range(match.range(at: 2), in: text) else { return nil }
        return String(text[items])
    }

    /// The date a list's cue gives ("Labs 03/10/2025:"), read from the original line, a year-less one in the
    /// year of the note around it; nil when the cue has none.
    static func listDate(_ line: RecordLines.Line) -> String? {
        let text = line.original
        let range = NSRange(text.startIndex..., in: text)
        guard let match = cue.firstMatch(in: text, range: range), let label = Range(match.range(at: 1), in: text) else { return nil }
        return FactExtractor(String(text[label])).facts().first { $0.kind == .date }.flatMap { RecordLines.iso($0.key, near: line.contextDate) }
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

    // MARK: Flowsheets (a date per column)

    struct FlowsheetColumn: Equatable {
        enum Role: Equatable { case date(String), unit, ignored }
        var role: Role
    }

    /// The roles of a flowsheet header's cells after its first: a date (as ISO; a year-less one in the year of
    /// the note around it), the units column, or a reference-range column; nil unless the line is such a header
    /// with at least two dates. Read from the original line, since the de-identified one has placeholders for dates.
    static func flowsheetColumns(_ text: String, near context: String?) -> [FlowsheetColumn]? {
        let cells = cellsOf(text)
        guard cells.count >= 3, dateKey(cells[0]) == nil else { return nil }
        var columns: [FlowsheetColumn] = []
        for cell in cells.dropFirst() {
            let lower = cell.lowercased()
            if ["unit", "units"].contains(lower) {
                columns.append(FlowsheetColumn(role: .unit))
            } else if ["ref", "ref range", "reference", "reference range", "range", "normal", "normal range", "flag"].contains(lower) {
                columns.append(FlowsheetColumn(role: .ignored))
            } else if let key = dateKey(cell), let iso = RecordLines.iso(key, near: context) {
                columns.append(FlowsheetColumn(role: .date(iso)))
            } else {
                return nil
            }
        }
        return columns.filter { if case .date = $0.role { true } else { false } }.count >= 2 ? columns : nil
    }

    /// A flowsheet row's results: its test's name, then a value for each date column that has one; nil when the
    /// line is not a row of this sheet (the cells do not line up, or no cell holds a value), which ends the sheet.
    static func flowsheetRow(_ text: String, columns: [FlowsheetColumn]) -> [(name: String, value: String, date: String)]? {
        let cells = cellsOf(text)
        guard cells.count == columns.count + 1, let first = cells[0].first, first.isLetter, !cells[0].contains("[") else { return nil }
        var name = cells[0]
        var unit: String?
        if let open = name.firstIndex(of: "("), let close = name.lastIndex(of: ")"), open < close {
            unit = String(name[name.index(after: open)..<close])
            name = String(name[..<open]).trimmingCharacters(in: .whitespaces)
        }
        if let unitColumn = columns.firstIndex(where: { $0.role == .unit }) { unit = cells[unitColumn + 1] }
        var found: [(name: String, value: String, date: String)] = []
        for (column, cell) in zip(columns, cells.dropFirst()) {
            guard case .date(let date) = column.role else { continue }
            if noValue.contains(cell.lowercased()) { continue }
            let range = NSRange(cell.startIndex..., in: cell)
            guard let match = flowsheetValue.firstMatch(in: cell, range: range), let number = Range(match.range(at: 1), in: cell) else { return nil }
            found.append((name, unit.map { cell[number] + " " + $0 } ?? String(cell[number]), date))
        }
        return found.isEmpty ? nil : found
    }

    /// A flowsheet cell: a number with an optional high/low flag.
    private static let flowsheetValue = try! NSRegularExpression(pattern: #"^([<>]?\d[\d,]*(?:\.\d+)?)\s*(?:\*|H|L|HH|LL|\(H\)|\(L\))?$"#)
    private static let noValue: Set<String> = ["--", "-", "—", "–", "n/a", "na", "nd", "not done", "pending", "."]

    /// The date key of a cell that is a date and nothing else ("3/7/23", "2024-03-12", "Mar 12 '24"). A bare
    /// "M/D" counts here, beside other dates in a header, though in prose it is more often a ratio or a score.
    private static func dateKey(_ cell: String) -> String? {
        let parts = cell.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let month = Int(parts[0]), let day = Int(parts[1]), (1...12).contains(month), (1...31).contains(day),
           parts.allSatisfy({ $0.count <= 2 }) {
            return "\(month)-\(day)"
        }
        return FactExtractor(cell).facts().first { $0.kind == .date && $0.start == 0 && $0.end >= cell.unicodeScalars.count }?.key
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
