import FuzzSupport
import Inference

/// The chat-template detector over arbitrary template text (a model file's `tokenizer.chat_template`, at most
/// 1 MiB by the reader's limit), then rendering a conversation in the detected format.
func fuzzChatTemplate(_ bytes: UnsafeRawBufferPointer) {
    let template = String(decoding: bytes, as: UTF8.self)
    guard let (format, defaultSystem) = ChatFormat.detect(template: template) else { return }
    if let defaultSystem {
        // Documented: the default system prompt is literal text of the template, non-empty, with no expression.
        fuzzCheck(format == .chatML, "a default system prompt for \(format)")
        fuzzCheck(!defaultSystem.isEmpty && template.contains(defaultSystem), "default system prompt is not template text")
        fuzzCheck(!defaultSystem.contains { "{}'".contains($0) }, "default system prompt \(defaultSystem.debugDescription) has an expression")
    }
    let conversation = [ChatMessage(role: .user, content: template), ChatMessage(role: .assistant, content: "ok"),
                        ChatMessage(role: .user, content: "next")]
    let prompt = format.render(conversation, defaultSystem: defaultSystem)
    let opener = ["chatml": "<|im_start|>assistant\n", "gemma": "<start_of_turn>model\n",
                  "llama3": "<|start_header_id|>assistant<|end_header_id|>\n\n"][format.rawValue]!
    fuzzCheck(prompt.hasSuffix(opener), "the prompt does not end by opening the assistant's turn")
}
