// Tokens per second of real models, llama-bench style, and the allocations of one decode step.
//
//   swift package benchmark --target DecodeBenchmark
//
// - `decode step`: one `Session.append(token:)` on a warmed session (the call a generation loop makes per
//   token), at cache positions 16..<144 like the middle of a tg128 run; tokens/s and mallocCountTotal, whose
//   goal is 0.
// - `tg128`: 128 tokens one at a time from an empty cache; the clock starts after the first token (llama2.c),
//   so the first step's one-time costs are excluded.
// - `pp128`: a 128-token prompt evaluated as one batch from an empty cache.
// Token ids follow a fixed rule, as llama-bench's do: no tokenization or sampling is timed. Models that are
// not fetched are skipped with a message on standard error. `VELLUM_BENCH_THREADS=1` measures one thread.
import Benchmark
import BenchmarkSupport
import Foundation
import Inference

/// The models measured here: the smallest (llama path, Q4_1) and the qwen2 path (Q4_K_M).
let models = ["smollm2-135m-instruct", "qwen2.5-coder-0.5b-instruct"]
/// `VELLUM_BENCH_THREADS`, else 2: this machine's cores, and the thread count of llama.cpp's reference figures.
let threads = Int(ProcessInfo.processInfo.environment["VELLUM_BENCH_THREADS"] ?? "") ?? 2
let threadLabel = threads == 1 ? "1 thread" : "\(threads) threads"
let promptLength = 128
let generationLength = 128
/// Tokens evaluated before the decode-step benchmark measures, so it starts on a warm, non-empty cache.
let decodePrefix = 16

/// A loaded model and one session on it, with the fixed token ids every test feeds.
final class DecodeFixture {
    let model: LanguageModel
    let session: Session
    let ids: [Int32]
    /// The first `promptLength` ids, the pp test's prompt.
    let prompt: [Int32]

    init(path: String) throws {
        model = try LanguageModel(path: path)
        session = Session(model: model, contextLength: 512, threads: threads, maxBatch: 512)
        // Ordinary token ids spread over the vocabulary, clear of the special ones at either end.
        let vocabulary = session.vocabularySize
        ids = (0..<max(promptLength, decodePrefix + generationLength)).map {
            Int32(1000 + ($0 * 7919) % max(vocabulary - 2000, 1))
        }
        prompt = Array(ids[0..<promptLength])
        // Page the weights in and let the thread pool settle before anything is measured.
        try session.append(prompt)
        session.rewind(to: 0)
    }

    /// Id of the token at cache position `position`.
    func token(at position: Int) -> Int32 { ids[position % ids.count] }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.units = BenchmarkMetric.rateDisplayUnits
    // No OS-statistics metrics (peak memory, threads): their sampling thread allocates while a step runs and
    // the malloc counter is process-wide, so it would blur the step's own count. `vellum bench` reports peak RSS.
    let tokenMetrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, .tokensPerSecond]

    for name in models {
        guard let path = BenchmarkFixtures.bundledModel(name, neededBy: "Decode benchmarks of \(name)") else { continue }

        Benchmark("\(name) decode step (\(threadLabel))",
                  configuration: .init(metrics: tokenMetrics, warmupIterations: 16, maxDuration: .seconds(5),
                                       maxIterations: 5_000)) { benchmark, fixture in
            let session = fixture.session
            // Stay within positions decodePrefix..<decodePrefix + generationLength: rewinding keeps the cache
            // and token storage, so it neither allocates nor changes what a step costs.
            if session.tokens.count >= decodePrefix + generationLength { session.rewind(to: decodePrefix) }
            let token = fixture.token(at: session.tokens.count)
            try benchmark.measureRate(.tokensPerSecond, units: 1) {
                blackHole(try session.append(token: token))
            }
        } setup: { () -> DecodeFixture in
            let fixture = try DecodeFixture(path: path)
            try fixture.session.append(Array(fixture.ids[0..<decodePrefix]))
            return fixture
        }

        Benchmark("\(name) tg\(generationLength) (\(threadLabel))",
                  configuration: .init(metrics: tokenMetrics, warmupIterations: 1, maxDuration: .seconds(10),
                                       maxIterations: 20)) { benchmark, fixture in
            let session = fixture.session
            session.rewind(to: 0)
            try session.append(token: fixture.token(at: 0))
            try benchmark.measureRate(.tokensPerSecond, units: Double(generationLength - 1)) {
                for position in 1..<generationLength {
                    blackHole(try session.append(token: fixture.token(at: position)))
                }
            }
        } setup: {
            try DecodeFixture(path: path)
        }

        Benchmark("\(name) pp\(promptLength) (\(threadLabel))",
                  configuration: .init(metrics: tokenMetrics, warmupIterations: 1, maxDuration: .seconds(10),
                                       maxIterations: 50)) { benchmark, fixture in
            let session = fixture.session
            session.rewind(to: 0)
            try benchmark.measureRate(.tokensPerSecond, units: Double(promptLength)) {
                blackHole(try session.append(fixture.prompt))
            }
        } setup: {
            try DecodeFixture(path: path)
        }
    }
}
