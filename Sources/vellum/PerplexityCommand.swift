import ArgumentParser
import Foundation
import Inference

struct PerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Measure a model's perplexity on a text file, as llama-perplexity does.",
        discussion: """
            The text is cut into non-overlapping windows of --context tokens, each evaluated from an empty cache \
            (its first token replaced by BOS when the model adds one) and scored on its second half. Use the same \
            --context as llama-perplexity's -c to compare (512 is usual; the default is the KV cache size every \
            command uses). The file needs at least two windows of tokens. A public-domain text of 21-23k tokens \
            ships in Benchmarks/Texts/.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Score only the first N windows (llama-perplexity's --chunks; default: all).")
    var chunks: Int?
    @Flag(help: "Print {\"perplexity\": x, \"tokens\": n} on stdout, n being the tokens scored.")
    var json = false
    @Argument(help: "The text file (UTF-8).")
    var file: String

    struct Output: Encodable {
        let perplexity: Double
        let tokens: Int
    }

    func validate() throws {
        if let chunks, chunks < 1 { throw ValidationError("--chunks must be at least 1") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read \(file)") }
        guard var text = String(data: data, encoding: .utf8) else { throw CommandError("\(file) is not UTF-8 text") }
        // llama.cpp's -f drops one trailing newline of the file.
        if text.hasSuffix("\n") { text.removeLast() }
        let model = try modelOptions.load()
        let result = try Perplexity.measure(model: model, text: text, context: modelOptions.context, maxWindows: chunks,
                                            threads: modelOptions.threads) { done, total, perplexity in
            printError(String(format: "[%d/%d] %.4f", done, total, perplexity))
        }
        if json {
            try printJSON(Output(perplexity: result.perplexity, tokens: result.scoredTokens))
        } else {
            print(String(format: "perplexity %.4f over %d scored tokens (%d windows of %d; %d tokens in the text)",
                         result.perplexity, result.scoredTokens, result.windows, modelOptions.context, result.textTokens))
        }
    }
}
