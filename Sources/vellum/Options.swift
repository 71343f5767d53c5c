import ArgumentParser
import Foundation
import Inference

/// `--model` and `--threads`, shared by every command that runs a model.
struct ModelOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "A bundled model's name or the path to any GGUF file.",
        discussion: "Bundled: smollm2-135m-instruct, gemma-3-270m, qwen2.5-coder-0.5b-instruct, qwen2.5-coder-1.5b-instruct (default)."))
    var model: String?

    @Option(name: .shortAndLong, help: "Worker threads (defaults to the number of cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Context length in tokens (the KV cache size).")
    var context: Int = 4096

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
        guard context >= 16 else { throw ValidationError("--context must be at least 16") }
    }

    /// The GGUF path `--model` names (or the catalog's default model).
    func resolvedPath() throws -> String {
        let catalog = ModelCatalog()
        guard let name = model ?? catalog.defaultModel else {
            throw ValidationError("no --model given and no models/manifest.json found to pick the default")
        }
        return try catalog.resolve(name)
    }

    func load() throws -> LanguageModel {
        try LanguageModel(path: resolvedPath())
    }
}

/// Sampling flags shared by `generate` and `chat`.
struct SamplingOptions: ParsableArguments {
    @Option(help: "Sampling temperature; 0 picks the most likely token every time (greedy).")
    var temperature: Float = 0
    @Option(name: .customLong("top-k"), help: "Keep only the k most likely tokens (0: off).")
    var topK: Int = 40
    @Option(name: .customLong("top-p"), help: "Keep the smallest set of tokens whose probability reaches p (1: off).")
    var topP: Float = 0.95
    @Option(name: .customLong("min-p"), help: "Drop tokens less likely than p times the most likely one (0: off).")
    var minP: Float = 0.05
    @Option(name: .customLong("repeat-penalty"), help: "Penalty on tokens seen in the last --repeat-last-n tokens (1: off).")
    var repeatPenalty: Float = 1
    @Option(name: .customLong("repeat-last-n"), help: "How many recent tokens the repetition penalty looks at.")
    var repeatLastN: Int = 64
    @Option(help: "Random seed; the same seed and settings repeat a run exactly.")
    var seed: UInt64 = 42
    @Option(name: .customLong("stop"), help: "Stop before this text (repeatable).")
    var stop: [String] = []

    func validate() throws {
        guard temperature >= 0 else { throw ValidationError("--temperature must be 0 or more") }
        guard topK >= 0 else { throw ValidationError("--top-k must be 0 or more") }
        guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1]") }
        guard minP >= 0 && minP < 1 else { throw ValidationError("--min-p must be in [0, 1)") }
        guard repeatPenalty > 0 else { throw ValidationError("--repeat-penalty must be positive") }
        guard repeatLastN >= 0 else { throw ValidationError("--repeat-last-n must be 0 or more") }
    }

    var parameters: SamplingParameters {
        SamplingParameters(temperature: temperature, topK: topK, topP: topP, minP: minP,
                           repetitionPenalty: repeatPenalty, repetitionWindow: repeatLastN, seed: seed)
    }
}

/// Prints to standard error (progress and timings never mix with the generated text on stdout).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes text to stdout immediately (token streaming).
func writeOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Encodes `value` as one line of JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A failure to report on stderr with a non-zero exit; the message names files and offsets, not text.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
