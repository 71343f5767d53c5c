import DraftStore
import Foundation
import Testing

/// A fresh data directory per test, removed afterwards by the caller's `defer`.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vellum-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` with a new store (`drafts.sqlite`) in a folder of its own, removed afterwards.
func withStore(clock: (@Sendable () -> Date)? = nil, _ body: (_ store: DraftStore, _ dir: URL) throws -> Void) throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("drafts.sqlite")
    try body(clock.map { try DraftStore(url: url, clock: $0) } ?? DraftStore(url: url), dir)
}

func sampleDraft(_ text: String = "Assessment: stable. Plan: continue current therapy, review in six weeks.",
                 task: DraftTask = .note, findings: [StoredFinding] = [], input: String = "synthetic transcript",
                 keepInput: Bool = false) -> NewDraft {
    NewDraft(task: task, modelName: "qwen2.5-coder-1.5b-instruct", modelSHA256: String(repeating: "ab", count: 32),
             templateVersion: "note-v1", input: input, keepInput: keepInput, text: text, findings: findings)
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion with stdout and stderr in files, so that large output cannot fill a pipe.
@discardableResult
func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> ProcessResult {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
    guard FileManager.default.createFile(atPath: out.path, contents: nil),
          FileManager.default.createFile(atPath: err.path, contents: nil) else { throw ToolError("cannot create files in \(dir.path)") }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                         stderr: try String(contentsOf: err, encoding: .utf8))
}

/// The `sqlite3` command-line tool (Debian's `sqlite3`, installed by scripts/install-deps.sh): the tests read and
/// tamper with the file from outside the program through it.
enum SQLiteTool {
    static let executable = URL(fileURLWithPath: "/usr/bin/sqlite3")

    /// Output of `sql`, which must succeed.
    @discardableResult
    static func query(_ database: URL, _ sql: String) throws -> String {
        let result = try run(executable, ["-batch", "-bail", database.path, sql])
        guard result.status == 0 else { throw ToolError("sqlite3 failed (\(result.status)): \(result.stderr)") }
        // Only the newline that ends the output: stored text keeps its own spaces.
        return result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
    }

    /// The error message of `sql`, which must fail.
    static func refusal(_ database: URL, _ sql: String) throws -> String {
        let result = try run(executable, ["-batch", "-bail", database.path, sql])
        guard result.status != 0 else { throw ToolError("sqlite3 accepted: \(sql)") }
        return result.stderr
    }

    /// Runs `change` with one trigger dropped and puts the trigger back afterwards, as someone covering their
    /// tracks would.
    static func bypassing(_ trigger: String, in database: URL, _ change: String) throws {
        let definition = try query(database, "SELECT sql FROM sqlite_master WHERE name = '\(trigger)'")
        try query(database, "BEGIN; DROP TRIGGER \(trigger); \(change); \(definition); COMMIT;")
    }
}

struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// SHA-256 by coreutils' `sha256sum`, an implementation independent of the store's.
func sha256sum(_ text: String) throws -> String {
    let result = try run(URL(fileURLWithPath: "/usr/bin/sha256sum"), [], stdin: text)
    return String(result.stdout.prefix(64))
}

/// The executables `swift build` put beside the test bundle: `vellum` and the `draftstore-writer` helper.
func builtProduct(_ name: String) throws -> URL {
    let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])].compactMap { $0 }
    for start in candidates {
        var dir = start.deletingLastPathComponent()
        for _ in 0..<3 {
            let url = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            dir = dir.deletingLastPathComponent()
        }
    }
    throw ToolError("\(name) is not built beside the test bundle (\(candidates.map(\.path))); run `swift build` first")
}

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_796_000_000)

    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    var now: Date { lock.withLock { current } }
}
