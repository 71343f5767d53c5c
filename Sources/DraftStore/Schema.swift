import GRDB

/// The database's tables, as an ordered list of migrations; `PRAGMA user_version` holds the last one applied.
///
/// GRDB's `DatabaseMigrator` reads which migrations were applied before it opens a transaction, so two processes
/// opening a new file at once could both run version 1. Here the check and every migration run inside one
/// IMMEDIATE transaction (see ``DraftStore/init(url:clock:)``): the second process waits, then finds the work done.
enum Schema {
    static var version: Int { migrations.count }

    /// Migration n (1-based) takes the database from version n-1 to n. Append only: a shipped entry never changes.
    static let migrations: [String] = [version1, version2]

    static let genesisHash = String(repeating: "0", count: 64)

    /// The triggers that make signed drafts and the audit log unchangeable; `vellum audit verify` reports any that
    /// is missing.
    static let protectiveTriggers = [
        "draft_closed_is_immutable", "draft_no_delete", "version_closed_no_insert", "version_no_update",
        "version_no_delete", "finding_no_update", "finding_no_delete", "audit_no_update", "audit_no_delete",
        "audit_extends_chain", "audit_advance_head", "audit_head_follows_chain", "audit_head_no_delete",
    ]

    /// Edits are fact-checked too. A finding belongs to the version it was found in (1, the generated text, for
    /// every finding made before this migration), and a later version records whether it was checked at all: an
    /// edit saved with no source to check against must not read as "checked, nothing found".
    private static let version2 = """
        ALTER TABLE finding ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
        ALTER TABLE draft_version ADD COLUMN fact_checked INTEGER CHECK (fact_checked IN (0, 1));
        """

    private static let version1 = """
        CREATE TABLE draft (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            task TEXT NOT NULL CHECK (task IN ('summary','note','letter','referral','appeal','frontdesk','coding')),
            model_name TEXT NOT NULL,
            model_sha256 TEXT NOT NULL,
            template_version TEXT NOT NULL,
            input_sha256 TEXT NOT NULL,
            input TEXT,
            status TEXT NOT NULL CHECK (status IN ('draft','edited','signed','discarded')),
            amends INTEGER REFERENCES draft(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            signed_by TEXT,
            signed_at TEXT,
            signed_version INTEGER,
            signed_sha256 TEXT,
            edit_percent REAL,
            CHECK ((status = 'signed') = (signed_by IS NOT NULL AND signed_at IS NOT NULL
                AND signed_version IS NOT NULL AND signed_sha256 IS NOT NULL AND edit_percent IS NOT NULL))
        );
        CREATE INDEX draft_by_status ON draft(status);
        CREATE INDEX draft_by_task ON draft(task);

        CREATE TABLE draft_version (
            draft_id INTEGER NOT NULL REFERENCES draft(id),
            version INTEGER NOT NULL CHECK (version >= 1),
            text TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (draft_id, version)
        ) WITHOUT ROWID;

        CREATE TABLE finding (
            draft_id INTEGER NOT NULL REFERENCES draft(id),
            ordinal INTEGER NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            PRIMARY KEY (draft_id, ordinal)
        ) WITHOUT ROWID;

        -- Never patient text: actions, actors, times, draft ids, version numbers and hashes.
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            draft_id INTEGER,
            version INTEGER,
            text_sha256 TEXT,
            detail TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        -- The last entry's number and hash, so that deleting entries from the end of the chain shows.
        CREATE TABLE audit_head (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL
        );
        INSERT INTO audit_head VALUES (1, 0, '\(genesisHash)');

        CREATE TRIGGER draft_closed_is_immutable BEFORE UPDATE ON draft
            WHEN OLD.status IN ('signed', 'discarded')
            BEGIN SELECT RAISE(ABORT, 'a signed or discarded draft cannot change'); END;
        CREATE TRIGGER draft_no_delete BEFORE DELETE ON draft
            BEGIN SELECT RAISE(ABORT, 'drafts are discarded, never deleted'); END;
        CREATE TRIGGER version_closed_no_insert BEFORE INSERT ON draft_version
            WHEN (SELECT status FROM draft WHERE id = NEW.draft_id) IN ('signed', 'discarded')
            BEGIN SELECT RAISE(ABORT, 'a signed or discarded draft cannot change'); END;
        CREATE TRIGGER version_no_update BEFORE UPDATE ON draft_version
            BEGIN SELECT RAISE(ABORT, 'draft versions are added, never changed'); END;
        CREATE TRIGGER version_no_delete BEFORE DELETE ON draft_version
            BEGIN SELECT RAISE(ABORT, 'draft versions are added, never deleted'); END;
        CREATE TRIGGER finding_no_update BEFORE UPDATE ON finding
            BEGIN SELECT RAISE(ABORT, 'findings are kept as found'); END;
        CREATE TRIGGER finding_no_delete BEFORE DELETE ON finding
            BEGIN SELECT RAISE(ABORT, 'findings are kept as found'); END;

        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_extends_chain BEFORE INSERT ON audit
            WHEN NEW.seq IS NOT (SELECT seq + 1 FROM audit_head) OR NEW.prev_hash IS NOT (SELECT hash FROM audit_head)
            BEGIN SELECT RAISE(ABORT, 'an audit entry must follow the last one'); END;
        CREATE TRIGGER audit_advance_head AFTER INSERT ON audit
            BEGIN UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash; END;
        CREATE TRIGGER audit_head_follows_chain BEFORE UPDATE ON audit_head
            WHEN NEW.seq IS NOT (SELECT max(seq) FROM audit)
                OR NEW.hash IS NOT (SELECT hash FROM audit WHERE seq = NEW.seq)
            BEGIN SELECT RAISE(ABORT, 'the audit head follows the last entry only'); END;
        CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
            BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
        """
}
