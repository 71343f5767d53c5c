import DraftStore

/// How each task's result goes into the drafts store: the clinician's copy as the draft's text, the fact
/// check's findings with it, and the input only as its hash unless the user opted in to keeping it.
public protocol StorableDraft {
    var storedTask: DraftTask { get }
    var storedText: String { get }
    var storedFindings: [StoredFinding] { get }
    var provenance: Provenance { get }
    var draftID: String? { get set }
}

extension StorableDraft {
    public var storedFindings: [StoredFinding] { [] }

    /// Saves the result as a new unsigned draft, records its id here, and returns the stored record.
    @discardableResult
    public mutating func save(to store: DraftStore, input: ClinicalInput, keepInput: Bool, actor: String) throws -> DraftRecord {
        let record = try store.create(NewDraft(task: storedTask, modelName: provenance.model,
                                               modelSHA256: provenance.modelSHA256 ?? "", templateVersion: provenance.templateVersion,
                                               input: input.text, keepInput: keepInput, text: storedText, findings: storedFindings),
                                      actor: actor)
        draftID = record.id.description
        return record
    }
}

/// A fact-checked draft stores its text as shown and its findings with it.
extension StorableDraft where Self: CheckedDraft {
    public var storedText: String { text }
    public var storedFindings: [StoredFinding] {
        findings.map(StoredFinding.init)
    }
}

extension SectionedDraft: StorableDraft {
    public var storedTask: DraftTask { task }
}

extension PatientLetter: StorableDraft {
    public var storedTask: DraftTask { .letter }
}

extension PriorAuthAppeal: StorableDraft {
    public var storedTask: DraftTask { .appeal }
}

extension FrontDeskTemplate: StorableDraft {
    public var storedTask: DraftTask { .frontdesk }
}

extension RecordSummary: StorableDraft {
    public var storedTask: DraftTask { .summary }
    public var storedText: String { markdown }
}
