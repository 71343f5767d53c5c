import Foundation
import Inference

/// One item of the ICD-10-CM tabular list: a chapter, block, category or (sub)code.
public struct ICD10Entry: Codable, Equatable, Sendable {
    public let code: String
    /// A leaf code: the only kind a claim may carry.
    public let billable: Bool
    /// The item one level up ("E11.6" for "E11.65"); empty for a chapter.
    public let parent: String
    public let description: String
    /// The list's inclusion terms: other wordings that the code stands for.
    public let inclusionTerms: [String]
    /// The list's "Includes" notes: conditions the code (or, on a category, its default code) also covers.
    public let includes: [String]
}

/// The ICD-10-CM code table written by `scripts/fetch-icd10.py` from the pinned tabular list. Every code a
/// suggestion carries is looked up here; nothing in the sources names a code.
public struct ICD10Table: Sendable {
    public static let environmentVariable = "VELLUM_ICD10_DIR"
    public static let fileName = "icd10cm-2026.tsv"
    public static let fetchCommand = "python3 scripts/fetch-icd10.py"

    public let entries: [ICD10Entry]
    /// Which tabular list and package the table was written from (its first comment line).
    public let source: String
    let index: [String: Int]
    let children: [String: [Int]]

    public init(entries: [ICD10Entry], source: String) {
        self.entries = entries
        self.source = source
        var index: [String: Int] = [:]
        var children: [String: [Int]] = [:]
        for (i, entry) in entries.enumerated() {
            index[entry.code] = i
            if !entry.parent.isEmpty { children[entry.parent, default: []].append(i) }
        }
        self.index = index
        self.children = children
    }

    public subscript(code: String) -> ICD10Entry? {
        index[code].map { entries[$0] }
    }

    /// The items one level below `code`, in the list's order.
    public func children(of code: String) -> [ICD10Entry] {
        (children[code] ?? []).map { entries[$0] }
    }

    /// Reads the table from `directory`, or from ``defaultDirectory()``. A missing table is an error that names
    /// the path and the script that writes it; a malformed line names its line number.
    public static func load(directory: URL? = nil) throws(CodingError) -> ICD10Table {
        let url = (directory ?? defaultDirectory()).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .missingTable("no ICD-10-CM table at \(url.path); run `\(fetchCommand)` (scripts/setup.sh and scripts/test.sh run it)")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: url.path)
    }

    static func parse(_ text: String, source: String) throws(CodingError) -> ICD10Table {
        var entries: [ICD10Entry] = []
        var origin = ""
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.hasPrefix("#") {
                if origin.isEmpty { origin = line.dropFirst().trimmingCharacters(in: .whitespaces) }
                continue
            }
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 6, !fields[0].isEmpty, fields[1] == "0" || fields[1] == "1" else {
                throw .malformedTable("\(source):\(lineNumber): expected 6 tab-separated fields (code, billable 0|1, parent, description, inclusion terms, includes); run `\(fetchCommand)` again")
            }
            entries.append(ICD10Entry(code: String(fields[0]), billable: fields[1] == "1", parent: String(fields[2]),
                                      description: String(fields[3]), inclusionTerms: list(fields[4]), includes: list(fields[5])))
        }
        guard !entries.isEmpty else { throw .malformedTable("\(source): no codes; run `\(fetchCommand)` again") }
        return ICD10Table(entries: entries, source: origin)
    }

    static func list(_ field: Substring) -> [String] {
        field.isEmpty ? [] : field.components(separatedBy: " | ")
    }

    /// The code a category's own wording stands for when the note gives no more detail: its direct billable
    /// child "without complications" or "unspecified" (a category's "Includes: diabetes NOS" is coded there).
    public func defaultCode(of code: String) -> ICD10Entry? {
        let leaves = children(of: code).filter(\.billable)
        return leaves.first { $0.description.lowercased().contains("without complications") }
            ?? leaves.first { $0.description.lowercased().hasSuffix("unspecified") }
    }

    /// The chapter `code` belongs to: its ancestor without a parent.
    public func chapter(of code: String) -> ICD10Entry? {
        var current = self[code]
        var steps = 0
        while let entry = current, !entry.parent.isEmpty, entry.parent != entry.code, steps < 10 {
            current = self[entry.parent]
            steps += 1
        }
        return current
    }

    /// A code of the chapter of symptoms, signs and abnormal findings (a complaint, not a diagnosis).
    public func isSymptom(_ code: String) -> Bool {
        chapter(of: code)?.description.lowercased().hasPrefix("symptoms, signs") ?? false
    }

    /// `$VELLUM_ICD10_DIR`, else `.cache/icd10cm` of the checkout the models are found in (`ModelCatalog`'s
    /// root: `VELLUM_ROOT`, or walking up from the executable and the working directory), else `./.cache/icd10cm`.
    public static func defaultDirectory() -> URL {
        if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let root = ModelCatalog().root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return root.appendingPathComponent(".cache/icd10cm")
    }
}

/// What the coding task refuses, with where.
public enum CodingError: Error, CustomStringConvertible, Equatable, Sendable {
    case missingTable(String)
    case malformedTable(String)

    public var description: String {
        switch self {
        case .missingTable(let message), .malformedTable(let message): return "ICD-10-CM table: \(message)"
        }
    }
}
