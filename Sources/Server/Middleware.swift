import Foundation
import HTTPTypes
import Hummingbird

/// With an API key set, every route but `/health` needs `Authorization: Bearer <key>` (401 otherwise). The
/// comparison takes the same time wherever the first difference is, so the key cannot be guessed byte by byte.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let apiKey: String

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard request.uri.path == "/health" || Self.matches(request.headers[.authorization], key: apiKey) else {
            throw APIError.unauthorized
        }
        return try await next(request, context)
    }

    static func matches(_ header: String?, key: String) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.dropFirst("Bearer ".count).utf8), expected = Array(key.utf8)
        var difference = given.count ^ expected.count
        for index in expected.indices { difference |= Int(expected[index] ^ (index < given.count ? given[index] : 0)) }
        return difference == 0
    }
}

/// Counts requests whose answer is still being written (a streamed body included), for graceful shutdown.
struct InFlightMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let statistics: ServerStatistics

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        statistics.requestStarted()
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            statistics.requestEnded()
            throw error
        }
        let body = response.body
        let statistics = self.statistics
        response.body = ResponseBody { writer in
            defer { statistics.requestEnded() }
            try await body.write(writer)
        }
        return response
    }
}

/// One log line per request: method, path, status and time; never a body or a query (they may hold patient text).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let started = Date()
        do {
            let response = try await next(request, context)
            log(request, status: Int(response.status.code), started: started, context: context)
            return response
        } catch let error as HTTPResponseError {
            log(request, status: Int(error.status.code), started: started, context: context)
            throw error
        }
    }

    private func log(_ request: Request, status: Int, started: Date, context: ServerContext) {
        context.logger.info("\(request.method) \(request.uri.path) \(status) \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
    }
}
