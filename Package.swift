// swift-tools-version:6.1
// Vellum: an offline drafting assistant for medical practices, on a quantized-transformer engine in Swift.
// Module direction is one way: GGUF -> Quants -> Inference -> tasks (Deidentification, ...) -> vellum.
import PackageDescription

/// The instruction-set baseline of everything but the per-ISA kernel builds below: x86-64-v3 (AVX2, FMA, F16C,
/// BMI1/2, LZCNT, MOVBE), what nearly every clinic desktop of the last decade has. swiftc rejects
/// `-target-cpu x86-64-v3` (its clang importer knows only CPU names); haswell is that level (its extras, AES,
/// PCLMUL, RDRAND, FSGSBASE, are reached only through intrinsics, which this package does not call).
let baselineCPU = ["-target-cpu", "haswell"]

/// Hot-loop modules are optimized even in debug builds: unoptimized SIMD code runs ~1,600x slower
/// (see docs), which would make every model test crawl.
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"] + baselineCPU)]
let optimizedFlags: [SwiftSetting] = [.unsafeFlags(["-O"] + baselineCPU)]

/// One build of the kernel source (`Sources/Quants`) for one instruction set, ggml's GGML_CPU_ALL_VARIANTS in
/// Swift terms (Swift has no per-function target attributes): `Sources/<name>` is a symbolic link to
/// `Sources/Quants`, compiled with its own `-target-cpu`, a compilation condition that picks its
/// `QuantsIntrinsics<ISA>` module, and without `Dispatch/` (the run-time choice, which is Quants' alone).
/// `-disable-cmo` keeps every function body of the build out of its module interface, so no code compiled for
/// a wider instruction set can be inlined into the baseline modules that call it; the dispatcher enters it
/// only through the `@inline(never)` entry points of `ISAKernels` once CPUID has allowed it
/// (`scripts/check-kernel-isolation.sh` checks a built binary for AVX-512 code anywhere else).
func kernelBuild(_ name: String, cpu: String, condition: String, intrinsics: String) -> Target {
    .target(
        name: name, dependencies: ["GGUF", "CBLAS", .target(name: intrinsics)], exclude: ["Dispatch"],
        swiftSettings: [.unsafeFlags(["-Ounchecked", "-target-cpu", cpu, "-Xfrontend", "-disable-cmo"]), .define(condition)]
    )
}

let package = Package(
    name: "Vellum",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vellum", targets: ["vellum"]),
        // The modules the libFuzzer targets in Fuzz/ (a separate package, built with the sanitizers) link against.
        .library(name: "GGUF", targets: ["GGUF"]),
        .library(name: "Tokenization", targets: ["Tokenization"]),
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "Deidentification", targets: ["Deidentification"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // DraftStore's SQLite database (libsqlite3-dev from scripts/install-deps.sh).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Benchmarks/ suites only (run with `swift package benchmark`); the trait list leaves out the 6.3-only
        // ARC runtime interposer, which is not on this machine, and keeps the malloc counters.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        // `vellum serve` (VellumServer): HTTP/1.1 on SwiftNIO, and SIGTERM handling through service-lifecycle. No
        // traits: the server reads no swift-configuration files, and leaving them out saves building that package.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Format: memory-mapped, bounds-checked GGUF reader.
        .target(name: "GGUF", swiftSettings: optimizedFlags),
        // Kernels: quant block layouts, scalar reference and SIMD dot/dequantize, BLAS products.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // The integer multiply-accumulates under every quantized dot, one module per instruction set with the
        // same three functions: plain Swift (generic), and AVX2 / AVX-512 VNNI instructions through the
        // compiler's Builtin module (needs -parse-stdlib; see their sources).
        .target(name: "QuantsIntrinsicsGeneric", swiftSettings: kernelFlags),
        .target(name: "QuantsIntrinsicsAVX2", swiftSettings: [.unsafeFlags(["-Ounchecked", "-parse-stdlib"] + baselineCPU)]),
        .target(
            name: "QuantsIntrinsicsAVX512VNNI",
            swiftSettings: [.unsafeFlags(["-Ounchecked", "-parse-stdlib", "-target-cpu", "cascadelake"])]
        ),
        // CPUID and XGETBV for the kernel dispatch.
        .target(name: "CPUFeatures"),
        // The kernel source built per instruction set; Quants is its baseline (generic) build plus the dispatcher
        // (Sources/Quants/Dispatch), which picks a build per product from CPUID or VELLUM_KERNELS.
        kernelBuild("QuantsAVX2", cpu: "haswell", condition: "VELLUM_KERNELS_AVX2", intrinsics: "QuantsIntrinsicsAVX2"),
        kernelBuild(
            "QuantsAVX512VNNI", cpu: "cascadelake", condition: "VELLUM_KERNELS_AVX512_VNNI", intrinsics: "QuantsIntrinsicsAVX512VNNI"
        ),
        .target(
            name: "Quants",
            dependencies: ["GGUF", "CBLAS", "QuantsIntrinsicsGeneric", "CPUFeatures", "QuantsAVX2", "QuantsAVX512VNNI"],
            swiftSettings: kernelFlags
        ),
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
        // Drafting: every clinical task on one path (de-identify -> prompt -> constrained generation -> fact check
        // -> restore locally -> a draft), above the engine and the de-identifier.
        .target(
            name: "Drafting",
            dependencies: [
                "Inference", "Tokenization", "Deidentification", "DraftStore", "ModelService", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: optimizedFlags
        ),
        // Drafts, clinician sign-off, the hash-chained audit log and the practice's export policy (SQLite).
        .target(
            name: "DraftStore",
            dependencies: [
                "Deidentification",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: optimizedFlags  // the edit distance at sign time is quadratic in the changed part
        ),
        // Interfaces.
        // The local server behind `vellum serve`: OpenAI-compatible generation, the clinical tasks as JSON, and the
        // clinician's workspace page (Resources/), all from one process that owns one model.
        .target(
            name: "VellumServer",
            dependencies: [
                "Inference", "ModelService", "Deidentification", "Drafting", "DraftStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/Server",
            resources: [.copy("Workspace")]
        ),
        .executableTarget(
            name: "vellum",
            dependencies: [
                "GGUF", "Quants", "Tokenization", "Inference", "Deidentification", "Drafting", "DraftStore", "ModelService",
                "VellumServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
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
        .testTarget(
            name: "QuantsTests", dependencies: ["Quants", "TestSupport", "QuantsIntrinsicsGeneric", "QuantsIntrinsicsAVX2"],
            swiftSettings: optimizedFlags
        ),
        .testTarget(
            name: "TokenizationTests", dependencies: ["Tokenization", "GGUF", "TestSupport"], resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "Quants", "TestSupport"]),
        .testTarget(
            name: "DraftingTests", dependencies: ["Drafting", "Inference", "ModelService", "Deidentification"], resources: [.copy("Fixtures")]
        ),
        // A child process for DraftStoreTests: writes drafts until killed (kill -9 and concurrent-writer tests).
        .executableTarget(name: "draftstore-writer", dependencies: ["DraftStore"], path: "Tests/DraftStoreWriter"),
        .testTarget(name: "DraftStoreTests", dependencies: ["DraftStore", "Deidentification"]),
        .testTarget(name: "ModelServiceTests", dependencies: ["ModelService", "Inference"]),
        .testTarget(
            name: "VellumServerTests",
            dependencies: [
                "VellumServer", "ModelService", "Inference", "Deidentification", "DraftStore", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "DeidentificationTests", dependencies: ["Deidentification", "Inference", "TestSupport"], resources: [.copy("Fixtures")]
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
