// swift-tools-version:6.1
// libFuzzer targets for Vellum's hostile-input surfaces, one executable per target. A package of its own so that
// the root package's `swift build` / `swift test` never see them: they link only with `-sanitize=fuzzer` (their
// `main` hands over to libFuzzer's driver). Build and run them with scripts/fuzz.sh, which passes
// `-Xswiftc -sanitize=fuzzer,address`.
import PackageDescription

/// SwiftPM names a path dependency after its folder, so the root package is "main" in one checkout and
/// "wt-fuzz" in another; the product references below use whatever this checkout's folder is called.
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "vellum").lowercased()

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: root) },
        swiftSettings: [.swiftLanguageMode(.v5)]
    )
}

let package = Package(
    name: "VellumFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        // The driver call, model and lexicon lookup, the invariant check, and the tokenizer harness both tokenizer
        // targets share.
        .target(
            name: "FuzzSupport",
            dependencies: ["CLibFuzzer", .product(name: "Tokenization", package: root)],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        fuzzTarget("fuzz-gguf", ["GGUF", "Tokenization", "Inference"]),
        fuzzTarget("fuzz-sentencepiece", ["GGUF", "Tokenization"]),
        fuzzTarget("fuzz-bpe", ["GGUF", "Tokenization"]),
        fuzzTarget("fuzz-chat-template", ["Inference"]),
        fuzzTarget("fuzz-deid", ["Deidentification"]),
    ]
)
