import ArgumentParser
import Deidentification
import Foundation

/// `vellum deid-eval`: token-level recall and precision of the de-identifier (or of another tool's saved
/// predictions) on a gold corpus, per kind and over the Safe Harbor kinds, with every miss and false alarm.
struct DeidEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deid-eval",
        abstract: "Score de-identification against a gold corpus: recall and precision per kind, misses, false alarms.",
        discussion: """
            The corpus is a folder of NNN-<style>.txt documents, each with a NNN-<style>.json gold file \
            {"spans": [{"start", "end", "label", "text"}]}; offsets count Unicode scalars, end exclusive \
            (Tests/DeidentificationTests/Fixtures/corpus is the synthetic development corpus).

            Scoring is per token (runs of letters and digits). A gold token is recalled when predicted spans of \
            any Safe Harbor kind cover it; "strict" asks for the gold label. FACILITY is a quasi-identifier: it \
            has its own row and stays out of the Safe Harbor totals.

            With --predictions, another tool's spans are scored instead of running the built-in pipeline: \
            {"tool": "...", "seconds": 1.2, "documents": {"001-progress-note": [{"start", "end", "label"}]}}. \
            The listing of misses and false alarms shows document text: use it on synthetic corpora only.
            """
    )

    @Option(help: "Folder of .txt documents with .json gold files.")
    var corpus: String

    @Option(help: "Score this predictions file instead of running the built-in de-identifier.")
    var predictions: String?

    @OptionGroup var lexiconOptions: LexiconOptions

    @Option(help: "Write the built-in de-identifier's spans to this file, in the --predictions format.")
    var writePredictions: String?

    @Option(help: "Timed passes over the corpus for throughput (rules only; the fastest pass is reported).")
    var passes: Int = 3

    @OptionGroup var nameModel: NameModelOptions

    @Option(help: "Exit with status 1 when Safe Harbor token recall is below this fraction (e.g. 0.99).")
    var minRecall: Double?

    @Option(help: "Exit with status 1 when Safe Harbor token precision is below this fraction (e.g. 0.90).")
    var minPrecision: Double?

    @Flag(help: "Print the report as JSON (per-kind counts, misses and false positives).")
    var json = false

    @Flag(help: "Print the table only, without the list of misses and false positives.")
    var summary = false

    func validate() throws {
        guard passes >= 1 else { throw ValidationError("--passes must be at least 1") }
        for (flag, value) in [("--min-recall", minRecall), ("--min-precision", minPrecision)] {
            if let value, !(0...1).contains(value) { throw ValidationError("\(flag) must be between 0 and 1") }
        }
        if predictions != nil && writePredictions != nil {
            throw ValidationError("--write-predictions saves the built-in pipeline's spans; it cannot go with --predictions")
        }
    }

    func run() throws {
        let gold = try GoldCorpus.load(directory: URL(fileURLWithPath: corpus))
        let title: String
        var report: EvaluationReport
        if let predictions {
            let set = try PredictionSet.load(URL(fileURLWithPath: predictions))
            report = try CorpusEvaluation.evaluate(gold, predictions: set, source: predictions)
            title = set.tool ?? predictions
        } else {
            let lexiconSet = try lexiconOptions.load()
            var registry = RecognizerRegistry.default(lexicons: lexiconSet)
            let modelRecognizer = try nameModel.recognizer(lexicons: lexiconSet)
            if let modelRecognizer { registry.add(modelRecognizer) }
            let deidentifier = Deidentifier(registry: registry)
            var predicted: [String: [LabeledSpan]] = [:]
            report = CorpusEvaluation.evaluate(gold) { document in
                let spans = deidentifier.analyze(document.text).map(LabeledSpan.init)
                predicted[document.id] = spans
                return spans
            }
            // Further passes only refine the timing; the spans are the same every pass. A model pass costs
            // seconds per document, so it is timed once.
            for _ in 1..<(modelRecognizer == nil ? passes : 1) {
                let again = CorpusEvaluation.evaluate(gold) { document in
                    deidentifier.analyze(document.text).map(LabeledSpan.init)
                }
                if let best = report.seconds, let seconds = again.seconds, seconds < best { report.seconds = seconds }
            }
            if modelRecognizer != nil, let path = try nameModel.modelPath() {
                let modelName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                title = "vellum (rules + model " + modelName + ")"
            } else {
                title = "vellum (rules only)"
            }
            if let writePredictions {
                let set = PredictionSet(tool: title, seconds: report.seconds, documents: predicted)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try encoder.encode(set).write(to: URL(fileURLWithPath: writePredictions))
            }
        }

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let output = EvaluationOutput(tool: title, report: report)
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        } else {
            print(report.table(title: title))
            let errorSummary = report.errorSummary()
            if !errorSummary.isEmpty { print(errorSummary) }
            if !summary {
                let listing = report.errorListing()
                print(listing.isEmpty ? "\nno misses, no false positives" : "\n" + listing)
            }
        }
        try enforceTargets(report)
    }

    /// The gate for scripts: a missing figure (no gold or no predictions) counts as a failure.
    private func enforceTargets(_ report: EvaluationReport) throws {
        var failures: [String] = []
        if let minRecall, (report.overall.recall ?? 0) < minRecall {
            failures.append(String(format: "recall %.4f < %.4f", report.overall.recall ?? 0, minRecall))
        }
        if let minPrecision, (report.overall.precision ?? 0) < minPrecision {
            failures.append(String(format: "precision %.4f < %.4f", report.overall.precision ?? 0, minPrecision))
        }
        guard failures.isEmpty else {
            FileHandle.standardError.write(Data("deid-eval: below target: \(failures.joined(separator: ", "))\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// The JSON form: the report plus the headline ratios, so a script need not recompute them.
private struct EvaluationOutput: Encodable {
    var tool: String
    var report: EvaluationReport

    enum CodingKeys: String, CodingKey {
        case tool, recall, precision, recallStrict = "recall_strict", precisionStrict = "precision_strict"
        case charactersPerSecond = "characters_per_second", report
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tool, forKey: .tool)
        try container.encodeIfPresent(report.overall.recall, forKey: .recall)
        try container.encodeIfPresent(report.overall.precision, forKey: .precision)
        try container.encodeIfPresent(report.overall.recallStrict, forKey: .recallStrict)
        try container.encodeIfPresent(report.overall.precisionStrict, forKey: .precisionStrict)
        try container.encodeIfPresent(report.charactersPerSecond, forKey: .charactersPerSecond)
        try container.encode(report, forKey: .report)
    }
}
