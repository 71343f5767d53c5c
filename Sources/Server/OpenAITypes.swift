import Foundation
import Inference

// The OpenAI wire format, as far as Vellum serves it. Field names are OpenAI's (snake_case) so that existing
// clients work unchanged; fields Vellum does not implement are ignored, as OpenAI's own server ignores unknown ones.

/// `stop`: one string or a list of them.
struct StopSequences: Decodable {
    let values: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            values = [one]
        } else {
            values = try container.decode([String].self)
        }
    }
}

/// Any JSON value: a `response_format` schema is passed on to the schema compiler as it came.
enum JSONValue: Codable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers stay integers: a schema's "minimum": 1 must not become 1.0 for the compiler.
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// `response_format`: `{"type": "text"}`, `{"type": "json_object"}` or
/// `{"type": "json_schema", "json_schema": {"name": ..., "schema": {...}}}`.
struct ResponseFormat: Decodable {
    struct SchemaSpec: Decodable {
        let name: String?
        let schema: JSONValue?
    }
    let type: String
    let json_schema: SchemaSpec?

    /// The grammar that keeps the output to this format, or nil for plain text.
    func grammar() throws -> Grammar? {
        switch type {
        case "text": return nil
        case "json_object": return try compile(.object(["type": .string("object")]), field: "response_format")
        case "json_schema":
            guard let schema = json_schema?.schema else {
                throw APIError.badRequest("response_format.json_schema.schema: required for type json_schema",
                                          param: "response_format.json_schema.schema")
            }
            return try compile(schema, field: "response_format.json_schema.schema")
        default:
            throw APIError.badRequest("response_format.type: expected text, json_object or json_schema", param: "response_format.type")
        }
    }

    private func compile(_ schema: JSONValue, field: String) throws -> Grammar {
        let text = String(decoding: try WireJSON.compact(schema), as: UTF8.self)
        do {
            return try Grammar(jsonSchema: text)
        } catch {
            throw APIError.badRequest("\(field): \(error)", param: field)
        }
    }
}

struct StreamOptions: Decodable {
    let include_usage: Bool?
}

/// What the two generation endpoints share.
struct SamplingFields: Decodable {
    let temperature: Float?
    let top_p: Float?
    let max_tokens: Int?
    let max_completion_tokens: Int?
    let stop: StopSequences?
    let seed: UInt64?
    let response_format: ResponseFormat?
    let stream: Bool?
    let stream_options: StreamOptions?

    /// Engine options for a prompt of `promptTokens` in a context of `contextLength`. Defaults are OpenAI's
    /// (temperature 1, top_p 1, no top-k or min-p), so a client gets the distribution it asked for.
    func generationOptions(promptTokens: Int, contextLength: Int) throws -> GenerationOptions {
        let temperature = self.temperature ?? 1
        guard temperature >= 0 && temperature <= 2 else { throw APIError.badRequest("temperature: must be between 0 and 2", param: "temperature") }
        let topP = top_p ?? 1
        guard topP > 0 && topP <= 1 else { throw APIError.badRequest("top_p: must be in (0, 1]", param: "top_p") }
        let room = contextLength - promptTokens
        guard room > 0 else {
            throw APIError.badRequest("the prompt is \(promptTokens) tokens; the context holds \(contextLength)", param: "messages")
        }
        var maxTokens = room
        if let requested = max_completion_tokens ?? max_tokens {
            let field = max_completion_tokens != nil ? "max_completion_tokens" : "max_tokens"
            guard requested >= 1 else { throw APIError.badRequest("\(field): must be at least 1", param: field) }
            maxTokens = min(requested, room)
        }
        let stopStrings = stop?.values ?? []
        guard stopStrings.count <= 4, !stopStrings.contains("") else {
            throw APIError.badRequest("stop: at most 4 non-empty strings", param: "stop")
        }
        let sampling = SamplingParameters(temperature: temperature, topK: 0, topP: topP, minP: 0, repetitionPenalty: 1,
                                          repetitionWindow: 0, seed: seed ?? UInt64.random(in: 0...UInt64.max))
        return GenerationOptions(maxTokens: maxTokens, sampling: sampling, stopStrings: stopStrings,
                                 grammar: try response_format?.grammar())
    }
}

struct ChatCompletionRequest: Decodable {
    let model: String?
    let messages: [ChatMessage]
}

struct CompletionRequest: Decodable {
    let model: String?
    let prompt: String
}

struct Usage: Codable, Equatable {
    let prompt_tokens: Int
    let completion_tokens: Int
    let total_tokens: Int

    init(prompt: Int, completion: Int) {
        prompt_tokens = prompt
        completion_tokens = completion
        total_tokens = prompt + completion
    }
}

struct ChatCompletion: Encodable {
    struct Choice: Encodable {
        let index: Int
        let message: ChatMessage
        let finish_reason: String
    }
    let id: String
    let object = "chat.completion"
    let created: Int
    let model: String
    let choices: [Choice]
    let usage: Usage
}

struct ChatCompletionChunk: Encodable {
    struct Delta: Encodable {
        let role: String?
        let content: String?
    }
    struct Choice: Encodable {
        let index: Int
        let delta: Delta
        let finish_reason: String?
    }
    let id: String
    let object = "chat.completion.chunk"
    let created: Int
    let model: String
    let choices: [Choice]
    let usage: Usage?
}

struct TextCompletion: Encodable {
    struct Choice: Encodable {
        let index: Int
        let text: String
        let finish_reason: String?
    }
    let id: String
    let object = "text_completion"
    let created: Int
    let model: String
    let choices: [Choice]
    let usage: Usage?
}

struct ModelList: Encodable {
    struct Model: Encodable {
        let id: String
        let object = "model"
        let created: Int
        let owned_by = "vellum"
    }
    let object = "list"
    let data: [Model]
}

extension StopReason {
    /// OpenAI's `finish_reason`: "length" when the token budget or the context ran out, else "stop".
    var finishReason: String {
        switch self {
        case .maxTokens, .contextFull: return "length"
        case .endOfGeneration, .stopString, .cancelled, .repetition, .noAllowedToken: return "stop"
        }
    }
}
