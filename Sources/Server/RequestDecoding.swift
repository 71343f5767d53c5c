import Foundation
import Hummingbird

extension Request {
    /// The body decoded as `T`, or an `APIError`: 413 past `limit` bytes, 400 naming the field for malformed JSON
    /// (`messages[1].role: expected one of ...`) and the byte offset for a syntax error.
    mutating func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit: limit)
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error), param: Self.fieldPath(of: error))
        }
    }

    /// `messages[1].content` from a decoding error's coding path.
    static func fieldPath(of error: DecodingError) -> String? {
        let path: [any CodingKey]
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        @unknown default: return nil
        }
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? nil : text
    }

    /// A message that names the field and what was wrong, without quoting the body (it may hold patient text).
    static func describe(_ error: DecodingError) -> String {
        let field = fieldPath(of: error) ?? "body"
        switch error {
        case .keyNotFound: return "\(field): required field missing"
        case .typeMismatch(let expected, _): return "\(field): expected \(typeName(expected))"
        case .valueNotFound(let expected, _): return "\(field): expected \(typeName(expected)), got null"
        case .dataCorrupted(let context):
            // Foundation's syntax errors carry the byte offset in the underlying error's description.
            if context.codingPath.isEmpty {
                let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return "body is not valid JSON" + (detail.map { " (\($0))" } ?? "")
            }
            // Not the decoder's own words: they quote the offending value, which may be patient text.
            return "\(field): invalid value"
        @unknown default: return "\(field): invalid"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a valid \(name)"
        }
    }
}
