import DraftStore

/// A clinician's edit saved as the draft's next version, with the fact check of the edited text against the
/// draft's input: a dose or a date typed into a note that the record does not hold is marked just as the model's
/// would be, before anyone signs it. What `vellum edit --json` prints and `PUT /api/drafts/<id>` answers.
public struct CheckedEdit: Codable, Sendable {
    public var record: DraftRecord
    /// The new version's text.
    public var text: String
    /// The facts of `text` the input does not contain; `nil` (absent from the JSON) when there was no input to
    /// check against.
    public var findings: [StoredFinding]?

    /// Saves `text` as the next version of draft `id`, checked against `source` (the input the draft was made
    /// from) or, without one, the input kept with the draft. Without either the edit is saved unchecked.
    ///
    /// A `source` whose SHA-256 is not the draft's input hash is refused: checking against another record would
    /// pass facts that this patient's record does not hold.
    public static func save(_ text: String, to id: DraftID, in store: DraftStore, source: String?, actor: String) throws -> CheckedEdit {
        let stored = try store.input(of: id)
        if let source, SHA256Hex.of(source) != stored.sha256 {
            throw DraftingError.input(source: "source", "is not the input \(id) was drafted from (its SHA-256 differs); give that record, or none")
        }
        let findings = (source ?? stored.kept).map { FactChecker().check(draft: text, source: $0).map(StoredFinding.init) }
        let record = try store.edit(id, text: text, findings: findings, actor: actor)
        return CheckedEdit(record: record, text: text, findings: findings)
    }
}

extension StoredFinding {
    /// A fact-check finding as the store keeps it: kind, text and span, without the reason.
    public init(_ finding: Finding) {
        self.init(kind: finding.kind.rawValue, text: finding.text, start: finding.start, end: finding.end)
    }
}
