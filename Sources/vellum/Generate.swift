import ArgumentParser
import Foundation
import Inference

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a prompt, streaming tokens to stdout and speed to stderr.",
        discussion: """
            The prompt is continued as plain text; --chat wraps it in the model's own chat format instead. \
            A BOS token is added when the model's metadata asks for one, as llama.cpp does.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var samplingOptions: SamplingOptions

    @Option(name: .shortAndLong, help: "The prompt text (or use --prompt-file).")
    var prompt: String?
    @Option(name: .customLong("prompt-file"), help: "Read the prompt from this file.")
    var promptFile: String?
    @Option(name: [.customShort("n"), .customLong("max-tokens")], help: "Most tokens to generate.")
    var maxTokens: Int = 256
    @Flag(help: "Treat the prompt as a user message in the model's chat format.")
    var chat = false
    @Option(help: "System message for --chat.")
    var system: String?
    @Flag(help: "Print one JSON object (ids, text, timings) instead of streaming text.")
    var json = false
    @Option(name: .customLong("grammar-file"), help: "Constrain the output to this GBNF grammar (llama.cpp notation).")
    var grammarFile: String?
    @Option(name: .customLong("json-schema-file"), help: "Constrain the output to JSON valid for this schema.")
    var jsonSchemaFile: String?

    func validate() throws {
        guard (prompt == nil) != (promptFile == nil) else { throw ValidationError("give exactly one of --prompt and --prompt-file") }
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be 0 or more") }
        guard grammarFile == nil || jsonSchemaFile == nil else {
            throw ValidationError("give at most one of --grammar-file and --json-schema-file")
        }
    }

    /// The grammar of --grammar-file or --json-schema-file, read and compiled before the model is loaded.
    private func grammar() throws -> Grammar? {
        guard let path = grammarFile ?? jsonSchemaFile else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(validating: data, as: UTF8.self) else {
            throw ValidationError("cannot read \(path) as UTF-8 text")
        }
        do {
            return grammarFile != nil ? try Grammar(gbnf: text) : try Grammar(jsonSchema: text)
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }

    struct Output: Encodable {
        let model: String
        let promptIds: [Int32]
        let ids: [Int32]
        let text: String
        let stopReason: String
        let promptTokensPerSecond: Double
        let generationTokensPerSecond: Double
        let promptSeconds: Double
        let generationSeconds: Double
        let constraintSeconds: Double
        enum CodingKeys: String, CodingKey {
            case model, ids, text
            case promptIds = "prompt_ids", stopReason = "stop_reason"
            case promptTokensPerSecond = "prompt_tokens_per_second", generationTokensPerSecond = "generation_tokens_per_second"
            case promptSeconds = "prompt_seconds", generationSeconds = "generation_seconds"
            case constraintSeconds = "constraint_seconds"
        }
    }

    func run() throws {
        let text: String
        if let promptFile {
            guard let data = FileManager.default.contents(atPath: promptFile) else {
                throw ValidationError("cannot read --prompt-file \(promptFile)")
            }
            guard let decoded = String(validating: data, as: UTF8.self) else {
                throw ValidationError("--prompt-file \(promptFile) is not valid UTF-8")
            }
            text = decoded
        } else {
            text = prompt ?? ""
        }
        let grammar = try grammar()
        let model = try modelOptions.load()
        let ids = try promptTokens(text, model: model)
        let session = Session(model: model, contextLength: modelOptions.context, threads: modelOptions.threads)
        var options = GenerationOptions(maxTokens: maxTokens, sampling: samplingOptions.parameters,
                                        stopStrings: samplingOptions.stop, grammar: grammar)
        if ids.count + maxTokens > session.contextLength { options.maxTokens = max(0, session.contextLength - ids.count) }
        let result = try session.generate(prompt: ids, options: options, onText: { piece in
            if !json { writeOut(piece) }
            return true
        })
        if json {
            try printJSON(Output(
                model: model.name, promptIds: ids, ids: result.ids, text: result.text,
                stopReason: result.stopReason.rawValue,
                promptTokensPerSecond: result.promptTokensPerSecond,
                generationTokensPerSecond: result.generationTokensPerSecond,
                promptSeconds: result.promptSeconds, generationSeconds: result.generationSeconds,
                constraintSeconds: result.constraintSeconds))
        } else {
            writeOut("\n")
            printError(String(format: "prompt: %d tokens, %.1f tokens/s | generated: %d tokens, %.1f tokens/s | stop: %@",
                              ids.count, result.promptTokensPerSecond, result.ids.count,
                              result.generationTokensPerSecond, result.stopReason.rawValue))
        }
    }

    private func promptTokens(_ text: String, model: LanguageModel) throws -> [Int32] {
        guard chat else { return model.tokenizer.encode(text, addBOS: nil, parseSpecial: true) }
        guard let (format, defaultSystem) = ChatFormat.detect(in: model.file) else {
            throw ValidationError("this model has no chat template (a base model): run without --chat")
        }
        var messages = [ChatMessage(role: .user, content: text)]
        if let system { messages.insert(ChatMessage(role: .system, content: system), at: 0) }
        return model.tokenizer.encode(format.render(messages, defaultSystem: defaultSystem), addBOS: nil, parseSpecial: true)
    }
}
