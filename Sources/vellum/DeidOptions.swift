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

/// `--fast-deid`, shared by the drafting commands and `vellum serve`: their de-identification runs the
/// model-assisted pass on the drafting model itself unless told not to.
struct DraftingDeidOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "De-identify with the rules alone, without the model-assisted pass.",
        discussion: "By default the drafting model also lists the people and employers the input names before anything is sent to it; this finds names the rules miss (a first name alone, lower case) at about 12 s per 1,000 characters on a 2-core machine."))
    var fastDeid = false
}

/// The model-assisted pass of `vellum deid` and `vellum deid-eval`: a local GGUF model lists the people and
/// employers each excerpt names (``ModelMentionRecognizer``), and every listed name the document contains is
/// found at all its mentions. On by default with the bundled default model once it is fetched; `--fast` runs the
/// rules alone (milliseconds instead of seconds per document).
struct NameModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Model for the model-assisted pass: a bundled model's name or a GGUF path.",
        discussion: "Default: the bundled default model when it is fetched, else rules only (said on stderr)."))
    var model: String?

    @Flag(help: "Rules only: no model-assisted pass, no model load.")
    var fast = false

    @Option(help: "Threads for the model-assisted pass.")
    var threads: Int = 2

    func validate() throws {
        if fast && model != nil { throw ValidationError("--fast runs the rules alone: it cannot go with --model") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
    }

    /// The model file the pass uses: `--model` (which must exist), else the default model if fetched, else nil
    /// (rules only, with a note on standard error).
    func modelPath() throws -> String? {
        guard !fast else { return nil }
        let catalog = ModelCatalog()
        if let model { return try catalog.resolve(model) }
        guard let name = catalog.defaultModel, let path = try? catalog.resolve(name) else {
            standardError("note: no bundled model is fetched; de-identifying with the rules alone (scripts/fetch-models.py)")
            return nil
        }
        return path
    }

    /// The model recognizer (loading the model), or nil when the pass is off.
    func recognizer(lexicons: Lexicons) throws -> ModelMentionRecognizer? {
        guard let path = try modelPath() else { return nil }
        return ModelMentionRecognizer(languageModel: try LanguageModel(path: path), threads: threads, lexicons: lexicons)
    }
}
