import ArgumentParser
import Deidentification
import Foundation
import Inference

/// `--lexicons`, shared by `vellum deid` and `vellum deid-eval`: the folder of name, place and safe-word lists the
/// recognizers read.
struct LexiconOptions: ParsableArguments {
    @Option(help: "Lexicon folder (default: $VELLUM_DEID_DATA, else .cache/deid-data).")
    var lexicons: String?

    /// The lexicons from `--lexicons`, else `$VELLUM_DEID_DATA`, else `.cache/deid-data`.
    func load() throws(LexiconError) -> Lexicons {
        try Lexicons.load(directory: lexicons.map { URL(fileURLWithPath: $0) })
    }
}

/// The model-assisted pass of `vellum deid` and `vellum deid-eval`: a local GGUF model scores the name
/// candidates the rules are unsure of (yes/no log-odds, no generation). On by default when the bundled default
/// model has been fetched; `--fast` runs the rules alone.
struct NameModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Model for the model-assisted pass: a bundled model's name or a GGUF path.",
        discussion: "Default: the bundled default model when it has been fetched (scripts/fetch-models.py), else rules only."))
    var model: String?

    @Flag(help: "Rules only: no model-assisted pass (fast start, no model load).")
    var fast = false

    @Option(help: "Threads for the model-assisted pass.")
    var threads: Int = 2

    @Option(help: "Log-odds of \" yes\" over \" no\" above which the model calls a candidate a name.")
    var modelThreshold: Double = 0

    func validate() throws {
        if fast && model != nil { throw ValidationError("--fast runs the rules alone: it cannot go with --model") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
    }

    /// The model file the pass uses: `--model` (which must exist), else the catalog's default model when its
    /// file is present, else nil (rules only).
    func modelPath() throws -> String? {
        if fast { return nil }
        let catalog = ModelCatalog()
        if let model { return try catalog.resolve(model) }
        guard let name = catalog.defaultModel else { return nil }
        return try? catalog.resolve(name)
    }

    /// The model recognizer (loading the model), or nil when the pass is off.
    func recognizer(lexicons: Lexicons) throws -> ModelNameRecognizer? {
        guard let path = try modelPath() else { return nil }
        let languageModel = try LanguageModel(path: path)
        return ModelNameRecognizer(scorer: RuntimeCandidateScorer(model: languageModel, threads: threads),
                                   names: NameRecognizer(lexicons: lexicons), threshold: modelThreshold)
    }
}
