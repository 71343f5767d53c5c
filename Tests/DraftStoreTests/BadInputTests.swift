import DraftStore
import Foundation
import Testing

/// Each mistake gets a clear error naming what and where, exit status 1 from the command line, and the data
/// already in the file stays as it was.
struct BadInputTests {
    let secret = "Quimbly has a Zylquorin allergy."

    func storeWithOneSignedDraft(in dir: URL) throws -> (DraftStore, DraftID) {
        let store = try DraftStore(url: dir.appendingPathComponent("drafts.sqlite"))
        let id = try store.create(sampleDraft(secret), actor: "dr.a").id
        try store.sign(id, by: "Dr. Ana Ruiz")
        return (store, id)
    }

    func vellum(_ arguments: [String], dataDirectory: URL, stdin: String? = nil) throws -> ProcessResult {
        try run(builtProduct("vellum"), arguments, environment: ["VELLUM_DATA_DIR": dataDirectory.path], stdin: stdin)
    }

    @Test func unknownAndMalformedDraftIDs() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (store, _) = try storeWithOneSignedDraft(in: dir)
        #expect(throws: DraftStoreError.unknownDraft(DraftID(99), database: store.url.path)) { try store.show(DraftID(99), actor: "dr.a") }

        let unknown = try vellum(["show", "d-000099"], dataDirectory: dir)
        #expect(unknown.status == 1 && unknown.stderr.contains("no draft d-000099 in \(store.url.path)"))
        let malformed = try vellum(["sign", "draft-x", "--by", "Dr. B"], dataDirectory: dir)
        #expect(malformed.status == 1 && malformed.stderr.contains("'draft-x' is not a draft id"))
    }

    @Test func signingTwiceAndEditingASignedDraftAreRefusedWithoutChange() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (store, id) = try storeWithOneSignedDraft(in: dir)
        let before = try SQLiteTool.query(store.url, "SELECT * FROM draft; SELECT * FROM draft_version")

        let again = try vellum(["sign", id.description, "--by", "Dr. B"], dataDirectory: dir)
        #expect(again.status == 1 && again.stderr.contains("\(id) was already signed by Dr. Ana Ruiz"))
        let edit = try vellum(["edit", id.description, "-"], dataDirectory: dir, stdin: "new text")
        #expect(edit.status == 1 && edit.stderr.contains("already signed"))
        let discard = try vellum(["discard", id.description], dataDirectory: dir)
        #expect(discard.status == 1)
        for result in [again, edit, discard] { #expect(!result.stderr.contains("Zylquorin") && !result.stdout.contains("Zylquorin")) }

        #expect(try SQLiteTool.query(store.url, "SELECT * FROM draft; SELECT * FROM draft_version") == before)
    }

    @Test func aDatabaseFromANewerSchemaIsLeftUntouched() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (store, _) = try storeWithOneSignedDraft(in: dir)
        let url = store.url
        try SQLiteTool.query(url, "PRAGMA user_version = 3; CREATE TABLE future_feature (x)")
        let before = try SQLiteTool.query(url, "SELECT * FROM draft; SELECT * FROM draft_version; SELECT * FROM audit")

        try SQLiteTool.query(url, "PRAGMA wal_checkpoint(TRUNCATE)")
        let bytes = try Data(contentsOf: url)
        #expect(throws: DraftStoreError.newerSchema(found: 3, supported: 2, database: url.path)) { try DraftStore(url: url) }
        let cli = try vellum(["drafts"], dataDirectory: dir)
        #expect(cli.status == 1 && cli.stderr.contains("\(url.path) has schema version 3"))

        #expect(try Data(contentsOf: url) == bytes)
        #expect(try SQLiteTool.query(url, "PRAGMA user_version") == "3")
        #expect(try SQLiteTool.query(url, "SELECT * FROM draft; SELECT * FROM draft_version; SELECT * FROM audit") == before)
    }

    @Test func aFileThatIsNotADatabaseIsNamedAndLeftAlone() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("drafts.sqlite")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: url)

        #expect { try DraftStore(url: url) } throws: { error in
            guard case DraftStoreError.corrupt(url.path, _) = error else { return false }
            return true
        }
        let cli = try vellum(["drafts"], dataDirectory: dir)
        #expect(cli.status == 1 && cli.stderr.contains("\(url.path) is not a readable drafts database"))
        #expect(try Data(contentsOf: url) == garbage)
    }

    @Test func aDamagedPageIsReportedAsCorruptionAndNotRewritten() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url: URL
        do {
            let (store, _) = try storeWithOneSignedDraft(in: dir)
            url = store.url
        }
        // Fold the write-ahead log into the file, then overwrite the draft table's root page.
        try SQLiteTool.query(url, "PRAGMA wal_checkpoint(TRUNCATE)")
        let pageSize = try Int(SQLiteTool.query(url, "PRAGMA page_size"))!
        let root = try Int(SQLiteTool.query(url, "SELECT rootpage FROM sqlite_master WHERE name = 'draft'"))!
        var bytes = try Data(contentsOf: url)
        bytes.replaceSubrange((root - 1) * pageSize ..< root * pageSize, with: Data(repeating: 0xA5, count: pageSize))
        try bytes.write(to: url)

        let intact = "SELECT * FROM draft_version; SELECT * FROM audit"
        let before = try SQLiteTool.query(url, intact)

        let cli = try vellum(["drafts"], dataDirectory: dir)
        #expect(cli.status == 1 && cli.stderr.contains("\(url.path) is not a readable drafts database"))
        #expect(try SQLiteTool.query(url, intact) == before)
        #expect(try SQLiteTool.query(url, "SELECT rootpage FROM sqlite_master WHERE name = 'draft'") == String(root))
        let verify = try vellum(["audit", "verify"], dataDirectory: dir)
        #expect(verify.status == 1 && verify.stdout.contains("the database file is damaged"))
    }

    @Test func invalidNewDraftsAreRefusedBeforeAnythingIsWritten() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try DraftStore(url: dir.appendingPathComponent("drafts.sqlite"))
        var draft = sampleDraft("four")
        draft.findings = [StoredFinding(kind: "x", text: "y", start: 2, end: 5)]
        #expect(throws: DraftStoreError.findingOutOfRange(index: 0, start: 2, end: 5, textLength: 4)) { try store.create(draft, actor: "dr.a") }
        draft = sampleDraft(keepInput: true)
        draft.input = "a different input"
        #expect(throws: DraftStoreError.inputHashMismatch) { try store.create(draft, actor: "dr.a") }
        #expect(throws: DraftStoreError.emptyName("actor")) { try store.create(sampleDraft(), actor: " ") }
        #expect(try SQLiteTool.query(store.url, "SELECT count(*) FROM draft") == "0")
        #expect(try SQLiteTool.query(store.url, "SELECT count(*) FROM audit") == "0")
    }
}
