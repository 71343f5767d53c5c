import DraftStore
import Foundation
import Testing

/// Child processes are the `draftstore-writer` helper target (Tests/DraftStoreWriter), which reports each
/// create, edit and sign on stdout only after it committed.
struct CrashAndConcurrencyTests {
    struct Step: Hashable {
        var action: String
        var id: DraftID
        var index: Int
    }

    /// The text the writer gives draft `index` at `version`; kept in step with Tests/DraftStoreWriter/main.swift.
    func writerText(_ label: String, _ index: Int, version: Int) -> String {
        "Synthetic draft \(label)-\(index) version \(version). " + String(repeating: "Plan unchanged; review in clinic. ", count: 700)
    }

    func parse(_ lines: some Sequence<Substring>) -> [Step] {
        lines.compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let id = DraftID(String(parts[1])), let index = Int(parts[2]) else { return nil }
            return Step(action: String(parts[0]), id: id, index: index)
        }
    }

    /// Starts a writer and kills it with SIGKILL once it has reported `steps` committed steps; returns every step
    /// it reported before it died.
    func killWriter(database: URL, label: String, after steps: Int) throws -> [Step] {
        let process = Process()
        process.executableURL = try builtProduct("draftstore-writer")
        process.arguments = [database.path, label, "0"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var received = Data()
        while received.split(separator: UInt8(ascii: "\n")).count < steps {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received += chunk
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        received += output.fileHandleForReading.readDataToEndOfFile()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        // Only whole lines: a line cut by the kill was never a finished report.
        let text = String(decoding: received, as: UTF8.self)
        let whole = text.lastIndex(of: "\n").map { text[...$0] } ?? ""
        return parse(whole.split(separator: "\n"))
    }

    @Test func killDashNineMidWriteLosesNothingCommitted() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("drafts.sqlite")
        var reported: [(label: String, step: Step)] = []
        // Three children, each killed at a different point of its create/edit/sign cycle.
        for (label, steps) in [("k1", 10), ("k2", 14), ("k3", 18)] {
            reported += try killWriter(database: db, label: label, after: steps).map { (label, $0) }
        }
        #expect(reported.count >= 42)

        #expect(try SQLiteTool.query(db, "PRAGMA integrity_check") == "ok")
        for (label, step) in reported {
            let n = step.id.number
            switch step.action {
            case "created":
                #expect(try SQLiteTool.query(db, "SELECT text FROM draft_version WHERE draft_id = \(n) AND version = 1")
                        == writerText(label, step.index, version: 1))
            case "edited":
                #expect(try SQLiteTool.query(db, "SELECT text FROM draft_version WHERE draft_id = \(n) AND version = 2")
                        == writerText(label, step.index, version: 2))
            default:
                #expect(try SQLiteTool.query(db, "SELECT status, signed_sha256 FROM draft WHERE id = \(n)")
                        == "signed|\(try sha256sum(writerText(label, step.index, version: 2)))")
            }
        }
        // Whatever the kills interrupted was rolled back whole: every draft has its first version and every
        // change its audit entry, and the chain is intact.
        #expect(try SQLiteTool.query(db, "SELECT count(*) FROM draft d WHERE NOT EXISTS (SELECT 1 FROM draft_version v WHERE v.draft_id = d.id)") == "0")
        let verification = try DraftStore(url: db).verifyAudit()
        #expect(verification.isIntact, "\(verification.problems)")
        // The store keeps working after the crashes.
        let next = try DraftStore(url: db).create(sampleDraft(), actor: "dr.a")
        #expect(next.id.number == (try Int64(SQLiteTool.query(db, "SELECT max(id) FROM draft"))))
    }

    @Test func twoProcessesWritingAtOnceNeverCorruptTheFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("drafts.sqlite")
        let perWriter = 15
        // Both start on a file that does not exist yet, so they also race to create the schema.
        let writers = try ["w1", "w2"].map { label -> Process in
            let process = Process()
            process.executableURL = try builtProduct("draftstore-writer")
            process.arguments = [db.path, label, String(perWriter)]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        for writer in writers { writer.waitUntilExit() }
        #expect(writers.map(\.terminationStatus) == [0, 0])

        #expect(try SQLiteTool.query(db, "PRAGMA integrity_check") == "ok")
        #expect(try SQLiteTool.query(db, "SELECT count(*), count(DISTINCT id), sum(status = 'signed') FROM draft") == "30|30|30")
        #expect(try SQLiteTool.query(db, "SELECT actor, count(*) FROM draft_version WHERE version = 1 GROUP BY actor ORDER BY actor")
                == "w1|\(perWriter)\nw2|\(perWriter)")
        #expect(try SQLiteTool.query(db, "SELECT count(*), max(seq) FROM audit") == "90|90")
        let verification = try DraftStore(url: db).verifyAudit()
        #expect(verification.isIntact, "\(verification.problems)")
    }
}
