import ArgumentParser
import DraftStore

/// `vellum sign DRAFT --by NAME`: the clinician's sign-off.
struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a draft's latest version: records the signer, the time and the SHA-256 of the exact text.",
        discussion: "A signed draft is immutable; signing it again is refused and names who signed it."
    )

    @OptionGroup var target: DraftArgument

    @Option(help: "The signing clinician's name.")
    var by: String

    @Option(help: "The version you read (`vellum show`); refused if the draft has changed since.")
    var version: Int?

    func run() throws {
        let record = try DraftStore.openDefault().sign(try target.id, by: by, version: version)
        guard let signature = record.signature else { return }
        print("\(record.id) signed by \(signature.signedBy), version \(signature.version), sha256 \(signature.textSHA256)")
    }
}

/// `vellum discard DRAFT`: close an unsigned draft without signing it.
struct Discard: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Discard an unsigned draft; its versions stay in the store for the audit."
    )

    @OptionGroup var target: DraftArgument

    @OptionGroup var actor: ActorOptions

    func run() throws {
        let record = try DraftStore.openDefault().discard(try target.id, actor: actor.name)
        print("\(record.id) discarded")
    }
}
