import ArgumentParser

/// `vellum`: the command-line face of the engine and the clinical tasks on top of it.
@main
struct Vellum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vellum",
        abstract: "Offline drafting assistant for medical practices: local quantized models, no network.",
        discussion: """
            Everything runs on this machine. Drafts are suggestions for a licensed clinician to review, \
            correct and sign; nothing is final until a person signs it.
            """,
        subcommands: [
            Summarize.self, Draft.self, Code.self, Drafts.self, Show.self, Edit.self, Amend.self, Sign.self, Discard.self, Export.self,
            Stats.self, Audit.self, Policy.self, Deid.self, DeidEval.self, Generate.self, Chat.self, Tokenize.self, Inspect.self,
            Bench.self, PerplexityCommand.self, Serve.self,
        ]
    )
}
