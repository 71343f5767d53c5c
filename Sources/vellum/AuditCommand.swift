import ArgumentParser
import DraftStore
import Foundation

/// `vellum audit verify|log`: the hash-chained audit log.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify or list the append-only, hash-chained audit log (actions, actors, times, ids, hashes).",
        subcommands: [AuditVerify.self, AuditLogCommand.self]
    )
}

struct AuditVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the audit chain; name the first altered, deleted or reordered entry and exit 1.",
        discussion: """
            Also checks that the protective triggers are in place and that every draft version and signature \
            has its audit entry. Prints the head hash: noted elsewhere, it also exposes a rewrite of the whole chain.
            """
    )

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let store = try DraftStore.openDefault()
        let result = try store.verifyAudit()
        if json {
            try printDocument(result)
        } else if result.isIntact {
            print("audit log intact: \(result.entries) entries, head \(result.headHash)")
        } else {
            print("audit log NOT intact (\(store.url.path)):")
            for problem in result.problems { print("  \(problem)") }
        }
        if !result.isIntact { throw ExitCode(1) }
    }
}

struct AuditLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "List audit entries, oldest first.")

    @Option(help: "Only the entries of this draft.")
    var draft: String?

    @Flag(help: "Print JSON with hashes.")
    var json = false

    func run() throws {
        let entries = try DraftStore.openDefault().auditEntries(draft: try draft.map(draftID))
        if json { return try printDocument(entries) }
        let rows = entries.map { e in
            ["\(e.seq)", shortTime(e.at), e.actor, e.action.rawValue, e.draftID?.description ?? "",
             e.version.map(String.init) ?? "", e.detail]
        }
        print(table(["#", "time (UTC)", "actor", "action", "draft", "version", "detail"], rows, numeric: [0, 5]))
    }
}
