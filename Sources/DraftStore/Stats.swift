import Foundation
import GRDB

/// What a practice manager tracks, per task and over all drafts: how many, how fast they are signed, how much
/// clinicians change them, and how many unsupported facts the fact check found.
public struct DraftStats: Codable, Sendable, Hashable {
    public struct Line: Codable, Sendable, Hashable {
        /// A ``DraftTask`` raw value, or `all`.
        public var task: String
        public var drafts: Int
        /// Still `draft` or `edited`.
        public var open: Int
        public var signed: Int
        public var discarded: Int
        /// Median time from creation to signature over the signed drafts; nil when none is signed.
        public var medianSecondsToSign: Double?
        /// Median and mean edit distance from generated to signed text, as a percentage (see ``Signature``).
        public var medianEditPercent: Double?
        public var meanEditPercent: Double?
        /// Fact-check findings per draft (mean over all drafts of the task).
        public var findingsPerDraft: Double?
    }

    public var tasks: [Line]
    public var all: Line

    /// A fixed-width table for a terminal.
    public var table: String {
        let header = ["task", "drafts", "open", "signed", "discarded", "median to sign", "median edit", "mean edit",
                      "findings/draft"]
        let rows = (tasks + [all]).map { line in
            [line.task, "\(line.drafts)", "\(line.open)", "\(line.signed)", "\(line.discarded)",
             line.medianSecondsToSign.map(Self.duration) ?? "-",
             line.medianEditPercent.map { String(format: "%.1f%%", $0) } ?? "-",
             line.meanEditPercent.map { String(format: "%.1f%%", $0) } ?? "-",
             line.findingsPerDraft.map { String(format: "%.2f", $0) } ?? "-"]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return ([render(header)] + rows.map(render)).joined(separator: "\n") + "\n"
    }

    /// `45s`, `14m 05s`, `3h 20m`, `2d 04h`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return String(format: "%dm %02ds", s / 60, s % 60)
        case ..<86400: return String(format: "%dh %02dm", s / 3600, s % 3600 / 60)
        default: return String(format: "%dd %02dh", s / 86400, s % 86400 / 3600)
        }
    }

    struct Sample {
        var task: DraftTask
        var status: DraftStatus
        var secondsToSign: Double?
        var editPercent: Double?
        var findings: Int
    }

    init(samples: [Sample]) {
        let present = Set(samples.map(\.task))
        tasks = DraftTask.allCases.filter(present.contains).map { task in
            Self.line(task.rawValue, samples.filter { $0.task == task })
        }
        all = Self.line("all", samples)
    }

    static func line(_ name: String, _ samples: [Sample]) -> Line {
        let edits = samples.compactMap(\.editPercent)
        return Line(task: name, drafts: samples.count,
                    open: samples.filter { !$0.status.isClosed }.count,
                    signed: samples.filter { $0.status == .signed }.count,
                    discarded: samples.filter { $0.status == .discarded }.count,
                    medianSecondsToSign: median(samples.compactMap(\.secondsToSign)),
                    medianEditPercent: median(edits),
                    meanEditPercent: edits.isEmpty ? nil : edits.reduce(0, +) / Double(edits.count),
                    findingsPerDraft: samples.isEmpty ? nil : Double(samples.map(\.findings).reduce(0, +)) / Double(samples.count))
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

extension DraftStore {
    /// Counts and medians over every draft in the store.
    public func stats() throws -> DraftStats {
        try read { db in
            let samples = try Row.fetchAll(db, sql: """
                SELECT task, status, created_at, signed_at, edit_percent,
                       (SELECT count(*) FROM finding f WHERE f.draft_id = d.id AND f.version = 1) AS findings
                FROM draft d
                """).map { row -> DraftStats.Sample in
                let task: String = try row.decode(forColumn: "task"), status: String = try row.decode(forColumn: "status")
                guard let task = DraftTask(rawValue: task), let status = DraftStatus(rawValue: status) else {
                    throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unknown task or status")
                }
                let signedAt: String? = try row.decode(forColumn: "signed_at")
                let seconds = try signedAt.map { _ in
                    try DraftStore.date(row, "signed_at").timeIntervalSince(try DraftStore.date(row, "created_at"))
                }
                return DraftStats.Sample(task: task, status: status, secondsToSign: seconds,
                                         editPercent: try row.decode(forColumn: "edit_percent"),
                                         findings: try row.decode(forColumn: "findings"))
            }
            return DraftStats(samples: samples)
        }
    }
}
