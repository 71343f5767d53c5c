import ArgumentParser
import DraftStore

/// `vellum edit DRAFT FILE|-`: a new version of an unsigned draft.
struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save FILE (or stdin for -) as a new version of an unsigned draft; earlier versions are kept.",
        discussion: "A signed draft never changes: `vellum amend` starts a new draft that refers to it."
    )

    @Argument(help: "Draft id (d-000042 or 42).")
    var draft: String

    @Argument(help: "File with the corrected text, or - for standard input.")
    var file: String

    @OptionGroup var actor: ActorOptions

    func run() throws {
        let record = try DraftStore.openDefault().edit(try draftID(draft), text: try readText(file), actor: actor.name)
        print("\(record.id) version \(record.versionCount) saved")
    }
}

/// `vellum amend DRAFT FILE|-`: the way to change a signed draft.
struct Amend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a new draft from FILE (or stdin) that amends a signed draft, which stays as signed."
    )

    @Argument(help: "The signed draft's id.")
    var draft: String

    @Argument(help: "File with the amended text, or - for standard input.")
    var file: String

    @OptionGroup var actor: ActorOptions

    func run() throws {
        let record = try DraftStore.openDefault().amend(try draftID(draft), text: try readText(file), actor: actor.name)
        print(record.id)
    }
}
