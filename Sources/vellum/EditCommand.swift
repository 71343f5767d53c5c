import ArgumentParser
import DraftStore
import Drafting

/// DRAFT FILE|- and --actor: what `edit` and `amend` both take.
struct TextChange: ParsableArguments {
    @OptionGroup var target: DraftArgument

    @Argument(help: "File with the new text, or - for standard input.")
    var file: String

    @OptionGroup var actor: ActorOptions
}

/// `vellum edit DRAFT FILE|- [--source RECORD]`: a new version of an unsigned draft, fact-checked like the first.
struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save FILE (or stdin for -) as a new version of an unsigned draft; earlier versions are kept.",
        discussion: """
            The new text is fact-checked against the draft's input (--source, or the input kept with the draft), and \
            every drug, dose, number or date it holds that the input does not is listed. A signed draft never \
            changes: `vellum amend` starts a new draft that refers to it.
            """
    )

    @OptionGroup var change: TextChange

    @Option(help: "The record the draft was made from, to check the edit against (its SHA-256 must match the draft's input).")
    var source: String?

    @Flag(help: "Print JSON: the record, the new text and its findings.")
    var json = false

    func run() throws {
        let edit = try CheckedEdit.save(try readText(change.file), to: try change.target.id, in: DraftStore.openDefault(),
                                        source: try source.map { try ClinicalInput.read(path: $0).text }, actor: change.actor.name)
        if json { return try printDocument(edit) }
        print("\(edit.record.id) version \(edit.record.versionCount) saved")
        guard let findings = edit.findings else {
            return print("not fact-checked: the input was not kept with the draft; give it with --source")
        }
        print("\(findings.count) fact(s) not in the input" + (findings.isEmpty ? "" : ":"))
        for finding in findings { print("  \(finding.kind) \(finding.start)-\(finding.end): \(finding.text)") }
    }
}

/// `vellum amend DRAFT FILE|-`: the way to change a signed draft.
struct Amend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a new draft from FILE (or stdin) that amends a signed draft, which stays as signed."
    )

    @OptionGroup var change: TextChange

    func run() throws {
        let record = try DraftStore.openDefault().amend(try change.target.id, text: try readText(change.file),
                                                        actor: change.actor.name)
        print(record.id)
    }
}
