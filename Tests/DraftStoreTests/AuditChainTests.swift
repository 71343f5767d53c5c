import DraftStore
import Foundation
import Testing

/// Each test writes a six-entry log through the store, tampers with it through the sqlite3 tool (dropping the
/// guarding trigger and putting it back, as someone covering their tracks would), and checks what
/// `verifyAudit()` and `vellum audit verify` name.
struct AuditChainTests {
    /// Entries: 1 created d1, 2 edited d1, 3 viewed d1, 4 signed d1, 5 created d2, 6 signed d2.
    func sixEntryLog(in dir: URL) throws -> URL {
        let db = dir.appendingPathComponent("drafts.sqlite")
        let store = try DraftStore(url: db)
        let first = try store.create(sampleDraft("Plan: rest."), actor: "dr.a").id
        try store.edit(first, text: "Plan: rest and fluids.", actor: "dr.a")
        _ = try store.show(first, actor: "dr.b")
        try store.sign(first, by: "Dr. A")
        let second = try store.create(sampleDraft("Referral to cardiology.", task: .referral), actor: "dr.b").id
        try store.sign(second, by: "Dr. B")
        #expect(try SQLiteTool.query(db, "SELECT count(*) FROM audit") == "6")
        return db
    }

    /// Runs `body` on a fresh six-entry log in its own folder, removed afterwards.
    func withSixEntryLog(_ body: (_ dir: URL, _ db: URL) throws -> Void) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(dir, try sixEntryLog(in: dir))
    }

    func firstProblem(_ db: URL) throws -> AuditProblem? {
        try DraftStore(url: db).verifyAudit().problems.first
    }

    func verifyCommand(_ dir: URL) throws -> ProcessResult {
        try run(builtProduct("vellum"), ["audit", "verify"], environment: ["VELLUM_DATA_DIR": dir.path])
    }

    @Test func anIntactLogVerifiesAndRefusesUpdateAndDelete() throws {
        try withSixEntryLog { dir, db in
            let result = try DraftStore(url: db).verifyAudit()
            #expect(result.isIntact && result.entries == 6)
            #expect(result.headHash == (try SQLiteTool.query(db, "SELECT hash FROM audit WHERE seq = 6")))
            #expect(try SQLiteTool.refusal(db, "UPDATE audit SET actor = 'x' WHERE seq = 2").contains("append-only"))
            #expect(try SQLiteTool.refusal(db, "DELETE FROM audit WHERE seq = 6").contains("append-only"))
            #expect(try SQLiteTool.refusal(db, "INSERT INTO audit VALUES (9, 't', 'a', 'viewed', 1, 1, NULL, '', 'x', 'y')").contains("follow"))

            let cli = try verifyCommand(dir)
            #expect(cli.status == 0 && cli.stdout.contains("intact: 6 entries"))
        }
    }

    @Test func anAlteredEntryIsNamed() throws {
        try withSixEntryLog { dir, db in
            try SQLiteTool.bypassing("audit_no_update", in: db, "UPDATE audit SET actor = 'mallory' WHERE seq = 3")

            let problem = try #require(try firstProblem(db))
            #expect(problem.kind == .altered && problem.seq == 3)
            let cli = try verifyCommand(dir)
            #expect(cli.status == 1)
            #expect(cli.stdout.contains("audit entry 3 was altered"))
        }
    }

    @Test func aDeletedEntryIsNamed() throws {
        try withSixEntryLog { dir, db in
            try SQLiteTool.bypassing("audit_no_delete", in: db, "DELETE FROM audit WHERE seq = 3")

            let problem = try #require(try firstProblem(db))
            #expect(problem.kind == .deleted && problem.seq == 3)
            #expect(problem.message.contains("entry 3 was deleted"))
        }
    }

    @Test func aDeletedLastEntryIsNamed() throws {
        try withSixEntryLog { dir, db in
            try SQLiteTool.bypassing("audit_no_delete", in: db, "DELETE FROM audit WHERE seq = 6")

            let problem = try #require(try firstProblem(db))
            #expect(problem.kind == .deleted && problem.seq == 6)
            let cli = try verifyCommand(dir)
            #expect(cli.status == 1 && cli.stdout.contains("entry 6 was deleted from the end"))
        }
    }

    @Test func aDeletedLastEntryWithARewrittenHeadIsStillFound() throws {
        try withSixEntryLog { dir, db in
            try SQLiteTool.query(db, """
                BEGIN;
                DROP TRIGGER audit_no_delete; DROP TRIGGER audit_head_follows_chain;
                DELETE FROM audit WHERE seq = 6;
                UPDATE audit_head SET seq = 5, hash = (SELECT hash FROM audit WHERE seq = 5);
                COMMIT;
                """)
            let result = try DraftStore(url: db).verifyAudit()
            #expect(result.entries == 5)
            // The chain itself is now a valid five-entry chain; the signature of d-000002 has lost its entry.
            #expect(result.problems.contains { $0.kind == .unaudited && $0.message.contains("signature of d-000002") })
            #expect(result.problems.contains { $0.kind == .missingTrigger && $0.message.contains("audit_no_delete") })
        }
    }

    @Test func aReorderedPairIsNamed() throws {
        try withSixEntryLog { dir, db in
            // Entries 3 and 4 exchange places: every column but the position moves.
            let columns = "at, actor, action, draft_id, version, text_sha256, detail, prev_hash, hash"
            try SQLiteTool.bypassing("audit_no_update", in: db, """
                CREATE TEMP TABLE pair AS SELECT * FROM audit WHERE seq IN (3, 4);
                UPDATE audit SET (\(columns)) = (SELECT \(columns) FROM pair WHERE pair.seq = 7 - audit.seq) WHERE seq IN (3, 4)
                """)
            #expect(try SQLiteTool.query(db, "SELECT action FROM audit WHERE seq = 3") == "signed")

            let problem = try #require(try firstProblem(db))
            #expect(problem.kind == .reordered && problem.seq == 3)
            #expect(problem.message.contains("written as entry 4"))
        }
    }

    @Test func aRemovedTriggerIsReported() throws {
        try withSixEntryLog { dir, db in
            try SQLiteTool.query(db, "DROP TRIGGER draft_closed_is_immutable")
            let result = try DraftStore(url: db).verifyAudit()
            #expect(result.problems.map(\.kind) == [.missingTrigger])
        }
    }
}
