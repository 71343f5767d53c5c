import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import ModelService
import VellumServer
import XCTest

/// The OpenAI-compatible routes through Hummingbird's router test framework, on SmolLM2 with a few tokens.
final class OpenAIEndpointTests: XCTestCase {
    private let question = #"{"role": "user", "content": "Name three colours."}"#

    func testChatCompletionIsWhatASessionGeneratesAndCountsUsage() async throws {
        let server = try ServerFixtures.server()
        let service = server.environment.service
        let prompt = try service.chatPrompt([ChatMessage(role: .user, content: "Name three colours.")])
        // The reference: a fresh session, greedy, the same budget.
        let session = Session(model: service.model, contextLength: 1024, threads: 2)
        let reference = try session.generate(prompt: prompt, options: GenerationOptions(maxTokens: 6, sampling: .greedy)) { _ in true }
        let body = #"{"model": "smollm2-135m-instruct", "messages": [\#(question)], "max_tokens": 6, "temperature": 0}"#
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(json: body)) { response in
                XCTAssertEqual(response.status, .ok)
                let answer = try object(response.body)
                XCTAssertEqual(answer["object"] as? String, "chat.completion")
                let choice = try XCTUnwrap((answer["choices"] as? [[String: Any]])?.first)
                let message = try XCTUnwrap(choice["message"] as? [String: Any])
                XCTAssertEqual(message["content"] as? String, reference.text)
                XCTAssertEqual(choice["finish_reason"] as? String, reference.stopReason == .maxTokens ? "length" : "stop")
                let usage = try XCTUnwrap(answer["usage"] as? [String: Int])
                XCTAssertEqual(usage["prompt_tokens"], prompt.count)
                XCTAssertEqual(usage["completion_tokens"], reference.ids.count)
                XCTAssertEqual(usage["total_tokens"], prompt.count + reference.ids.count)
            }
        }
    }

    func testStreamIsServerSentEventsEndingInDone() async throws {
        let server = try ServerFixtures.server()
        let plain = #"{"messages": [\#(question)], "max_tokens": 6, "temperature": 0}"#
        let streamed = #"{"messages": [\#(question)], "max_tokens": 6, "temperature": 0, "stream": true, "stream_options": {"include_usage": true}}"#
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            let whole = try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(json: plain)) { response in
                try object(response.body)
            }
            let expected = try XCTUnwrap(((whole["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String)
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(json: streamed)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], "text/event-stream")
                let text = response.body.text
                XCTAssertTrue(text.hasSuffix("\n\n"), "every event ends with a blank line")
                let events = text.dropLast(2).components(separatedBy: "\n\n")
                XCTAssertEqual(events.last, "data: [DONE]")
                var content = "", finishReasons: [String] = [], usage: [String: Int]?
                for event in events.dropLast() {
                    XCTAssertTrue(event.hasPrefix("data: "), "event \(event.debugDescription)")
                    XCTAssertFalse(event.contains("\n"), "one data line per event")
                    let chunk = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any])
                    XCTAssertEqual(chunk["object"] as? String, "chat.completion.chunk")
                    for choice in chunk["choices"] as? [[String: Any]] ?? [] {
                        content += (choice["delta"] as? [String: Any])?["content"] as? String ?? ""
                        if let reason = choice["finish_reason"] as? String { finishReasons.append(reason) }
                    }
                    if let found = chunk["usage"] as? [String: Int] { usage = found }
                }
                XCTAssertEqual(content, expected, "the pieces add up to the whole answer")
                XCTAssertEqual(finishReasons.count, 1)
                XCTAssertEqual(usage?["total_tokens"], (whole["usage"] as? [String: Int])?["total_tokens"])
            }
        }
    }

    func testJSONSchemaResponseFormatConstrainsTheAnswer() async throws {
        let server = try ServerFixtures.server()
        let schema = #"{"type": "object", "properties": {"answer": {"type": "string", "enum": ["yes", "no"]}}, "required": ["answer"], "additionalProperties": false}"#
        let body = #"{"messages": [{"role": "user", "content": "Is the sky blue? Answer in JSON."}], "max_tokens": 40, "temperature": 0, "#
            + #""response_format": {"type": "json_schema", "json_schema": {"name": "verdict", "schema": \#(schema)}}}"#
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(json: body)) { response in
                XCTAssertEqual(response.status, .ok)
                let answer = try object(response.body)
                let content = try XCTUnwrap(((answer["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String)
                let verdict = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: String])
                XCTAssertEqual(Set(verdict.keys), ["answer"])
                XCTAssertTrue(["yes", "no"].contains(verdict["answer"] ?? ""))
            }
        }
    }

    func testBearerTokenGuardsEveryRouteButHealth() async throws {
        let server = try ServerFixtures.server(apiKey: "s3cret-key")
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { XCTAssertEqual($0.status, .ok) }
            for path in ["/v1/models", "/api/drafts", "/"] {
                try await client.execute(uri: path, method: .get) { response in
                    XCTAssertEqual(response.status, .unauthorized, path)
                    XCTAssertEqual(response.headers[.wwwAuthenticate], "Bearer")
                }
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer s3cret-kez"]) {
                XCTAssertEqual($0.status, .unauthorized)
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer s3cret-key"]) { response in
                XCTAssertEqual(response.status, .ok)
                let models = try XCTUnwrap(try object(response.body)["data"] as? [[String: Any]])
                XCTAssertEqual(models.first?["id"] as? String, "smollm2-135m-instruct")
            }
        }
    }

    func testBodyOverTheLimitIs413() async throws {
        let server = try ServerFixtures.server(maxBodyBytes: 1_000)
        let body = #"{"messages": [{"role": "user", "content": ""# + String(repeating: "a", count: 2_000) + #""}]}"#
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(json: body)) { response in
                XCTAssertEqual(response.status, .contentTooLarge)
                let error = try XCTUnwrap(try object(response.body)["error"] as? [String: Any])
                XCTAssertEqual(error["message"] as? String, "request body over the limit of 1000 bytes")
            }
        }
    }

    func testMalformedJSONIs400NamingTheField() async throws {
        let server = try ServerFixtures.server()
        let cases: [(body: String, param: String?, message: String)] = [
            (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "doctor", "content": "x"}]}"#, "messages[1].role", "messages[1].role"),
            (#"{"messages": 5}"#, "messages", "messages: expected an array"),
            (#"{"prompt": "x"}"#, "messages", "messages: required field missing"),
            (#"{"messages": [{"role": "user", "content": "hi"}], "max_tokens": "ten"}"#, "max_tokens", "max_tokens: expected an integer"),
            (#"{"messages": [{"role": "user", "content": "hi"}], "top_p": 0}"#, "top_p", "top_p: must be in (0, 1]"),
            (#"{"messages": [{"role": "us"#, nil, "body is not valid JSON"),
        ]
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            for (body, param, message) in cases {
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(json: body)) { response in
                    XCTAssertEqual(response.status, .badRequest, body)
                    let error = try XCTUnwrap(try object(response.body)["error"] as? [String: Any])
                    XCTAssertEqual(error["param"] as? String, param, body)
                    XCTAssertTrue((error["message"] as? String ?? "").hasPrefix(message), "\(error["message"] ?? "") for \(body)")
                }
            }
        }
    }

    func testFullQueueIs503WithRetryAfter() async throws {
        // Room for one waiting request: the model held busy and one call waiting fill it.
        let server = try ServerFixtures.server(queueCapacity: 1)
        let service = server.environment.service
        let gate = await Gate.closing(service)
        let waiting = Task { try await service.perform { _ in } }
        while service.queueDepth < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let body = #"{"messages": [\#(question)], "max_tokens": 2}"#
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(json: body)) { response in
                XCTAssertEqual(response.status, .serviceUnavailable)
                XCTAssertNotNil(Int(response.headers[.retryAfter] ?? ""), "Retry-After is a number of seconds")
            }
            gate.open()
            // The waiting call must have left the queue before the next request, or that request finds it full.
            try await waiting.value
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(json: body)) {
                XCTAssertEqual($0.status, .ok)
            }
            try await client.execute(uri: "/health", method: .get) { response in
                let generations = try XCTUnwrap(try object(response.body)["generations"] as? [String: Any])
                XCTAssertEqual(generations["refused"] as? Int, 1)
                XCTAssertEqual(generations["completed"] as? Int, 1)
            }
        }
    }
}
