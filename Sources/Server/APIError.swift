import Foundation
import HTTPTypes
import Hummingbird

/// An error answer in the OpenAI shape, `{"error": {"message", "type", "param", "code"}}`, which OpenAI client
/// libraries read and raise as their own exceptions. Messages name fields and sizes, never request text.
public struct APIError: HTTPResponseError, Equatable {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    /// The request field at fault, when there is one.
    public var param: String?
    /// Extra headers (`Retry-After` on 503, `WWW-Authenticate` on 401).
    public var headers: [HTTPField.Name: String] = [:]

    struct Body: Codable {
        struct Detail: Codable {
            let message: String
            let type: String
            let param: String?
            let code: Int
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(message: message, type: type, param: param, code: Int(status.code)))
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers { fields[name] = value }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try WireJSON.compact(body))))
    }

    public static func badRequest(_ message: String, param: String? = nil) -> APIError {
        APIError(status: .badRequest, message: message, type: "invalid_request_error", param: param)
    }

    public static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, message: message, type: "not_found_error")
    }

    public static let unauthorized = APIError(
        status: .unauthorized, message: "missing or wrong bearer token (Authorization: Bearer <api key>)",
        type: "authentication_error", headers: [.wwwAuthenticate: "Bearer"])

    /// The model's queue is full: try again after about the time the waiting requests take.
    public static func busy(queued: Int, retryAfterSeconds: Int) -> APIError {
        APIError(status: .serviceUnavailable, message: "the model is busy (\(queued) requests waiting); retry later",
                 type: "server_busy", headers: [.retryAfter: String(retryAfterSeconds)])
    }

    public static func tooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, message: "request body over the limit of \(limit) bytes", type: "invalid_request_error")
    }

    public static let shuttingDown = APIError(status: .serviceUnavailable, message: "the server is shutting down",
                                              type: "server_shutting_down", headers: [.retryAfter: "5"])
}

/// Encoders shared by every answer, so that a task's JSON is byte for byte what `vellum ... --json` prints.
enum WireJSON {
    static func compact(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }
}
