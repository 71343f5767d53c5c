import GGUF

/// A chat message.
public struct ChatMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    public var role: Role
    public var content: String
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// The turn markup a model was trained with, recognized from its own `tokenizer.chat_template`.
///
/// We do not run the Jinja template; we recognize which of the few formats it implements by its markers
/// and render that format directly. A model without a template (a base model) has no chat format and is
/// used in plain completion mode.
public enum ChatFormat: String, Sendable {
    case chatML = "chatml"         // <|im_start|>role\n...<|im_end|>  (Qwen2, SmolLM2)
    case gemma = "gemma"           // <start_of_turn>user\n...<end_of_turn>  (Gemma 2/3; no system role)
    case llama3 = "llama3"         // <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>

    /// The format of `file`'s template, or nil for a model with no (or an unrecognized) template.
    public static func detect(in file: GGUFFile) -> (format: ChatFormat, defaultSystem: String?)? {
        // A string entry never throws (only arrays are decoded on lookup).
        guard let template = try? file.metadata["tokenizer.chat_template"]?.stringValue else { return nil }
        return detect(template: template)
    }

    /// The format `template` implements, or nil for a template of none of the known formats.
    public static func detect(template: String) -> (format: ChatFormat, defaultSystem: String?)? {
        if template.contains("<|im_start|>") { return (.chatML, defaultSystemPrompt(in: template)) }
        if template.contains("<start_of_turn>") { return (.gemma, nil) }
        if template.contains("<|start_header_id|>") { return (.llama3, nil) }
        return nil
    }

    /// Templates such as Qwen2.5's insert a fixed system message when the conversation has none; we do the same,
    /// so that prompts match what the model saw in training. It is the literal text between
    /// `<|im_start|>system\n` and `<|im_end|>` inside the template.
    static func defaultSystemPrompt(in template: String) -> String? {
        let opener = "<|im_start|>system\\n"
        func isExpression(_ c: Character) -> Bool { c == "{" || c == "}" || c == "'" }
        var searchFrom = template.startIndex
        var end: Range<String.Index>?
        // The template may open a system turn in several branches (Qwen2.5 has one for tool use, whose text
        // is built from expressions); the default is the first whose whole text is literal.
        //
        // One pass, so that a forged template (up to the reader's 1 MiB) costs linear time: searching from every
        // opener to its closer and through its text was quadratic, minutes for a megabyte of openers before one
        // far closer (found writing the chat-template fuzz target). Openers before the same closer share it, so a closer is
        // searched for only once the openers pass it; and a text with an expression character fails for every
        // opener before that character too, so the search resumes after it.
        while let start = template.range(of: opener, range: searchFrom..<template.endIndex) {
            searchFrom = start.upperBound
            if end.map({ $0.lowerBound < start.upperBound }) ?? true {
                end = template.range(of: "<|im_end|>", range: start.upperBound..<template.endIndex)
            }
            guard let end else { break }
            let text = template[start.upperBound..<end.lowerBound]
            guard let expression = text.lastIndex(where: isExpression) else {
                if !text.isEmpty { return String(text) }
                continue
            }
            searchFrom = template.index(after: expression)
        }
        return nil
    }

    /// The prompt text for `messages`, ending with the opening of the assistant's turn. Special markers are
    /// written as text and must be tokenized with special-token parsing on.
    public func render(_ messages: [ChatMessage], defaultSystem: String?) -> String {
        var messages = messages
        if let defaultSystem, messages.first?.role != .system, self == .chatML {
            messages.insert(ChatMessage(role: .system, content: defaultSystem), at: 0)
        }
        var out = ""
        switch self {
        case .chatML:
            for m in messages { out += "<|im_start|>\(m.role.rawValue)\n\(m.content)<|im_end|>\n" }
            out += "<|im_start|>assistant\n"
        case .gemma:
            // Gemma has no system role: its template prepends the system text to the first user turn.
            var pendingSystem: String?
            for m in messages {
                switch m.role {
                case .system: pendingSystem = m.content
                case .user:
                    let content = pendingSystem.map { "\($0)\n\n\(m.content)" } ?? m.content
                    pendingSystem = nil
                    out += "<start_of_turn>user\n\(content)<end_of_turn>\n"
                case .assistant: out += "<start_of_turn>model\n\(m.content)<end_of_turn>\n"
                }
            }
            out += "<start_of_turn>model\n"
        case .llama3:
            for m in messages {
                out += "<|start_header_id|>\(m.role.rawValue)<|end_header_id|>\n\n\(m.content)<|eot_id|>"
            }
            out += "<|start_header_id|>assistant<|end_header_id|>\n\n"
        }
        return out
    }
}
