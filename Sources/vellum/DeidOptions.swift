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
/// candidates the rules are unsure of (yes/no log-odds, no generation). Off unless `--model` names a model: on the
/// dev split of corpus-2026 it added 0.006 token recall at 24-100 s per 1,000 characters (rules: 2 ms), a cost no
/// default should carry until the pass finds more than the rules.
struct NameModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Model for the model-assisted pass: a bundled model's name or a GGUF path.",
        discussion: "Default: none (rules only); the pass is slow and has not yet shown a recall gain worth its cost."))
    var model: String?

    @Flag(help: "Rules only (the default): no model-assisted pass, no model load.")
    var fast = false

    @Option(help: "Threads for the model-assisted pass.")
    var threads: Int = 2

    @Option(help: "Log-odds of \" yes\" over \" no\" above which the model calls a candidate a name.")
    var modelThreshold: Double = 0

    func validate() throws {
        if fast && model != nil { throw ValidationError("--fast runs the rules alone: it cannot go with --model") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
    }

    /// The model file the pass uses: `--model` (which must exist), else nil (rules only).
    func modelPath() throws -> String? {
        guard !fast, let model else { return nil }
        return try ModelCatalog().resolve(model)
    }

    /// The model recognizer (loading the model), or nil when the pass is off.
    func recognizer(lexicons: Lexicons) throws -> ModelNameRecognizer? {
        guard let path = try modelPath() else { return nil }
        let languageModel = try LanguageModel(path: path)
        return ModelNameRecognizer(scorer: RuntimeCandidateScorer(model: languageModel, threads: threads),
                                   names: NameRecognizer(lexicons: lexicons), threshold: modelThreshold)
    }
}
