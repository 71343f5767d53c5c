import ArgumentParser
import DraftStore

/// `vellum stats`: the practice manager's view.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drafts per task, median time to signature, how much clinicians changed drafts, findings per draft.",
        discussion: """
            Edit is the Levenshtein distance (Unicode scalars) from the generated to the signed text as a \
            percentage of the longer one, over signed drafts; findings are the fact check's unsupported facts.
            """
    )

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let stats = try DraftStore.openDefault().stats()
        if json { return try printDocument(stats) }
        print(stats.table, terminator: "")
    }
}
