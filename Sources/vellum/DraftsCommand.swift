import ArgumentParser
import DraftStore

extension DraftStatus: ExpressibleByArgument {}
extension DraftTask: ExpressibleByArgument {}

/// `vellum drafts`: the drafts in the store, without their texts.
struct Drafts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List saved drafts (id, task, status, versions, findings, signer); never their text.",
        discussion: "The store is $VELLUM_DATA_DIR/drafts.sqlite (default ~/.local/share/vellum/drafts.sqlite)."
    )

    @Option(help: "Only drafts in this status: draft, edited, signed or discarded.")
    var status: DraftStatus?

    @Option(help: "Only drafts of this task: \(DraftTask.allCases.map(\.rawValue).joined(separator: ", ")).")
    var task: DraftTask?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let records = try DraftStore.openDefault().list(status: status, task: task)
        if json { return try printDocument(records) }
        let rows = records.map { r in
            [r.id.description, r.task.rawValue, r.status.rawValue, "\(r.versionCount)", "\(r.findingCount)",
             shortTime(r.createdAt), r.signature?.signedBy ?? ""]
        }
        print(table(["id", "task", "status", "versions", "findings", "created (UTC)", "signed by"], rows, numeric: [3, 4]))
    }
}

/// Left-aligned columns, right-aligned where `numeric`, two spaces apart.
func table(_ header: [String], _ rows: [[String]], numeric: Set<Int>) -> String {
    let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
    return ([header] + rows).map { cells in
        cells.enumerated().map { c, cell in
            let pad = String(repeating: " ", count: widths[c] - cell.count)
            return numeric.contains(c) ? pad + cell : cell + pad
        }.joined(separator: "  ").trimmingTrailingSpaces()
    }.joined(separator: "\n")
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
