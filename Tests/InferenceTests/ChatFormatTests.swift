import GGUF
@testable import Inference
import XCTest

/// Chat prompts as the models' own templates lay them out (the expected strings are the templates' documented
/// output for one system and one user message).
final class ChatFormatTests: XCTestCase {
    let messages = [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Hi")]

    func testChatML() {
        XCTAssertEqual(ChatFormat.chatML.render(messages, defaultSystem: "ignored when a system message is given"),
                       "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    func testGemmaFoldsTheSystemMessageIntoTheFirstUserTurn() {
        XCTAssertEqual(ChatFormat.gemma.render(messages, defaultSystem: nil),
                       "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n")
    }

    func testLlama3() {
        XCTAssertEqual(ChatFormat.llama3.render(messages, defaultSystem: nil),
                       "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                       + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                       + "<|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    func testQwenTemplateIsChatMLWithItsDefaultSystemMessage() throws {
        let file = try GGUFFile(path: TestModels.path("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"))
        let detected = try XCTUnwrap(ChatFormat.detect(in: file))
        XCTAssertEqual(detected.format, .chatML)
        XCTAssertEqual(detected.defaultSystem, "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")
        XCTAssertTrue(ChatFormat.chatML.render([ChatMessage(role: .user, content: "Hi")], defaultSystem: detected.defaultSystem)
            .hasPrefix("<|im_start|>system\nYou are Qwen"))
    }

    func testBaseModelHasNoChatFormat() throws {
        let file = try GGUFFile(path: TestModels.path("gemma-3-270m-q4_k_m.gguf"))
        XCTAssertNil(ChatFormat.detect(in: file), "gemma-3-270m is a base model without a chat template")
    }
}
