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

/// The optional model recognizer of `vellum deid`: a local GGUF model scores the name candidates the rules are
/// unsure of (yes/no log-odds, no generation).
struct NameModelOptions: ParsableArguments {
    @Option(help: "Local GGUF model that decides ambiguous name candidates (yes/no scoring, no generation).")
    var model: String?

    @Option(help: "Threads for the model recognizer.")
    var threads: Int = 2

    @Option(help: "Log-odds of \" yes\" over \" no\" above which the model calls a candidate a name.")
    var modelThreshold: Double = 0

    /// The model recognizer `--model` asks for (loading the model), or nil without `--model`.
    func recognizer(lexicons: Lexicons) throws -> ModelNameRecognizer? {
        guard let model else { return nil }
        let languageModel = try LanguageModel(path: model)
        return ModelNameRecognizer(scorer: RuntimeCandidateScorer(model: languageModel, threads: threads),
                                   names: NameRecognizer(lexicons: lexicons), threshold: modelThreshold)
    }
}
