// swift-tools-version:6.1
// Vellum: an offline drafting assistant for medical practices, on a quantized-transformer engine in Swift.
// Module direction is one way: GGUF -> Quants -> Inference -> tasks (Deidentification, ...) -> vellum.
import PackageDescription

/// Hot-loop modules are optimized even in debug builds: unoptimized SIMD code runs ~1,600x slower
/// (see docs), which would make every model test crawl. `-target-cpu native` lets LLVM use AVX-512/VNNI.
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-target-cpu", "native"])]
let optimizedFlags: [SwiftSetting] = [.unsafeFlags(["-O", "-target-cpu", "native"])]

let package = Package(
    name: "Vellum",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vellum", targets: ["vellum"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Benchmarks/ suites only (run with `swift package benchmark`); the trait list leaves out the 6.3-only
        // ARC runtime interposer, which is not on this machine, and keeps the malloc counters.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Format: memory-mapped, bounds-checked GGUF reader.
        .target(name: "GGUF", swiftSettings: optimizedFlags),
        // Kernels: quant block layouts, scalar reference and SIMD dot/dequantize, BLAS products.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // VNNI instructions through the compiler's Builtin module (needs -parse-stdlib; see its source).
        .target(name: "QuantsIntrinsics", swiftSettings: kernelFlags),
        .target(name: "Quants", dependencies: ["GGUF", "CBLAS", "QuantsIntrinsics"], swiftSettings: kernelFlags),
        // Tokenizers: SentencePiece (through libsentencepiece) and byte-level BPE.
        .target(
            name: "CSentencePiece",
            cxxSettings: [.unsafeFlags(["-std=c++17"])],
            linkerSettings: [.linkedLibrary("sentencepiece"), .linkedLibrary("stdc++")]
        ),
        .target(name: "Tokenization", dependencies: ["GGUF", "CSentencePiece"], swiftSettings: optimizedFlags),
        // Model: architectures, KV cache, sampling, generation sessions.
        .target(name: "Inference", dependencies: ["GGUF", "Quants", "Tokenization"], swiftSettings: kernelFlags),
        // Tasks.
        .target(
            name: "Deidentification",
            dependencies: ["Inference", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: optimizedFlags
        ),
        // One model thread with a request queue, shared by the command line, the drafting layer and the server.
        .target(name: "ModelService", dependencies: ["Inference"], swiftSettings: optimizedFlags),
        // Interfaces.
        .executableTarget(
            name: "vellum",
            dependencies: [
                "GGUF", "Quants", "Tokenization", "Inference", "Deidentification",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Seeded random inputs (generator, quant blocks) shared by the test and benchmark targets; in no product.
        .target(
            name: "TestSupport", dependencies: ["GGUF", "Quants", "Inference"], path: "Tests/Support",
            swiftSettings: optimizedFlags
        ),
        // package-benchmark suites: `swift package benchmark --target <Suite>Benchmark`, or scripts/bench.sh.
        .target(
            name: "BenchmarkSupport", dependencies: ["Inference", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/Support", swiftSettings: optimizedFlags + [.swiftLanguageMode(.v5)]
        ),
        benchmarkSuite("QuantKernels", dependencies: ["GGUF", "Quants", "TestSupport"]),
        benchmarkSuite("Decode", dependencies: ["Inference"]),
        benchmarkSuite("Tokenization", dependencies: ["GGUF", "Tokenization"]),
        benchmarkSuite("Deidentification", dependencies: ["Deidentification"]),
        benchmarkSuite("MemoryBandwidth", dependencies: ["Inference"]),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF"]),
        .testTarget(name: "QuantsTests", dependencies: ["Quants", "TestSupport"], swiftSettings: optimizedFlags),
        .testTarget(
            name: "TokenizationTests", dependencies: ["Tokenization", "GGUF", "TestSupport"], resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "InferenceTests", dependencies: ["Inference"]),
        .testTarget(name: "ModelServiceTests", dependencies: ["ModelService", "Inference"]),
        .testTarget(
            name: "DeidentificationTests", dependencies: ["Deidentification", "TestSupport"], resources: [.copy("Fixtures")]
        ),
    ]
)

/// One package-benchmark suite: `Benchmarks/<name>/<name>.swift`, optimized like the code it measures. The
/// target gets a `Benchmark` suffix so it cannot clash with the module it measures (`Tokenization`, ...), and
/// Swift 5 mode as package-benchmark's own examples use (its closures and hooks are not `Sendable`).
func benchmarkSuite(_ name: String, dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name + "Benchmark",
        dependencies: dependencies + ["BenchmarkSupport", .product(name: "Benchmark", package: "benchmark")],
        path: "Benchmarks/\(name)",
        swiftSettings: optimizedFlags + [.swiftLanguageMode(.v5)],
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
