import DraftStore
import Drafting
import Foundation
import HTTPTypes
import Hummingbird

/// The drafts store over HTTP, answering what `vellum drafts|show|edit|sign|discard|stats --json` print:
/// `GET /api/drafts[?status=&task=]`, `GET /api/drafts/<id>` (the latest version's findings as `highlights` too),
/// `PUT /api/drafts/<id>` {"text", "source"?} (the edit, fact-checked against the draft's input, `highlights` too),
/// `POST /api/drafts/<id>/sign` {"by", "version"?}, `POST /api/drafts/<id>/discard`, `GET /api/stats`.
struct DraftsController: Sendable {
    let store: DraftStore
    let defaultActor: String
    let maxBodyBytes: Int

    struct EditBody: Decodable {
        let text: String
        /// The record the draft was made from, to fact-check the edit against (else the kept input, if any).
        let source: String?
        let actor: String?
    }

    /// What the command line prints with `--json`, plus `highlights`: findings as UTF-16 spans of the text the
    /// page shows, so that it marks them without converting offsets itself.
    struct WithHighlights<Value: Encodable>: Encodable {
        let value: Value
        let highlights: [Highlight]

        enum Key: String, CodingKey { case highlights }

        func encode(to encoder: any Encoder) throws {
            try value.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(highlights, forKey: .highlights)
        }
    }

    struct SignBody: Decodable {
        let by: String
        let version: Int?
    }

    struct ActorBody: Decodable {
        let actor: String?
    }

    func register(on router: Router<ServerContext>) {
        router.get("/api/drafts") { request, _ -> Response in
            let status = try request.uri.queryParameters.get("status").map { try Self.parse($0, as: DraftStatus.self, field: "status") }
            let task = try request.uri.queryParameters.get("task").map { try Self.parse($0, as: DraftTask.self, field: "task") }
            return try answer { try store.list(status: status, task: task) }
        }
        router.get("/api/drafts/:id") { request, context -> Response in
            let actor = request.uri.queryParameters.get("actor") ?? defaultActor
            return try answer {
                let detail = try store.show(try Self.id(context), actor: actor)
                return WithHighlights(value: detail, highlights: Highlight.findings(detail.versions.last?.findings ?? [], in: detail.text))
            }
        }
        router.put("/api/drafts/:id") { request, context -> Response in
            var request = request
            let body = try await request.decodeJSON(EditBody.self, limit: maxBodyBytes)
            return try answer {
                let edit = try CheckedEdit.save(body.text, to: try Self.id(context), in: store, source: body.source,
                                                actor: body.actor ?? defaultActor)
                return WithHighlights(value: edit, highlights: Highlight.findings(edit.findings ?? [], in: edit.text))
            }
        }
        router.post("/api/drafts/:id/sign") { request, context -> Response in
            var request = request
            let body = try await request.decodeJSON(SignBody.self, limit: maxBodyBytes)
            return try answer { try store.sign(try Self.id(context), by: body.by, version: body.version) }
        }
        router.post("/api/drafts/:id/discard") { request, context -> Response in
            var request = request
            let body = try await request.decodeJSON(ActorBody.self, limit: maxBodyBytes)
            return try answer { try store.discard(try Self.id(context), actor: body.actor ?? defaultActor) }
        }
        router.get("/api/stats") { _, _ in try answer { try store.stats() } }
    }

    /// Runs a store call and answers its value as the command line's JSON, or the error's status.
    private func answer<Value: Encodable>(_ call: () throws -> Value) throws -> Response {
        do {
            return JSONBody.response(data: try JSONOutput.encode(try call()))
        } catch {
            throw APIError.from(error)
        }
    }

    private static func id(_ context: ServerContext) throws -> DraftID {
        let text = try context.parameters.require("id")
        guard let id = DraftID(text) else { throw APIError.badRequest("id: \(DraftStoreError.notADraftID(text).description)", param: "id") }
        return id
    }

    private static func parse<T: RawRepresentable & CaseIterable>(_ text: String, as type: T.Type, field: String) throws -> T
        where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw APIError.badRequest("\(field): expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))", param: field)
        }
        return value
    }
}
