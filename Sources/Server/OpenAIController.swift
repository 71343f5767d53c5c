import Foundation
import HTTPTypes
import Hummingbird
import Inference
import ModelService

/// `/v1/models`, `/v1/completions` and `/v1/chat/completions` in OpenAI's shape, on the shared model.
struct OpenAIController: Sendable {
    let gateway: GenerationGateway
    let modelName: String
    let maxBodyBytes: Int
    /// When the server started: the `created` time of its one model.
    let started = Int(Date().timeIntervalSince1970)

    func register(on router: Router<ServerContext>) {
        router.get("/v1/models") { _, _ -> Response in
            try JSONBody.response(ModelList(data: [.init(id: modelName, created: started)]))
        }
        router.post("/v1/chat/completions") { request, context in try await chat(request, context: context) }
        router.post("/v1/completions") { request, context in try await complete(request, context: context) }
    }

    private func chat(_ request: Request, context: ServerContext) async throws -> Response {
        var request = request
        let body = try await request.decodeJSON(ChatCompletionRequest.self, limit: maxBodyBytes)
        let fields = try await request.decodeJSON(SamplingFields.self, limit: maxBodyBytes)
        guard !body.messages.isEmpty else { throw APIError.badRequest("messages: must not be empty", param: "messages") }
        let prompt: [Int32]
        do {
            prompt = try gateway.service.chatPrompt(body.messages)
        } catch {
            throw APIError.badRequest("model \(modelName) has no chat template: use /v1/completions", param: "messages")
        }
        let options = try fields.generationOptions(promptTokens: prompt.count, contextLength: gateway.service.contextLength)
        let stream = try gateway.start(prompt: prompt, options: options, connection: context.channel)
        let id = "chatcmpl-" + UUID().uuidString.lowercased()
        let created = Int(Date().timeIntervalSince1970)
        let route = "chat.completions"
        if fields.stream == true {
            let includeUsage = fields.stream_options?.include_usage == true
            return streamed(stream, route: route, context: context) { piece in
                ChatCompletionChunk(id: id, created: created, model: modelName,
                                    choices: [.init(index: 0, delta: .init(role: "assistant", content: piece), finish_reason: nil)], usage: nil)
            } closing: { result in
                var chunks = [ChatCompletionChunk(id: id, created: created, model: modelName,
                                                  choices: [.init(index: 0, delta: .init(role: nil, content: nil),
                                                                  finish_reason: result.stopReason.finishReason)], usage: nil)]
                if includeUsage {
                    chunks.append(ChatCompletionChunk(id: id, created: created, model: modelName, choices: [],
                                                      usage: Usage(prompt: result.promptTokens, completion: result.ids.count)))
                }
                return chunks
            }
        }
        let result = try await wholeResult(of: stream, route: route, context: context)
        return try JSONBody.response(ChatCompletion(
            id: id, created: created, model: modelName,
            choices: [.init(index: 0, message: ChatMessage(role: .assistant, content: result.text), finish_reason: result.stopReason.finishReason)],
            usage: Usage(prompt: result.promptTokens, completion: result.ids.count)))
    }

    private func complete(_ request: Request, context: ServerContext) async throws -> Response {
        var request = request
        let body = try await request.decodeJSON(CompletionRequest.self, limit: maxBodyBytes)
        let fields = try await request.decodeJSON(SamplingFields.self, limit: maxBodyBytes)
        let prompt = gateway.service.tokenize(body.prompt)
        let options = try fields.generationOptions(promptTokens: prompt.count, contextLength: gateway.service.contextLength)
        let stream = try gateway.start(prompt: prompt, options: options, connection: context.channel)
        let id = "cmpl-" + UUID().uuidString.lowercased()
        let created = Int(Date().timeIntervalSince1970)
        let route = "completions"
        if fields.stream == true {
            let includeUsage = fields.stream_options?.include_usage == true
            return streamed(stream, route: route, context: context) { piece in
                TextCompletion(id: id, created: created, model: modelName, choices: [.init(index: 0, text: piece, finish_reason: nil)], usage: nil)
            } closing: { result in
                [TextCompletion(id: id, created: created, model: modelName,
                                choices: [.init(index: 0, text: "", finish_reason: result.stopReason.finishReason)],
                                usage: includeUsage ? Usage(prompt: result.promptTokens, completion: result.ids.count) : nil)]
            }
        }
        let result = try await wholeResult(of: stream, route: route, context: context)
        return try JSONBody.response(TextCompletion(
            id: id, created: created, model: modelName,
            choices: [.init(index: 0, text: result.text, finish_reason: result.stopReason.finishReason)],
            usage: Usage(prompt: result.promptTokens, completion: result.ids.count)))
    }

    private func wholeResult(of stream: GenerationStream, route: String, context: ServerContext) async throws -> GenerationResult {
        do {
            let result = try await stream.result
            gateway.finished(result, route: route, logger: context.logger)
            return result
        } catch {
            gateway.failed(error, route: route, logger: context.logger)
            throw APIError(status: .internalServerError, message: "generation failed: \(error)", type: "server_error")
        }
    }

    /// The generation as server-sent events: one `piece` event per text piece as the model releases it, the
    /// `closing` events with the finish reason (and usage), then `[DONE]`. A failed write (the client has gone)
    /// ends the loop, which releases the stream and so cancels the generation at its next token.
    private func streamed<Chunk: Encodable>(
        _ stream: GenerationStream, route: String, context: ServerContext,
        piece: @escaping @Sendable (String) -> Chunk, closing: @escaping @Sendable (GenerationResult) -> [Chunk]
    ) -> Response {
        let gateway = self.gateway
        let logger = context.logger
        return Response(status: .ok, headers: ServerSentEvents.headers, body: ResponseBody { writer in
            var events = stream.makeAsyncIterator()
            var counted = false
            do {
                while true {
                    let event: GenerationEvent?
                    do {
                        event = try await events.next()
                    } catch {
                        gateway.failed(error, route: route, logger: logger)
                        let failure = APIError.Body(error: .init(message: "generation ended: \(error)", type: "server_error", param: nil, code: 500))
                        try await writer.write(try ServerSentEvents.event(failure))
                        break
                    }
                    guard let event else {
                        try await writer.write(ServerSentEvents.done)
                        break
                    }
                    switch event {
                    case .text(let text):
                        try await writer.write(try ServerSentEvents.event(piece(text)))
                    case .finished(let result):
                        gateway.finished(result, route: route, logger: logger)
                        counted = true
                        for chunk in closing(result) { try await writer.write(try ServerSentEvents.event(chunk)) }
                    }
                }
            } catch {
                // A write failed: the client has gone. Stop the model at its next token, and count how it ended.
                stream.cancel()
                if !counted {
                    do { gateway.finished(try await stream.result, route: route, logger: logger) } catch { gateway.failed(error, route: route, logger: logger) }
                }
                throw error
            }
            try await writer.finish(nil)
        })
    }
}

/// A JSON answer with status 200.
enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try response(data: WireJSON.compact(value), status: status)
    }

    static func response(data: Data, status: HTTPResponse.Status = .ok) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
