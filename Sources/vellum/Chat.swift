import ArgumentParser
import Foundation
import Inference

struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk with a model turn by turn; the KV cache is kept between turns.",
        discussion: "Type a message and press return; an empty line or end of input (Ctrl-D) ends the chat.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var samplingOptions: SamplingOptions
    @Option(help: "System message.")
    var system: String?
    @Option(name: [.customShort("n"), .customLong("max-tokens")], help: "Most tokens per reply.")
    var maxTokens: Int = 512

    func run() throws {
        let model = try modelOptions.load()
        guard let (format, defaultSystem) = ChatFormat.detect(in: model.file) else {
            throw ValidationError("this model has no chat template (a base model); use `vellum generate`")
        }
        let session = Session(model: model, contextLength: modelOptions.context, threads: modelOptions.threads)
        var messages: [ChatMessage] = system.map { [ChatMessage(role: .system, content: $0)] } ?? []
        printError("chatting with \(model.name) (\(format.rawValue)); empty line to quit")
        while true {
            FileHandle.standardError.write(Data("> ".utf8))
            guard let line = readLine(), !line.trimmingCharacters(in: .whitespaces).isEmpty else { break }
            messages.append(ChatMessage(role: .user, content: line))
            // The rendered conversation starts with everything already in the cache, so only the new
            // turn is evaluated.
            let prompt = model.tokenizer.encode(format.render(messages, defaultSystem: defaultSystem),
                                                addBOS: nil, parseSpecial: true)
            let available = session.contextLength - prompt.count
            guard available > 0 else {
                printError("the conversation no longer fits in the context of \(session.contextLength) tokens; start a new chat or raise --context")
                break
            }
            let options = GenerationOptions(maxTokens: min(maxTokens, available),
                                            sampling: samplingOptions.parameters, stopStrings: samplingOptions.stop)
            let result = try session.generate(prompt: prompt, options: options, onText: { piece in
                writeOut(piece)
                return true
            })
            writeOut("\n")
            printError(String(format: "[%d new prompt tokens at %.1f t/s, %d generated at %.1f t/s]",
                              result.promptTokensEvaluated, result.promptTokensPerSecond,
                              result.ids.count, result.generationTokensPerSecond))
            messages.append(ChatMessage(role: .assistant, content: result.text))
        }
    }
}
