import ArgumentParser
import DraftStore
import Foundation

/// `vellum export DRAFT --to DEST`: a signed draft leaves the machine, if the policy lets it.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a signed draft for a destination, as the practice's data policy allows; every attempt is audited.",
        discussion: """
            A destination covered by a business associate agreement receives the signed text. Any other receives it \
            only when the policy allows de-identified text and `vellum deid --check` finds no Safe Harbor \
            identifier in it; otherwise the export is refused (exit 1) naming the kinds found, never the text.
            """
    )

    @OptionGroup var target: DraftArgument

    @Option(help: "Destination name, as in the policy (letters, digits, '.', '_', '-').")
    var to: String

    @Option(help: "Write the text to this file instead of standard output.")
    var output: String?

    @OptionGroup var policyFile: PolicyFileOptions
    @OptionGroup var actor: ActorOptions

    func run() throws {
        let policy = try DataPolicy.load(from: policyFile.url)
        let exported = try DraftStore.openDefault().export(try target.id, to: to, policy: policy, actor: actor.name)
        if let output {
            try Data(exported.text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } else {
            print(exported.text, terminator: "")
        }
        standardError("exported \(exported.id) to \(exported.destination) (" +
                      (exported.coveredByAgreement ? "business associate agreement" : "passed the de-identification check") + ")")
    }
}
