// Characters per second of `Tokenizer.encode` on a fixed synthetic clinical text (Benchmarks/Fixtures,
// ~20 KB, invented patients only), for the two tokenizer families the bundled models use.
//
//   swift package benchmark --target TokenizationBenchmark
//
// The vocabularies come from the models' GGUF files; a model that is not fetched is skipped with a message.
import Benchmark
import BenchmarkSupport
import Foundation
import GGUF
import Tokenization

/// (label, bundled model whose vocabulary is used).
let vocabularies = [
    ("qwen2 byte-level BPE", "qwen2.5-coder-0.5b-instruct"),
    ("gemma SentencePiece", "gemma-3-270m"),
]
let textPath = BenchmarkFixtures.path("Benchmarks/Fixtures/synthetic-clinical-notes.txt")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.units = BenchmarkMetric.rateDisplayUnits
    guard let text = try? String(contentsOfFile: textPath, encoding: .utf8) else {
        BenchmarkFixtures.skip("Tokenization benchmarks", because: "cannot read \(textPath)")
        return
    }
    let characters = Double(text.count)

    for (label, model) in vocabularies {
        guard let path = BenchmarkFixtures.bundledModel(model, neededBy: "Tokenization \(label)") else { continue }
        Benchmark("encode \(label) (\(model) vocabulary, \(text.utf8.count / 1024) KiB)",
                  configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .charactersPerSecond],
                                       warmupIterations: 2, maxDuration: .seconds(3))) { benchmark, tokenizer in
            benchmark.measureRate(.charactersPerSecond, units: characters) {
                blackHole(tokenizer.encode(text))
            }
        } setup: {
            try Tokenizer(file: GGUFFile(path: path))
        }
    }
}
