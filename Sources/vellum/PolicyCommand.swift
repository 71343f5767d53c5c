import ArgumentParser
import DraftStore
import Foundation

extension DataPolicy.OtherDestinations: ExpressibleByArgument {}

/// `vellum policy init|show`: the practice's data policy file.
struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write or read the practice's data policy: destinations with a business associate agreement, and the rule for others.",
        subcommands: [PolicyInit.self, PolicyShow.self]
    )
}

/// `--policy`, shared by the policy commands and `vellum export`.
struct PolicyFileOptions: ParsableArguments {
    @Option(help: "Policy file (default: $VELLUM_DATA_DIR/policy.json, else ~/.local/share/vellum/policy.json).")
    var policy: String?

    var url: URL { policy.map { URL(fileURLWithPath: $0) } ?? DataDirectory.policyURL() }
}

struct PolicyInit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Write the practice's policy file.")

    @Option(help: "The practice's name.")
    var practice: String

    @Option(name: .customLong("agreement"), help: "A destination covered by a business associate agreement (repeatable).")
    var agreements: [String] = []

    @Option(help: "What other destinations may receive: deidentified-only (text that passes `vellum deid --check`) or refuse.")
    var others: DataPolicy.OtherDestinations = .deidentifiedOnly

    @Flag(help: "Replace an existing policy file.")
    var force = false

    @OptionGroup var file: PolicyFileOptions

    func run() throws {
        let policy = DataPolicy(practice: practice, agreementDestinations: agreements, otherDestinations: others)
        try policy.write(to: file.url, overwrite: force)
        print("wrote \(file.url.path)")
    }
}

struct PolicyShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the practice's policy.")

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var file: PolicyFileOptions

    func run() throws {
        let policy = try DataPolicy.load(from: file.url)
        if json { return try printDocument(policy) }
        print("""
            policy    \(file.url.path)
            practice  \(policy.practice)
            agreement \(policy.agreementDestinations.isEmpty ? "(none)" : policy.agreementDestinations.joined(separator: ", "))
            others    \(policy.otherDestinations.rawValue)
            """)
    }
}
