// Characters per second of the default de-identification pipeline (every built-in recognizer, the model-based
// name recognizer off) on the synthetic gold corpus in Tests/DeidentificationTests/Fixtures/corpus.
//
//   swift package benchmark --target DeidentificationBenchmark
//
// `load` is the start-up of every process (lexicons and recognizers); `analyze` is what
// `vellum deid --fast --format spans` does per document (tokenize, recognize, resolve overlaps);
// `tagged` adds the placeholder rendering of `--format tagged`. Needs the lexicons of
// `python3 scripts/fetch-deid-data.py` (.cache/deid-data or VELLUM_DEID_DATA); skipped with a message otherwise.
import Benchmark
import BenchmarkSupport
import Deidentification
import Foundation

let corpusDirectory = BenchmarkFixtures.path("Tests/DeidentificationTests/Fixtures/corpus")

/// The corpus documents (`*.txt`, in name order so every run reads the same sequence).
func corpusDocuments() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: corpusDirectory)
        .filter { $0.hasSuffix(".txt") }
        .sorted()
        .map { try String(contentsOfFile: corpusDirectory + "/" + $0, encoding: .utf8) }
}

/// The lexicon folder `vellum deid` would use, looked up from the repository rather than the working directory.
func lexiconDirectory() -> URL {
    if let override = ProcessInfo.processInfo.environment[Lexicons.environmentVariable], !override.isEmpty {
        return URL(fileURLWithPath: override)
    }
    return URL(fileURLWithPath: BenchmarkFixtures.path(".cache/deid-data"))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.units = BenchmarkMetric.rateDisplayUnits
    let documents: [String]
    do {
        documents = try corpusDocuments()
    } catch {
        BenchmarkFixtures.skip("Deidentification benchmarks", because: "cannot read the corpus: \(error)")
        return
    }
    let lexiconFolder = lexiconDirectory()
    let missing = Lexicons.requiredFiles.filter {
        !FileManager.default.fileExists(atPath: lexiconFolder.appendingPathComponent($0).path)
    }
    guard missing.isEmpty else {
        BenchmarkFixtures.skip("Deidentification benchmarks", because: "lexicons \(missing.joined(separator: ", ")) "
            + "are missing from \(lexiconFolder.path); run `\(Lexicons.fetchCommand)`")
        return
    }
    let characters = Double(documents.reduce(0) { $0 + $1.count })
    let label = "\(documents.count) documents, \(documents.reduce(0) { $0 + $1.utf8.count } / 1024) KiB"
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .charactersPerSecond],
        warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 100)
    let makeDeidentifier = {
        Deidentifier(registry: .default(lexicons: try Lexicons.load(directory: lexiconFolder)))
    }

    // Start-up: what every `vellum deid` process pays before its first document. The first load compiles the
    // word lists into lexicons.compiled (setup), every later one maps that file.
    _ = try? Lexicons.load(directory: lexiconFolder)
    Benchmark("load lexicons and build the recognizers", configuration: .init(
        metrics: [.wallClock, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 50)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try makeDeidentifier())
        }
    }

    Benchmark("analyze corpus (\(label))", configuration: configuration) { benchmark, deidentifier in
        benchmark.measureRate(.charactersPerSecond, units: characters) {
            for document in documents { blackHole(deidentifier.analyze(document)) }
        }
    } setup: {
        try makeDeidentifier()
    }

    Benchmark("tagged corpus (\(label))", configuration: configuration) { benchmark, deidentifier in
        // One tagger for the whole corpus, as `vellum deid --format tagged` keeps one across its inputs (the
        // same original gets the same tag everywhere); a new one per iteration so its table does not carry over.
        let tagger = PlaceholderTagger()
        benchmark.measureRate(.charactersPerSecond, units: characters) {
            for document in documents {
                let text = TokenizedText(document)
                blackHole(tagger.render(text, deidentifier.analyze(text)))
            }
        }
    } setup: {
        try makeDeidentifier()
    }
}
