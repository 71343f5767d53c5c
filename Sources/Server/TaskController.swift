import DraftStore
import Drafting
import Foundation
import HTTPTypes
import Hummingbird
import ModelService

/// `POST /api/tasks/<name>`: the task's `--json` output. `POST /api/tasks/<name>/stream`: server-sent events,
/// `progress` ({"done", "total"}) as the task's steps finish, `text` ({"piece"}, and {"started": true} when a new
/// generation begins) as the model writes, de-identified and unchecked, then `result` ({"result", "highlights",
/// "text"}: the restored, checked draft that replaces the streamed text) or `error`. `GET /api/tasks`: the names
/// and summaries.
struct TaskController: Sendable {
    let tasks: [TaskEndpoint]
    let environment: TaskEnvironment
    let statistics: ServerStatistics
    let maxBodyBytes: Int

    struct Listing: Encodable {
        let name: String
        let summary: String
    }

    struct ProgressEvent: Encodable {
        let done: Int
        let total: Int
    }

    struct TextEvent: Encodable {
        var started: Bool?
        var piece: String?
    }

    /// The workspace's result event: the task JSON as it is, plus what to mark in which text.
    struct ResultEvent: Encodable {
        let result: JSONValue
        let highlights: [Highlight]
        let text: String
    }

    func register(on router: Router<ServerContext>) {
        router.get("/api/tasks") { _, _ in
            try JSONBody.response(tasks.map { Listing(name: $0.name, summary: $0.summary) })
        }
        for task in tasks {
            router.post(RouterPath("/api/tasks/" + task.name)) { request, context -> Response in
                var request = request
                let body = try await request.decodeJSON(TaskRequest.self, limit: maxBodyBytes)
                let output = try await run(task, body, environment, context: context, progress: { _, _ in })
                return JSONBody.response(data: output.json)
            }
            router.post(RouterPath("/api/tasks/" + task.name + "/stream")) { request, context -> Response in
                var request = request
                let body = try await request.decodeJSON(TaskRequest.self, limit: maxBodyBytes)
                return streamed(task, body, context: context)
            }
        }
    }

    /// Runs `task` in a child task that the connection's closing cancels (its queued or running generation with it).
    private func run(_ task: TaskEndpoint, _ body: TaskRequest, _ environment: TaskEnvironment, context: ServerContext,
                     progress: @escaping TaskEndpoint.Progress) async throws -> TaskOutput {
        let work = Task { try await task.run(body, environment, progress) }
        context.channel.closeFuture.whenComplete { _ in work.cancel() }
        let started = Date()
        do {
            let output = try await work.value
            context.logger.info("task \(task.name): \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            return output
        } catch {
            context.logger.info("task \(task.name) failed: \(String(describing: type(of: error)))")
            throw apiError(error)
        }
    }

    private func streamed(_ task: TaskEndpoint, _ body: TaskRequest, context: ServerContext) -> Response {
        let (events, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let progress: TaskEndpoint.Progress = { done, total in
            if let event = try? ServerSentEvents.event(ProgressEvent(done: done, total: total), name: "progress") {
                continuation.yield(event)
            }
        }
        let streaming = environment.streaming { event in
            let text = switch event {
            case .started: TextEvent(started: true)
            case .text(let piece): TextEvent(piece: piece)
            }
            if let event = try? ServerSentEvents.event(text, name: "text") { continuation.yield(event) }
        }
        let runner = Task {
            do {
                let output = try await run(task, body, streaming, context: context, progress: progress)
                let result = try JSONDecoder().decode(JSONValue.self, from: output.json)
                continuation.yield(try ServerSentEvents.event(ResultEvent(result: result, highlights: output.highlights,
                                                                          text: output.highlightedText), name: "result"))
            } catch {
                let failure = apiError(error)
                let body = APIError.Body(error: .init(message: failure.message, type: failure.type, param: failure.param,
                                                      code: Int(failure.status.code)))
                if let event = try? ServerSentEvents.event(body, name: "error") { continuation.yield(event) }
            }
            continuation.finish()
        }
        return Response(status: .ok, headers: ServerSentEvents.headers, body: ResponseBody { writer in
            do {
                for await event in events { try await writer.write(event) }
            } catch {
                runner.cancel()
                throw error
            }
            try await writer.finish(nil)
        })
    }

    /// The HTTP answer for an error from a task: bad input 400, a full queue 503, a cancelled task 499, and the
    /// store's answers. Messages come from the layers below, which never quote patient text.
    private func apiError(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case ModelServiceError.queueFull(let length):
            statistics.recordRefused()
            return APIError.busy(queued: length, retryAfterSeconds: statistics.retryAfter(queued: length + 1))
        case ModelServiceError.shutDown: return APIError.shuttingDown
        case let error as DraftingError: return APIError.badRequest(error.description)
        case is CancellationError:
            return APIError(status: .init(code: 499, reasonPhrase: "Client Closed Request"), message: "cancelled", type: "cancelled")
        default: return APIError.from(error)
        }
    }
}

extension APIError {
    /// The HTTP answer for an error from the drafts store (a missing draft 404, a draft in the wrong state 409),
    /// or 500 naming only the error's type for anything else.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as DraftStoreError:
            switch error {
            case .notADraftID: return APIError.badRequest(error.description, param: "id")
            case .unknownDraft: return APIError.notFound(error.description)
            case .alreadySigned, .closed, .versionChanged, .notSigned:
                return APIError(status: .conflict, message: error.description, type: "conflict")
            case .emptyName: return APIError.badRequest(error.description)
            default: return APIError(status: .internalServerError, message: error.description, type: "server_error")
            }
        case let error as DraftingError:
            guard case .input(let source, _) = error else { fallthrough }
            return APIError.badRequest(error.description, param: source)
        default:
            return APIError(status: .internalServerError, message: "internal error (\(String(describing: Swift.type(of: error))))", type: "server_error")
        }
    }
}
