import Foundation
import HTTPTypes
import Hummingbird

/// The clinician's workspace: the page and its script and style, from the package's resources. Every asset is
/// served by this process; the page loads nothing from anywhere else (its Content-Security-Policy forbids it).
struct WorkspaceAssets: Sendable {
    private struct Asset {
        let data: Data
        let type: String
    }
    private let files: [String: Asset]

    static let contentTypes = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8",
                               "css": "text/css; charset=utf-8", "svg": "image/svg+xml"]

    /// Reads every asset once at start; a missing resource folder is an error at start, not a 404 later.
    init(directory: URL) throws {
        var files: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let url = directory.appendingPathComponent(name)
            guard let type = Self.contentTypes[url.pathExtension] else { continue }
            files[name] = Asset(data: try Data(contentsOf: url), type: type)
        }
        self.files = files
    }

    static var bundled: URL? { Bundle.module.url(forResource: "Workspace", withExtension: nil) }

    func register(on router: Router<ServerContext>) {
        router.get("/") { _, _ in try response("index.html") }
        router.get("/workspace/:file") { _, context in try response(try context.parameters.require("file")) }
    }

    private func response(_ name: String) throws -> Response {
        guard let file = files[name] else { throw APIError.notFound("no workspace file \(name)") }
        var fields = HTTPFields()
        fields[.contentType] = file.type
        fields[.cacheControl] = "no-cache"
        fields[.contentSecurityPolicy] = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        fields[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
    }
}
