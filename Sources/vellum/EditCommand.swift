import ArgumentParser
import DraftStore

/// DRAFT FILE|- and --actor: what `edit` and `amend` both take.
struct TextChange: ParsableArguments {
    @OptionGroup var target: DraftArgument

    @Argument(help: "File with the new text, or - for standard input.")
    var file: String

    @OptionGroup var actor: ActorOptions
}

/// `vellum edit DRAFT FILE|-`: a new version of an unsigned draft.
struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save FILE (or stdin for -) as a new version of an unsigned draft; earlier versions are kept.",
        discussion: "A signed draft never changes: `vellum amend` starts a new draft that refers to it."
    )

    @OptionGroup var change: TextChange

    func run() throws {
        let record = try DraftStore.openDefault().edit(try change.target.id, text: try readText(change.file),
                                                       actor: change.actor.name)
        print("\(record.id) version \(record.versionCount) saved")
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
