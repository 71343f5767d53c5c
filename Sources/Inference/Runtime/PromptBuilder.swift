/// Turns chat messages into prompt tokens with the model's own turn markup, keeping the text of the messages
/// out of special-token parsing: a record that happens to contain `<|im_start|>` or `<end_of_turn>` stays
/// text to the model and cannot open or close a turn.
public struct PromptBuilder: Sendable {
    public let model: LanguageModel
    public let format: ChatFormat?
    let defaultSystem: String?

    public init(model: LanguageModel) {
        self.model = model
        let detected = ChatFormat.detect(in: model.file)
        format = detected?.format
        defaultSystem = detected?.defaultSystem
    }

    /// The tokens of `messages`, ending with the opening of the assistant's turn, plus `assistantPrefix`
    /// (text the answer is made to start with). A model without a chat template gets the messages as plain
    /// paragraphs.
    public func tokens(_ messages: [ChatMessage], assistantPrefix: String = "") -> [Int32] {
        let tokenizer = model.tokenizer
        guard let format else {
            let text = messages.map(\.content).joined(separator: "\n\n") + "\n\n" + assistantPrefix
            return tokenizer.encode(text, addBOS: nil, parseSpecial: false)
        }
        // Render with markers in place of the contents, then encode markup (special tokens on) and contents
        // (special tokens off) piece by piece.
        let markers = messages.indices.map { "\u{E000}\($0)\u{E001}" }
        let skeleton = format.render(zip(messages, markers).map { ChatMessage(role: $0.role, content: $1) },
                                     defaultSystem: defaultSystem)
        var tokens: [Int32] = []
        var rest = Substring(skeleton)
        var first = true
        for (index, marker) in markers.enumerated() {
            guard let range = rest.range(of: marker) else { continue }
            tokens += tokenizer.encode(String(rest[..<range.lowerBound]), addBOS: first ? nil : false, parseSpecial: true)
            tokens += tokenizer.encode(messages[index].content, addBOS: false, parseSpecial: false)
            rest = rest[range.upperBound...]
            first = false
        }
        tokens += tokenizer.encode(String(rest) + assistantPrefix, addBOS: first ? nil : false, parseSpecial: true)
        return tokens
    }

    /// The text the model would see for `messages`: what tests inspect to prove no identifier reaches it.
    public func text(_ messages: [ChatMessage], assistantPrefix: String = "") -> String {
        model.tokenizer.decode(tokens(messages, assistantPrefix: assistantPrefix))
    }
}
