import Foundation
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

    /// The default system prompt is the first system turn whose whole text is literal: turns built from
    /// expressions and empty turns are passed over, also when several openers share one `<|im_end|>`.
    func testDefaultSystemPromptIsTheFirstLiteralSystemTurn() {
        let open = "<|im_start|>system\\n", close = "<|im_end|>"
        let cases: [(String, String?)] = [
            ("\(open)Be kind.\(close)", "Be kind."),
            ("\(open){{ tools }}\(close) \(open)Be kind.\(close)", "Be kind."),
            ("\(open)\(close)\(open)It's me.\(close)\(open)Plain.\(close)", "Plain."),
            // Three openers before one closer: the first two texts hold the brace, the third does not.
            ("\(open)a \(open)b { \(open)c\(close)", "c"),
            ("\(open)a } \(open)\(close)", nil),
            ("\(open)never closed", nil),
        ]
        for (template, expected) in cases {
            XCTAssertEqual(ChatFormat.detect(template: template)?.defaultSystem, expected, template)
        }
    }

    /// A template as large as the reader allows (1 MiB), of system openers before one far closer with an
    /// expression in front of it, is recognized in well under a second. Searching from every opener to the closer
    /// took minutes (found writing the chat-template fuzz target); the detection runs on another thread so that a
    /// regression fails here at the deadline instead of stalling the suite.
    func testHugeTemplateOfSystemOpenersIsDetectedPromptly() {
        let template = String(repeating: "<|im_start|>system\\n", count: 50_000) + "{<|im_end|>"
        XCTAssertLessThanOrEqual(template.utf8.count, 1 << 20)
        let done = expectation(description: "detected")
        let result = DetectionResult()
        Thread.detachNewThread {
            result.value = ChatFormat.detect(template: template)
            done.fulfill()
        }
        wait(for: [done], timeout: 5)
        XCTAssertEqual(result.value?.format, .chatML)
        XCTAssertNil(result.value?.defaultSystem)
    }

    private final class DetectionResult: @unchecked Sendable {
        var value: (format: ChatFormat, defaultSystem: String?)?
    }

    func testBaseModelHasNoChatFormat() throws {
        let file = try GGUFFile(path: TestModels.path("gemma-3-270m-q4_k_m.gguf"))
        XCTAssertNil(ChatFormat.detect(in: file), "gemma-3-270m is a base model without a chat template")
    }
}
