import ArgumentParser
import DraftStore
import Foundation

/// `--actor`, shared by every command that changes or reads a draft: the name the audit log records.
struct ActorOptions: ParsableArguments {
    @Option(help: "Who is acting, for the audit log (default: $VELLUM_ACTOR, else the login name).")
    var actor: String?

    var name: String {
        actor ?? ProcessInfo.processInfo.environment["VELLUM_ACTOR"] ?? ProcessInfo.processInfo.userName
    }
}

/// The DRAFT argument of the commands that act on one draft.
struct DraftArgument: ParsableArguments {
    @Argument(help: "Draft id (d-000042 or 42).")
    var draft: String

    /// Parsed here rather than by ArgumentParser, so that a malformed id exits 1 like an unknown one.
    var id: DraftID {
        get throws { try draftID(draft) }
    }
}

/// A draft id as typed (`d-000042` or `42`), or an error that exits 1.
func draftID(_ text: String) throws -> DraftID {
    guard let id = DraftID(text) else { throw DraftStoreError.notADraftID(text) }
    return id
}

/// The text of FILE, or standard input for `-`; it must be UTF-8.
func readText(_ path: String) throws -> String {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let contents = FileManager.default.contents(atPath: path) else { throw CommandError("cannot read \(path)") }
        data = contents
    }
    guard let text = String(data: data, encoding: .utf8) else { throw CommandError("\(path == "-" ? "stdin" : path) is not UTF-8 text") }
    return text
}

/// Indented JSON with ISO 8601 times, as the store's types are printed (and the server will send them).
func printDocument<T: Encodable>(_ value: T) throws {
    FileHandle.standardOutput.write(try JSONOutput.encode(value))
}

/// `2026-12-03 07:48` in UTC, for tables.
func shortTime(_ date: Date) -> String {
    String(Date.ISO8601FormatStyle().format(date).replacingOccurrences(of: "T", with: " ").prefix(16))
}
