@testable import DraftStore
import Foundation
import Testing

struct StoreTests {
    @Test func migratesAnEmptyFileToTheCurrentSchemaInWALMode() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("drafts.sqlite")
        #expect(FileManager.default.createFile(atPath: db.path, contents: Data()))
        _ = try DraftStore(url: db)

        #expect(try SQLiteTool.query(db, "PRAGMA user_version") == "2")
        #expect(try SQLiteTool.query(db, "PRAGMA journal_mode") == "wal")
        #expect(try SQLiteTool.query(db, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)")
                == "audit audit_head draft draft_version finding")
        #expect(try SQLiteTool.query(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") == "13")
        #expect(try SQLiteTool.query(db, "SELECT seq || ' ' || hash FROM audit_head") == "0 " + String(repeating: "0", count: 64))

        // Opening again applies nothing twice.
        let store = try DraftStore(url: db)
        try store.create(sampleDraft(), actor: "dr.a")
        _ = try DraftStore(url: db)
        #expect(try SQLiteTool.query(db, "PRAGMA user_version") == "2")
        #expect(try SQLiteTool.query(db, "SELECT count(*) FROM draft") == "1")
    }

    @Test func openDefaultUsesTheDataDirectoryOverride() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(DataDirectory.databaseURL(environment: ["VELLUM_DATA_DIR": dir.path]).path == dir.path + "/drafts.sqlite")
        #expect(DataDirectory.databaseURL(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]).path == "/x/vellum/drafts.sqlite")
        #expect(DataDirectory.databaseURL(environment: ["HOME": "/h"]).path == "/h/.local/share/vellum/drafts.sqlite")
    }

    @Test func createStoresEveryFieldAndTheInputOnlyWhenKept() throws {
        try withStore { store, dir in
            let db = store.url
            let findings = [StoredFinding(kind: "medication", text: "metformin", start: 3, end: 12)]
            let kept = try store.create(sampleDraft("1. metformin 500 mg", findings: findings, input: "visit one", keepInput: true), actor: "dr.a")
            let dropped = try store.create(sampleDraft(task: .letter, input: "visit two"), actor: "dr.a")

            #expect(kept.id.description == "d-000001" && dropped.id.description == "d-000002")
            let row = try SQLiteTool.query(db, "SELECT task, status, model_name, template_version, input_sha256, input FROM draft WHERE id = 1")
            #expect(row == "note|draft|qwen2.5-coder-1.5b-instruct|note-v1|\(try sha256sum("visit one"))|visit one")
            #expect(try SQLiteTool.query(db, "SELECT input IS NULL, input_sha256 FROM draft WHERE id = 2") == "1|\(try sha256sum("visit two"))")
            #expect(try SQLiteTool.query(db, "SELECT kind, text, start, \"end\" FROM finding WHERE draft_id = 1") == "medication|metformin|3|12")
            #expect(try store.list(task: .letter).map(\.id) == [dropped.id])
            #expect(try store.list(status: .draft).count == 2)
        }
    }

    @Test func editsAreKeptAsVersionsNotOverwritten() throws {
        try withStore { store, dir in
            let db = store.url
            let texts = ["Plan: rest.", "Plan: rest and fluids.", "Plan: rest, fluids, review Friday."]
            let id = try store.create(sampleDraft(texts[0]), actor: "dr.a").id
            try store.edit(id, text: texts[1], actor: "dr.b")
            let record = try store.edit(id, text: texts[2], actor: "dr.a")

            #expect(record.status == .edited && record.versionCount == 3)
            #expect(try SQLiteTool.query(db, "SELECT group_concat(text, '|') FROM (SELECT text FROM draft_version WHERE draft_id = 1 ORDER BY version)")
                    == texts.joined(separator: "|"))
            #expect(try SQLiteTool.query(db, "SELECT text_sha256 FROM draft_version WHERE draft_id = 1 AND version = 2") == (try sha256sum(texts[1])))
            #expect(try SQLiteTool.query(db, "SELECT actor FROM draft_version WHERE draft_id = 1 AND version = 2") == "dr.b")
            let detail = try store.show(id, actor: "dr.a")
            #expect(detail.versions.map(\.text) == texts && detail.text == texts[2])
        }
    }

    @Test func eachVersionKeepsItsOwnFactCheckAndAnUncheckedEditSaysSo() throws {
        try withStore { store, _ in
            let generated = [StoredFinding(kind: "dose", text: "20 mg", start: 15, end: 20)]
            let id = try store.create(sampleDraft("Plan: increase 20 mg.", findings: generated), actor: "dr.a").id
            let typedIn = [StoredFinding(kind: "drug", text: "warfarin", start: 11, end: 19)]
            try store.edit(id, text: "Plan: stop warfarin.", findings: typedIn, actor: "dr.b")
            try store.edit(id, text: "Plan: stop it.", findings: [], actor: "dr.b")
            let record = try store.edit(id, text: "Plan: review.", actor: "dr.b")

            // The record's count and the stats stay the model's: the generated text's findings only.
            #expect(record.findingCount == 1)
            let detail = try store.show(id, actor: "dr.a")
            #expect(detail.findings == generated)
            #expect(detail.versions.map(\.findings) == [generated, typedIn, [], nil])
            let audit = try store.auditEntries(draft: id).filter { $0.action == .edited }.map(\.detail)
            #expect(audit == ["findings=1", "findings=0", "not fact-checked"])
            #expect(throws: DraftStoreError.findingOutOfRange(index: 0, start: 11, end: 19, textLength: 6)) {
                try store.edit(id, text: "Plan: ", findings: typedIn, actor: "dr.b")
            }
        }
    }

    @Test func aVersion1DatabaseIsMigratedWithItsFindingsOnTheGeneratedText() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("drafts.sqlite")
        // A store as the first release left it: schema 1, a draft with a finding and an edit.
        try SQLiteTool.query(db, Schema.migrations[0] + """
            ;PRAGMA user_version = 1;
            INSERT INTO draft (task, model_name, model_sha256, template_version, input_sha256, status, created_at, updated_at)
                VALUES ('note', 'm', '', 'note-1', 'x', 'edited', '2026-11-01T10:00:00Z', '2026-11-01T10:05:00Z');
            INSERT INTO finding VALUES (1, 0, 'dose', '20 mg', 15, 20);
            INSERT INTO draft_version VALUES (1, 1, 'Plan: increase 20 mg.', 'h1', 'dr.a', '2026-11-01T10:00:00Z');
            INSERT INTO draft_version VALUES (1, 2, 'Plan: increase.', 'h2', 'dr.a', '2026-11-01T10:05:00Z');
            """)
        let store = try DraftStore(url: db)
        #expect(try SQLiteTool.query(db, "PRAGMA user_version") == "2")
        let detail = try store.show(DraftID(1), actor: "dr.a")
        let old = [StoredFinding(kind: "dose", text: "20 mg", start: 15, end: 20)]
        #expect(detail.findings == old && detail.record.findingCount == 1)
        #expect(detail.versions.map(\.findings) == [old, nil])
    }

    @Test func signingMakesADraftImmutableInsideAndOutsideTheProgram() throws {
        try withStore { store, dir in
            let db = store.url
            let id = try store.create(sampleDraft("Plan: rest."), actor: "dr.a").id
            try store.edit(id, text: "Plan: rest and fluids.", actor: "dr.a")
            try store.sign(id, by: "Dr. Ana Ruiz")

            #expect(try SQLiteTool.query(db, "SELECT status, signed_by, signed_version, signed_sha256 FROM draft WHERE id = 1")
                    == "signed|Dr. Ana Ruiz|2|\(try sha256sum("Plan: rest and fluids."))")

            let signed = try #require(try store.list().first?.signature)
            #expect(throws: DraftStoreError.alreadySigned(id, by: "Dr. Ana Ruiz", at: signed.signedAt)) {
                try store.edit(id, text: "changed", actor: "dr.b")
            }
            #expect(throws: DraftStoreError.alreadySigned(id, by: "Dr. Ana Ruiz", at: signed.signedAt)) {
                try store.sign(id, by: "Dr. Someone Else")
            }
            #expect(throws: DraftStoreError.alreadySigned(id, by: "Dr. Ana Ruiz", at: signed.signedAt)) {
                try store.discard(id, actor: "dr.b")
            }

            // The triggers hold even for someone with the sqlite3 tool.
            #expect(try SQLiteTool.refusal(db, "UPDATE draft SET status = 'draft' WHERE id = 1").contains("cannot change"))
            #expect(try SQLiteTool.refusal(db, "INSERT INTO draft_version (draft_id, version, text, text_sha256, actor, created_at) VALUES (1, 3, 'x', 'x', 'x', 'x')").contains("cannot change"))
            #expect(try SQLiteTool.refusal(db, "UPDATE draft_version SET text = 'x' WHERE draft_id = 1").contains("never changed"))
            #expect(try SQLiteTool.refusal(db, "DELETE FROM draft_version WHERE draft_id = 1").contains("never deleted"))
            #expect(try SQLiteTool.refusal(db, "DELETE FROM draft WHERE id = 1").contains("never deleted"))
            #expect(try SQLiteTool.query(db, "SELECT text FROM draft_version WHERE draft_id = 1 AND version = 2") == "Plan: rest and fluids.")

            // A later change is a new draft that refers to the signed one.
            let amendment = try store.amend(id, text: "Plan: rest, fluids, paracetamol.", actor: "dr.a")
            #expect(amendment.amends == id && amendment.status == .draft && amendment.task == .note)
            #expect(try SQLiteTool.query(db, "SELECT amends, input_sha256 = (SELECT input_sha256 FROM draft WHERE id = 1) FROM draft WHERE id = 2") == "1|1")
            #expect(try store.list(status: .signed).map(\.id) == [id])
        }
    }

    @Test func aSignatureOnAVersionThatIsNoLongerTheLatestIsRefused() throws {
        try withStore { store, dir in
            let db = store.url
            let id = try store.create(sampleDraft("Plan: rest."), actor: "dr.a").id
            let read = try store.show(id, actor: "dr.a").record.versionCount
            try store.edit(id, text: "Plan: rest and antibiotics.", actor: "dr.b")
            #expect(throws: DraftStoreError.versionChanged(id, read: 1, latest: 2)) { try store.sign(id, by: "Dr. A", version: read) }
            #expect(try SQLiteTool.query(db, "SELECT status, signed_by IS NULL FROM draft WHERE id = 1") == "edited|1")
            #expect(try store.sign(id, by: "Dr. A", version: 2).signature?.version == 2)
        }
    }

    @Test func discardClosesAnUnsignedDraft() throws {
        try withStore { store, dir in
            let id = try store.create(sampleDraft(), actor: "dr.a").id
            #expect(try store.discard(id, actor: "dr.a").status == .discarded)
            #expect(throws: DraftStoreError.closed(id, status: .discarded)) { try store.sign(id, by: "dr.a") }
            #expect(throws: DraftStoreError.notSigned(id, status: .discarded)) { try store.amend(id, text: "x", actor: "dr.a") }
        }
    }

    @Test func theAuditLogHoldsNoPatientText() throws {
        try withStore { store, dir in
            let db = store.url
            let finding = StoredFinding(kind: "allergy", text: "Zylquorin", start: 0, end: 9)
            let id = try store.create(sampleDraft("Zylquorin allergy noted for Quimbly.", findings: [finding],
                                                  input: "Quimbly transcript Xanthor", keepInput: true), actor: "dr.a").id
            try store.edit(id, text: "Zylquorin allergy confirmed for Quimbly.", actor: "dr.a")
            _ = try store.show(id, actor: "dr.b")
            try store.sign(id, by: "Dr. A")
            _ = try store.export(id, to: "ehr", policy: DataPolicy(practice: "P", agreementDestinations: ["ehr"]), actor: "dr.a")

            let audit = try SQLiteTool.query(db, "SELECT * FROM audit")
            #expect(try SQLiteTool.query(db, "SELECT group_concat(action, ' ') FROM audit") == "created edited viewed signed exported")
            for word in ["Zylquorin", "Quimbly", "Xanthor", "allergy"] { #expect(!audit.contains(word), "\(word) in the audit log") }
        }
    }
}
