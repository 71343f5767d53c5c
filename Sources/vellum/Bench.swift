import ArgumentParser
import Foundation
import Inference
import Quants

extension BatchedProduct: ExpressibleByArgument {}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure prompt and generation tokens per second, llama-bench style.",
        discussion: """
            Each test runs once to warm up, then --repetitions times from an empty KV cache. Model loading, \
            tokenization and sampling are not timed. ppN evaluates N tokens as one prompt; tgN generates N \
            tokens one at a time. Peak memory is the process's peak resident set.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .customLong("test"), help: "Tests to run (repeatable): pp512, pp128, tg128, ...")
    var tests: [String] = ["pp512", "tg128"]
    @Option(name: .shortAndLong, help: "Timed repetitions per test.")
    var repetitions: Int = 5
    @Option(name: .customLong("batch-size"), help: ArgumentHelp(
        "Tokens evaluated together at most (llama-bench's ubatch); longer prompts go in several batches.",
        discussion: "The default is what generate and chat use; its buffers count in the peak memory."))
    var batchSize: Int = Session.defaultMaxBatch
    @Option(help: "Product for prompt batches: quantized (integer dots on the kernel path, the default) or blas (sgemm on dequantized tiles).")
    var batchedProduct: BatchedProduct = .quantized
    @Flag(help: "Print a JSON list of results (fields as llama-bench's JSON: avg_ts, stddev_ts, ...).")
    var json = false

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        for test in tests where BenchmarkTest(test) == nil {
            throw ValidationError("unknown test '\(test)': use ppN or tgN, e.g. pp512 or tg128")
        }
    }

    struct Row: Encodable {
        let model: String
        let modelFile: String
        let modelSize: Int
        let threads: Int
        let kernels: String
        let batchSize: Int
        let test: String
        let samplesTs: [Double]
        let avgTs: Double
        let stddevTs: Double
        let peakResidentBytes: Int
        enum CodingKeys: String, CodingKey {
            case model, threads, test, kernels
            case batchSize = "n_ubatch"
            case modelFile = "model_filename", modelSize = "model_size", samplesTs = "samples_ts"
            case avgTs = "avg_ts", stddevTs = "stddev_ts", peakResidentBytes = "peak_rss_bytes"
        }
    }

    func run() throws {
        let model = try modelOptions.load()
        let parsed = tests.compactMap(BenchmarkTest.init)
        let longest = parsed.map(\.tokenCount).max() ?? 1
        // A test past the trained context would measure positions the model was never run at (and for tgN runs
        // N steps, minutes for a typo like tg99999): refuse it, naming the test and the limit.
        let trained = model.architecture.shape.trainedContextLength
        if let tooLong = parsed.first(where: { $0.tokenCount > trained }) {
            throw CommandError("test \(tooLong) needs \(tooLong.tokenCount) positions, more than \(model.name)'s context length of \(trained) (\(model.file.path))")
        }
        let session = Session(model: model, contextLength: max(longest, 16), threads: modelOptions.threads,
                              maxBatch: batchSize, maxLogitRows: 1, batchedProduct: batchedProduct)
        var rows: [Row] = []
        if !json {
            print(kernelPathLine(QuantKernels.path))
            print("weights: \(model.file.residency.rawValue) (\(LanguageModel.residencyVariable) chooses mapped or huge-pages)")
            print("| model | size | threads | test | t/s | peak RSS |")
            print("| --- | ---: | ---: | --- | ---: | ---: |")
        }
        for test in parsed {
            _ = try test.run(on: session)  // warm-up: page in the weights, settle the threads
            let samples = try (0..<repetitions).map { _ in try test.run(on: session) }
            let mean = samples.reduce(0, +) / Double(samples.count)
            let variance = samples.count > 1
                ? samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1) : 0
            let row = Row(model: model.name, modelFile: model.file.path, modelSize: model.file.fileSize,
                          threads: modelOptions.threads, kernels: QuantKernels.path.rawValue, batchSize: batchSize, test: test.description, samplesTs: samples,
                          avgTs: mean, stddevTs: variance.squareRoot(), peakResidentBytes: peakResidentBytes())
            rows.append(row)
            if !json {
                print(String(format: "| %@ | %.1f MiB | %d | %@ | %.2f ± %.2f | %.1f MiB |", row.model,
                             Double(row.modelSize) / 1_048_576, row.threads, row.test, row.avgTs, row.stddevTs,
                             Double(row.peakResidentBytes) / 1_048_576))
            }
        }
        if json { try printJSON(rows) }
    }
}
