// What the benchmark suites share: where the repository's data lives, the skip message when it is absent,
// and the rate metrics (tokens/s, characters/s, MB/s) recorded per iteration beside package-benchmark's own.
import Benchmark
import Foundation
import Inference

public enum BenchmarkFixtures {
    /// The repository root: `VELLUM_ROOT` when set, else the folder two levels above `Benchmarks/Support`
    /// (the suites run from the package's build folder, and `swift package benchmark` sets no working directory
    /// we could rely on).
    public static let repositoryRoot: URL = {
        if let root = ProcessInfo.processInfo.environment["VELLUM_ROOT"], !root.isEmpty {
            return URL(fileURLWithPath: root)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // Benchmarks
            .deletingLastPathComponent()
    }()

    /// A repository-relative path.
    public static func path(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent(relative).path
    }

    /// The fetched file of a bundled model (`models/manifest.json`; `VELLUM_MODELS_DIR` or `.cache/models`), or
    /// nil after saying on standard error which benchmarks are skipped and how to fetch it.
    public static func bundledModel(_ name: String, neededBy benchmarks: String) -> String? {
        var environment = ProcessInfo.processInfo.environment
        if environment["VELLUM_ROOT"] == nil { environment["VELLUM_ROOT"] = repositoryRoot.path }
        do {
            return try ModelCatalog(environment: environment).resolve(name)
        } catch {
            skip(benchmarks, because: "\(error) (fetch with `python3 scripts/fetch-models.py`)")
            return nil
        }
    }

    /// Says on standard error that `benchmarks` are not registered, and why.
    public static func skip(_ benchmarks: String, because reason: String) {
        FileHandle.standardError.write(Data("skipping \(benchmarks): \(reason)\n".utf8))
    }
}

public extension BenchmarkMetric {
    /// A rate recorded by ``Benchmark/measureRate(_:units:_:)``: larger is better, and it is already per
    /// second, so package-benchmark's scaling factor must not multiply it.
    static func rate(_ name: String) -> BenchmarkMetric {
        .custom(name, polarity: .prefersLarger, useScalingFactor: false)
    }

    static let tokensPerSecond = rate("tokens/s")
    static let charactersPerSecond = rate("characters/s")
    /// Bytes of weights streamed per second, in MB (10^6): metrics are integers, so GB/s would lose its decimals.
    static let weightMegabytesPerSecond = rate("weight MB/s")
    /// Bytes moved to or from memory per second, in MB (10^6), for the bandwidth suite.
    static let memoryMegabytesPerSecond = rate("memory MB/s")
    /// Floating-point operations per second of a product (2 per multiply-add), in GFLOP.
    static let gigaflopsPerSecond = rate("GFLOP/s")

    /// Display units that print the rates as recorded (27431 MB/s, not "27 K"). Suites set
    /// `Benchmark.defaultConfiguration.units` to this before registering.
    static let rateDisplayUnits: [BenchmarkMetric: BenchmarkUnits] = [
        tokensPerSecond: .count, charactersPerSecond: .count, weightMegabytesPerSecond: .count, memoryMegabytesPerSecond: .count,
        gigaflopsPerSecond: .count,
    ]
}

public extension Benchmark {
    /// Measures `body` alone (package-benchmark's clocks and malloc counters start and stop around it, so any
    /// preparation before the call is excluded) and records `units / elapsed seconds` under `metric`.
    /// `units` is in the metric's unit: tokens, characters, MB, GFLOP.
    func measureRate(_ metric: BenchmarkMetric, units: Double, _ body: () throws -> Void) rethrows {
        startMeasurement()
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        stopMeasurement()
        measurement(metric, Int((units * 1e9 / Double(max(elapsed, 1))).rounded()))
    }
}
