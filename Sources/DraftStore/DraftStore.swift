import Foundation
import GRDB

/// Where drafts live: one SQLite file (WAL mode) holding every draft, its versions, its fact-check findings and
/// the hash-chained audit log. Every change and its audit entry commit in one transaction, so a process killed at
/// any point leaves either both or neither; several processes may write at once (each write waits for the lock).
///
/// ```swift
/// let store = try DraftStore.openDefault()
/// let record = try store.create(newDraft, actor: "dr.ruiz")     // d-000042, status draft
/// try store.edit(record.id, text: corrected, actor: "dr.ruiz")  // version 2, status edited
/// try store.sign(record.id, by: "Dr. Ana Ruiz")                 // immutable from now on
/// ```
public final class DraftStore: Sendable {
    /// The database file.
    public let url: URL
    let pool: DatabasePool
    let clock: @Sendable () -> Date

    /// Opens (creating if needed) the database at `url` and brings its schema up to date. `clock` stamps every
    /// change; tests pass a fixed one.
    public init(url: URL, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.url = url
        self.clock = clock
        let directory = url.deletingLastPathComponent()
        do {
            // Owner-only: the folder holds patient text.
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw DraftStoreError.sqlite(database: url.path, reason: "cannot create \(directory.path)")
        }
        try Self.checkBeforeWriting(url)
        var configuration = Self.configuration()
        configuration.foreignKeysEnabled = true
        // A signature must survive a power cut, not only a crash: WAL's default NORMAL may lose the last commits.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        pool = try Self.mapping(url) { try Self.openPool(url, configuration) }
        try migrate()
    }

    /// Another process holding a lock (writing, or switching a new file to WAL mode) is waited for, not reported.
    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        return configuration
    }

    /// SQLite switches a new file to WAL mode without calling the busy handler, so a process that opens the file
    /// while another is switching it gets SQLITE_BUSY at once (seen 1 in 60 with two processes starting on a new
    /// file). The other's lock lasts milliseconds: try again, for at most five seconds.
    private static func openPool(_ url: URL, _ configuration: Configuration) throws -> DatabasePool {
        var attempts = 0
        while true {
            do {
                return try DatabasePool(path: url.path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempts < 100 {
                attempts += 1
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// Opening a pool writes to the file (WAL mode, and GRDB's table created and dropped so that the WAL file
    /// exists), so a file that is not a database or comes from a newer vellum is refused first, read-only.
    private static func checkBeforeWriting(_ url: URL) throws {
        guard let size = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int, size > 0 else { return }
        var configuration = Self.configuration()
        configuration.readonly = true
        let found = try mapping(url) {
            try DatabaseQueue(path: url.path, configuration: configuration).read { db in
                try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            }
        }
        if found > Schema.version {
            throw DraftStoreError.newerSchema(found: found, supported: Schema.version, database: url.path)
        }
    }

    /// The store in the per-user data directory (see ``DataDirectory``).
    public static func openDefault() throws -> DraftStore {
        try DraftStore(url: DataDirectory.databaseURL())
    }

    private func migrate() throws {
        try write { db in
            let found = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            // Checked again under the write lock: another process may have upgraded the file since.
            guard found <= Schema.version else {
                throw DraftStoreError.newerSchema(found: found, supported: Schema.version, database: url.path)
            }
            if found == 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0 > 0 {
                throw DraftStoreError.corrupt(database: url.path, reason: "it holds tables but no vellum schema version")
            }
            for sql in Schema.migrations.dropFirst(found) { try db.execute(sql: sql) }
            if found < Schema.version { try db.execute(sql: "PRAGMA user_version = \(Schema.version)") }
        }
    }

    // MARK: Drafts

    /// Saves a generated draft as version 1 with status `draft`, and audits it.
    @discardableResult
    public func create(_ draft: NewDraft, actor: String) throws -> DraftRecord {
        try requireName(actor, "actor")
        if let input = draft.input, SHA256Hex.of(input) != draft.inputSHA256 { throw DraftStoreError.inputHashMismatch }
        try Self.requireInRange(draft.findings, of: draft.text)
        return try write { db in
            let now = timestamp()
            try db.execute(sql: """
                INSERT INTO draft (task, model_name, model_sha256, template_version, input_sha256, input, status,
                                   created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?)
                """, arguments: [draft.task.rawValue, draft.modelName, draft.modelSHA256, draft.templateVersion,
                                 draft.inputSHA256, draft.input, now, now])
            let id = DraftID(db.lastInsertedRowID)
            let detail = "task=\(draft.task.rawValue) template=\(draft.templateVersion) model=\(draft.modelName) " +
                "model_sha256=\(draft.modelSHA256) input_sha256=\(draft.inputSHA256)"
            try addVersion(db, id: id, version: 1, text: draft.text, findings: draft.findings, actor: actor, at: now,
                           audit: AuditRecord(action: .created, actor: actor, draftID: id, detail: detail))
            return try record(db, id)
        }
    }

    /// Drafts in id order, without their texts; `nil` filters match everything.
    public func list(status: DraftStatus? = nil, task: DraftTask? = nil) throws -> [DraftRecord] {
        try read { db in
            try Self.records(db, where: "(?1 IS NULL OR status = ?1) AND (?2 IS NULL OR task = ?2)",
                             arguments: [status?.rawValue, task?.rawValue])
        }
    }

    /// A draft with every version and finding; audited as `viewed` by `actor`.
    public func show(_ id: DraftID, actor: String) throws -> DraftDetail {
        try requireName(actor, "actor")
        return try write { db in
            let record = try record(db, id)
            var findings: [Int: [StoredFinding]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM finding WHERE draft_id = ? ORDER BY ordinal", arguments: [id.number]) {
                findings[try row.decode(forColumn: "version"), default: []].append(
                    StoredFinding(kind: try row.decode(forColumn: "kind"), text: try row.decode(forColumn: "text"),
                                  start: try row.decode(forColumn: "start"), end: try row.decode(forColumn: "end")))
            }
            let versions = try Row.fetchAll(db, sql: "SELECT * FROM draft_version WHERE draft_id = ? ORDER BY version",
                                            arguments: [id.number]).map { row in
                let version: Int = try row.decode(forColumn: "version")
                // Rows from before the column existed hold NULL; of those only a generated version 1 was checked.
                let checked: Bool = switch try row.decode(forColumn: "fact_checked") as Int? {
                case .some(let flag): flag == 1
                case .none: version == 1 && record.amends == nil
                }
                return DraftVersion(version: version, text: try row.decode(forColumn: "text"),
                                    textSHA256: try row.decode(forColumn: "text_sha256"), actor: try row.decode(forColumn: "actor"),
                                    createdAt: try Self.date(row, "created_at"), findings: checked ? findings[version] ?? [] : nil)
            }
            let input = try String.fetchOne(db, sql: "SELECT input FROM draft WHERE id = ?", arguments: [id.number])
            try AuditLog.append(AuditRecord(action: .viewed, actor: actor, draftID: id, version: record.versionCount,
                                            textSHA256: versions.last?.textSHA256), at: timestamp(), db: db)
            return DraftDetail(record: record, versions: versions, findings: findings[1] ?? [], input: input)
        }
    }

    /// Adds `text` as the next version and marks the draft `edited`. Signed and discarded drafts refuse.
    ///
    /// `findings` is the fact check of `text` against the draft's input, kept with this version; `nil` when the
    /// edit could not be checked (the input was not kept and none was given), which ``DraftVersion/findings`` then
    /// says rather than showing an empty list.
    @discardableResult
    public func edit(_ id: DraftID, text: String, findings: [StoredFinding]? = nil, actor: String) throws -> DraftRecord {
        try requireName(actor, "actor")
        if let findings { try Self.requireInRange(findings, of: text) }
        return try write { db in
            let current = try openRecord(db, id)
            let now = timestamp()
            try db.execute(sql: "UPDATE draft SET status = 'edited', updated_at = ? WHERE id = ?", arguments: [now, id.number])
            let detail = findings.map { "findings=\($0.count)" } ?? "not fact-checked"
            try addVersion(db, id: id, version: current.versionCount + 1, text: text, findings: findings, actor: actor, at: now,
                           audit: AuditRecord(action: .edited, actor: actor, draftID: id, detail: detail))
            return try record(db, id)
        }
    }

    /// The SHA-256 of the input a draft was made from, and the input itself when the user chose to keep it. Read
    /// to check an edit against, as part of the audited edit, so not audited as a view.
    public func input(of id: DraftID) throws -> (sha256: String, kept: String?) {
        try read { db in
            let record = try record(db, id)
            return (record.inputSHA256, try String.fetchOne(db, sql: "SELECT input FROM draft WHERE id = ?", arguments: [id.number]))
        }
    }

    /// Signs the latest version: records the signer, the time and the SHA-256 of the exact text, and closes the
    /// draft for good. Signing twice names who signed first.
    ///
    /// Pass `version`, the version the clinician read, wherever someone else could edit in between (the server):
    /// the signature is then refused if a later version exists, so no one signs text they have not seen.
    @discardableResult
    public func sign(_ id: DraftID, by signer: String, version: Int? = nil) throws -> DraftRecord {
        try requireName(signer, "signer")
        return try write { db in
            let current = try openRecord(db, id)
            if let version, version != current.versionCount {
                throw DraftStoreError.versionChanged(id, read: version, latest: current.versionCount)
            }
            let texts = try String.fetchAll(db, sql: """
                SELECT text FROM draft_version WHERE draft_id = ? AND version IN (1, ?) ORDER BY version
                """, arguments: [id.number, current.versionCount])
            guard let generated = texts.first, let signed = texts.last else {
                throw DraftStoreError.corrupt(database: url.path, reason: "\(id) has no text")
            }
            let hash = SHA256Hex.of(signed)
            let now = timestamp()
            try db.execute(sql: """
                UPDATE draft SET status = 'signed', updated_at = ?1, signed_by = ?2, signed_at = ?1, signed_version = ?3,
                                 signed_sha256 = ?4, edit_percent = ?5
                WHERE id = ?6
                """, arguments: [now, signer, current.versionCount, hash, EditDistance.percent(from: generated, to: signed), id.number])
            try AuditLog.append(AuditRecord(action: .signed, actor: signer, draftID: id, version: current.versionCount,
                                            textSHA256: hash), at: now, db: db)
            return try record(db, id)
        }
    }

    /// Closes an unsigned draft without signing it. Its versions stay, for the audit.
    @discardableResult
    public func discard(_ id: DraftID, actor: String) throws -> DraftRecord {
        try requireName(actor, "actor")
        return try write { db in
            let current = try openRecord(db, id)
            let now = timestamp()
            try db.execute(sql: "UPDATE draft SET status = 'discarded', updated_at = ? WHERE id = ?", arguments: [now, id.number])
            try AuditLog.append(AuditRecord(action: .discarded, actor: actor, draftID: id, version: current.versionCount),
                                at: now, db: db)
            return try record(db, id)
        }
    }

    /// A change to a signed draft: a new draft (same task, model, template and input) whose version 1 is `text`,
    /// referring to the signed one, which stays as it was.
    @discardableResult
    public func amend(_ id: DraftID, text: String, actor: String) throws -> DraftRecord {
        try requireName(actor, "actor")
        return try write { db in
            let source = try record(db, id)
            guard source.status == .signed else { throw DraftStoreError.notSigned(id, status: source.status) }
            let now = timestamp()
            try db.execute(sql: """
                INSERT INTO draft (task, model_name, model_sha256, template_version, input_sha256, input, status, amends,
                                   created_at, updated_at)
                SELECT task, model_name, model_sha256, template_version, input_sha256, input, 'draft', id, ?1, ?1
                FROM draft WHERE id = ?2
                """, arguments: [now, id.number])
            let newID = DraftID(db.lastInsertedRowID)
            try addVersion(db, id: newID, version: 1, text: text, findings: nil, actor: actor, at: now,
                           audit: AuditRecord(action: .created, actor: actor, draftID: newID, detail: "amends=\(id)"))
            return try record(db, newID)
        }
    }

    /// Every audit entry (or only those of one draft), oldest first.
    public func auditEntries(draft: DraftID? = nil) throws -> [AuditEntry] {
        try read { db in try AuditLog.entries(db, draft: draft) }
    }

    /// Walks the audit chain and cross-checks it against the drafts; see ``AuditVerification``.
    public func verifyAudit() throws -> AuditVerification {
        // Outside a transaction: on a damaged file SQLite fails the check's last step, and would fail the commit of
        // a transaction around it too. Nothing else can be trusted, or even read, then.
        let damage = try Self.mapping(url) { try pool.unsafeRead { db in try AuditLog.damagedPages(db) } }
        if !damage.isEmpty { return AuditVerification(entries: 0, headHash: Schema.genesisHash, problems: damage) }
        return try read { db in try AuditLog.verify(db) }
    }

    // MARK: Internals

    func timestamp() -> String { Timestamp.text(clock()) }

    /// Adds a version with its fact-check findings (`nil`: not checked); amendments, which nobody checked, pass `nil`.
    private func addVersion(_ db: Database, id: DraftID, version: Int, text: String, findings: [StoredFinding]?,
                            actor: String, at: String, audit: AuditRecord) throws {
        let hash = SHA256Hex.of(text)
        try db.execute(sql: """
            INSERT INTO draft_version (draft_id, version, text, text_sha256, actor, created_at, fact_checked)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id.number, version, text, hash, actor, at, findings == nil ? 0 : 1])
        // Ordinals run on across versions: the finding table's key is (draft, ordinal).
        let first = try Int.fetchOne(db, sql: "SELECT coalesce(max(ordinal) + 1, 0) FROM finding WHERE draft_id = ?",
                                     arguments: [id.number]) ?? 0
        for (index, finding) in (findings ?? []).enumerated() {
            try db.execute(sql: """
                INSERT INTO finding (draft_id, ordinal, kind, text, start, "end", version) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id.number, first + index, finding.kind, finding.text, finding.start, finding.end, version])
        }
        var audit = audit
        audit.version = version
        audit.textSHA256 = hash
        try AuditLog.append(audit, at: at, db: db)
    }

    func record(_ db: Database, _ id: DraftID) throws -> DraftRecord {
        guard let record = try Self.records(db, where: "id = ?", arguments: [id.number]).first else {
            throw DraftStoreError.unknownDraft(id, database: url.path)
        }
        return record
    }

    /// The draft, which must still accept changes.
    private func openRecord(_ db: Database, _ id: DraftID) throws -> DraftRecord {
        let current = try record(db, id)
        if let signature = current.signature {
            throw DraftStoreError.alreadySigned(id, by: signature.signedBy, at: signature.signedAt)
        }
        if current.status.isClosed { throw DraftStoreError.closed(id, status: current.status) }
        return current
    }

    private static func records(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [DraftRecord] {
        try Row.fetchAll(db, sql: """
            SELECT d.*, input IS NOT NULL AS input_kept,
                   (SELECT count(*) FROM draft_version v WHERE v.draft_id = d.id) AS version_count,
                   (SELECT count(*) FROM finding f WHERE f.draft_id = d.id AND f.version = 1) AS finding_count
            FROM draft d WHERE \(condition) ORDER BY d.id
            """, arguments: arguments).map(record)
    }

    private static func record(_ row: Row) throws -> DraftRecord {
        let amends: Int64? = try row.decode(forColumn: "amends")
        let task: String = try row.decode(forColumn: "task")
        let status: String = try row.decode(forColumn: "status")
        guard let task = DraftTask(rawValue: task), let status = DraftStatus(rawValue: status) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unknown task or status")
        }
        var signature: Signature?
        if let signedBy: String = try row.decode(forColumn: "signed_by") {
            signature = Signature(signedBy: signedBy, signedAt: try date(row, "signed_at"),
                                  version: try row.decode(forColumn: "signed_version"),
                                  textSHA256: try row.decode(forColumn: "signed_sha256"),
                                  editPercent: try row.decode(forColumn: "edit_percent"))
        }
        return DraftRecord(
            id: DraftID(try row.decode(forColumn: "id")), task: task, status: status,
            modelName: try row.decode(forColumn: "model_name"), modelSHA256: try row.decode(forColumn: "model_sha256"),
            templateVersion: try row.decode(forColumn: "template_version"),
            inputSHA256: try row.decode(forColumn: "input_sha256"), inputKept: try row.decode(forColumn: "input_kept"),
            createdAt: try date(row, "created_at"), updatedAt: try date(row, "updated_at"),
            versionCount: try row.decode(forColumn: "version_count"), findingCount: try row.decode(forColumn: "finding_count"),
            amends: amends.map(DraftID.init), signature: signature)
    }

    static func date(_ row: Row, _ column: String) throws -> Date {
        let text: String = try row.decode(forColumn: column)
        guard let date = Timestamp.date(text) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(column) is not a time")
        }
        return date
    }

    private static func requireInRange(_ findings: [StoredFinding], of text: String) throws {
        let length = text.unicodeScalars.count
        for (index, finding) in findings.enumerated()
        where finding.start < 0 || finding.start > finding.end || finding.end > length {
            throw DraftStoreError.findingOutOfRange(index: index, start: finding.start, end: finding.end, textLength: length)
        }
    }

    private func requireName(_ name: String, _ field: String) throws {
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw DraftStoreError.emptyName(field) }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.mapping(url) { try pool.write(body) }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.mapping(url) { try pool.read(body) }
    }

    /// SQLite's own errors, said in terms of the file: damage is reported as such and never "repaired".
    private static func mapping<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FORMAT:
                throw DraftStoreError.corrupt(database: url.path, reason: error.message ?? "\(error.resultCode)")
            default:
                throw DraftStoreError.sqlite(database: url.path, reason: error.message ?? "\(error.resultCode)")
            }
        }
    }
}
