import Foundation
import HTTPTypes
import Hummingbird

/// Server-sent events (text/event-stream): each event is `data: <one line of JSON>` and a blank line, optionally
/// after an `event: <name>` line. The OpenAI stream ends with the literal `data: [DONE]`.
enum ServerSentEvents {
    static var headers: HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "text/event-stream"
        fields[.cacheControl] = "no-cache"
        return fields
    }

    static func event(_ value: some Encodable, name: String? = nil) throws -> ByteBuffer {
        var text = name.map { "event: \($0)\n" } ?? ""
        // Compact JSON escapes every newline inside strings, so the payload is one line as the format needs.
        text += "data: " + String(decoding: try WireJSON.compact(value), as: UTF8.self) + "\n\n"
        return ByteBuffer(string: text)
    }

    static let done = ByteBuffer(string: "data: [DONE]\n\n")
}
