import Foundation
import GRDB

/// What an audit entry records someone doing.
public enum AuditAction: String, Codable, Sendable, CaseIterable {
    case created, viewed, edited, signed, exported, discarded
    case exportRefused = "export-refused"
}

/// One entry of the append-only audit log. It never holds patient text: the draft is named by id, the text by its
/// SHA-256, and `detail` carries only non-patient facts (task, model, template, destination, kinds of identifiers).
///
/// `hash` is the SHA-256 of ``canonicalEncoding``, which covers every field including `seq` and `prevHash`: an
/// entry cannot be changed, moved to another position or removed without breaking the chain.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var seq: Int64
    public var at: Date
    public var actor: String
    public var action: AuditAction
    public var draftID: DraftID?
    public var version: Int?
    public var textSHA256: String?
    public var detail: String
    public var prevHash: String
    public var hash: String

    /// `vellum-audit-v1`, then each field as `<UTF-8 byte count>:<value>\n` in a fixed order (absent values empty).
    /// Length prefixes keep field boundaries unambiguous whatever an actor name holds.
    public var canonicalEncoding: String {
        Self.canonical(seq: seq, at: Timestamp.text(at), actor: actor, action: action.rawValue,
                       draftID: draftID, version: version, textSHA256: textSHA256, detail: detail, prevHash: prevHash)
    }

    static func canonical(seq: Int64, at: String, actor: String, action: String, draftID: DraftID?, version: Int?,
                          textSHA256: String?, detail: String, prevHash: String) -> String {
        let fields = [String(seq), at, actor, action, draftID.map { String($0.number) } ?? "",
                      version.map(String.init) ?? "", textSHA256 ?? "", detail, prevHash]
        return fields.reduce(into: "vellum-audit-v1\n") { $0 += "\($1.utf8.count):\($1)\n" }
    }
}

/// The outcome of ``DraftStore/verifyAudit()``: intact when `problems` is empty; otherwise the first problem is
/// the first point where the log stops being what was written.
public struct AuditVerification: Codable, Sendable {
    /// 0, with the genesis hash as head, when the file is damaged (the one problem then reported).
    public var entries: Int
    /// The last entry's hash; a practice can note it (on a printed monthly report, say) to detect later rewrites
    /// of the whole chain, which a hash chain without a secret cannot detect by itself.
    public var headHash: String
    public var problems: [AuditProblem]

    public var isIntact: Bool { problems.isEmpty }
}

public struct AuditProblem: Codable, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        case altered, deleted, reordered, brokenLink = "broken-link", unreadable, damagedFile = "damaged-file"
        case missingTrigger = "missing-trigger", unaudited
    }

    public var kind: Kind
    /// The audit entry concerned, where there is one.
    public var seq: Int64?
    public var message: String

    public var description: String { message }
}

/// A row to append: the parts of an ``AuditEntry`` its author chooses.
struct AuditRecord {
    var action: AuditAction
    var actor: String
    var draftID: DraftID?
    var version: Int?
    var textSHA256: String?
    var detail: String = ""
}

enum AuditLog {
    /// Appends inside the caller's write transaction, so the entry commits or rolls back with the change it records.
    static func append(_ record: AuditRecord, at: String, db: Database) throws {
        guard let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head") else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "audit_head has no row")
        }
        let seq: Int64 = try head.decode(forColumn: "seq") + 1
        let prevHash: String = try head.decode(forColumn: "hash")
        let hash = SHA256Hex.of(AuditEntry.canonical(
            seq: seq, at: at, actor: record.actor, action: record.action.rawValue, draftID: record.draftID,
            version: record.version, textSHA256: record.textSHA256, detail: record.detail, prevHash: prevHash))
        try db.execute(sql: """
            INSERT INTO audit (seq, at, actor, action, draft_id, version, text_sha256, detail, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [seq, at, record.actor, record.action.rawValue, record.draftID?.number, record.version,
                             record.textSHA256, record.detail, prevHash, hash])
    }

    /// The stored columns of every entry, in `seq` order, kept as text so that a tampered value (a time that does
    /// not parse, an unknown action) is reported rather than thrown.
    struct StoredRow {
        var seq: Int64
        var fields: (at: String, actor: String, action: String, draftID: DraftID?, version: Int?, textSHA256: String?,
                     detail: String, prevHash: String)
        var hash: String

        func recomputedHash(as seq: Int64) -> String {
            SHA256Hex.of(AuditEntry.canonical(
                seq: seq, at: fields.at, actor: fields.actor, action: fields.action, draftID: fields.draftID,
                version: fields.version, textSHA256: fields.textSHA256, detail: fields.detail, prevHash: fields.prevHash))
        }
    }

    static func storedRows(_ db: Database) throws -> [StoredRow] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY seq").map { row in
            let draft: Int64? = try row.decode(forColumn: "draft_id")
            return StoredRow(
                seq: try row.decode(forColumn: "seq"),
                fields: (try row.decode(forColumn: "at"), try row.decode(forColumn: "actor"),
                         try row.decode(forColumn: "action"), draft.map(DraftID.init), try row.decode(forColumn: "version"),
                         try row.decode(forColumn: "text_sha256"), try row.decode(forColumn: "detail"),
                         try row.decode(forColumn: "prev_hash")),
                hash: try row.decode(forColumn: "hash"))
        }
    }

    static func verify(_ db: Database) throws -> AuditVerification {
        let rows = try storedRows(db)
        var problems: [AuditProblem] = []
        if let problem = try chainProblem(rows) ?? headProblem(rows, db: db) { problems.append(problem) }
        problems += try missingTriggers(db)
        problems += try unauditedChanges(db)
        return AuditVerification(entries: rows.count, headHash: rows.last?.hash ?? Schema.genesisHash, problems: problems)
    }

    /// Walks the chain from the first entry and names the first one that is not as written.
    static func chainProblem(_ rows: [StoredRow]) -> AuditProblem? {
        var prevHash = Schema.genesisHash
        for (index, row) in rows.enumerated() {
            let expected = Int64(index + 1)
            if row.seq != expected {
                let gap = row.seq - 1 == expected ? "entry \(expected) was deleted" : "entries \(expected)-\(row.seq - 1) were deleted"
                return AuditProblem(kind: .deleted, seq: expected, message: "audit \(gap) (the next entry is \(row.seq))")
            }
            if row.recomputedHash(as: row.seq) != row.hash {
                // Content that hashes correctly under another number was moved here from that position.
                if let origin = rows.indices.lazy.map({ Int64($0 + 1) }).first(where: { row.recomputedHash(as: $0) == row.hash }) {
                    return AuditProblem(kind: .reordered, seq: row.seq,
                                        message: "audit entry \(row.seq) was reordered: it holds what was written as entry \(origin)")
                }
                return AuditProblem(kind: .altered, seq: row.seq,
                                    message: "audit entry \(row.seq) was altered: its content no longer matches its hash")
            }
            if row.fields.prevHash != prevHash {
                return AuditProblem(kind: .brokenLink, seq: row.seq,
                                    message: "audit entry \(row.seq) does not follow entry \(row.seq - 1): the chain was rewritten from here")
            }
            if Timestamp.date(row.fields.at) == nil || AuditAction(rawValue: row.fields.action) == nil {
                return AuditProblem(kind: .unreadable, seq: row.seq, message: "audit entry \(row.seq) has an unreadable time or action")
            }
            prevHash = row.hash
        }
        return nil
    }

    /// Entries deleted from the end leave an intact but shorter chain; the head, advanced by a trigger on every
    /// insert, still names the last entry written.
    static func headProblem(_ rows: [StoredRow], db: Database) throws -> AuditProblem? {
        guard let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head") else {
            return AuditProblem(kind: .deleted, seq: nil, message: "the audit head row was deleted")
        }
        let headSeq: Int64 = try head.decode(forColumn: "seq")
        let headHash: String = try head.decode(forColumn: "hash")
        let last = rows.last?.seq ?? 0
        if headSeq > last {
            let what = headSeq == last + 1 ? "entry \(headSeq) was" : "entries \(last + 1)-\(headSeq) were"
            return AuditProblem(kind: .deleted, seq: last + 1,
                                message: "audit \(what) deleted from the end (the head records \(headSeq) entries)")
        }
        if headSeq != last || headHash != (rows.last?.hash ?? Schema.genesisHash) {
            return AuditProblem(kind: .altered, seq: headSeq, message: "the audit head does not match entry \(last)")
        }
        return nil
    }

    static func missingTriggers(_ db: Database) throws -> [AuditProblem] {
        let present = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        return Schema.protectiveTriggers.filter { !present.contains($0) }.map {
            AuditProblem(kind: .missingTrigger, seq: nil, message: "trigger \($0) is missing: the tables it guards can be changed")
        }
    }

    /// SQLite's own structural check of the whole file (pages, indexes, constraints), which a hash chain cannot see.
    static func damagedPages(_ db: Database) throws -> [AuditProblem] {
        let report: [String]
        do {
            report = try String.fetchAll(db, sql: "PRAGMA quick_check")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            // Damage bad enough stops the check itself.
            report = [error.message ?? "database disk image is malformed"]
        }
        return report == ["ok"] ? [] : [AuditProblem(kind: .damagedFile, seq: nil, message: "the database file is damaged: "
            + report.prefix(3).joined(separator: "; "))]
    }

    /// Every version of every draft and every signature must have its entry with the same text hash: this catches
    /// a deleted entry even when the head was rewritten to hide it.
    static func unauditedChanges(_ db: Database) throws -> [AuditProblem] {
        let versions = try Row.fetchAll(db, sql: """
            SELECT v.draft_id, v.version FROM draft_version v
            WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.draft_id = v.draft_id AND a.version = v.version
                              AND a.action IN ('created', 'edited') AND a.text_sha256 = v.text_sha256)
            UNION ALL
            SELECT d.id, NULL FROM draft d
            WHERE d.status = 'signed' AND NOT EXISTS (
                SELECT 1 FROM audit a WHERE a.draft_id = d.id AND a.action = 'signed' AND a.text_sha256 = d.signed_sha256)
            ORDER BY 1
            """)
        return try versions.map { row in
            let id = DraftID(try row.decode(Int64.self, forColumn: "draft_id"))
            let version: Int? = try row.decode(forColumn: "version")
            let what = version.map { "version \($0) of \(id)" } ?? "the signature of \(id)"
            return AuditProblem(kind: .unaudited, seq: nil, message: "\(what) has no audit entry with its text hash")
        }
    }

    static func entries(_ db: Database, draft: DraftID?) throws -> [AuditEntry] {
        let rows = try storedRows(db).filter { draft == nil || $0.fields.draftID == draft }
        return try rows.map { row in
            guard let at = Timestamp.date(row.fields.at), let action = AuditAction(rawValue: row.fields.action) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT,
                                    message: "audit entry \(row.seq) has an unreadable time or action; see `vellum audit verify`")
            }
            return AuditEntry(seq: row.seq, at: at, actor: row.fields.actor, action: action, draftID: row.fields.draftID,
                              version: row.fields.version, textSHA256: row.fields.textSHA256, detail: row.fields.detail,
                              prevHash: row.fields.prevHash, hash: row.hash)
        }
    }
}
