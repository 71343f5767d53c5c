import DraftStore
import Foundation
import Hummingbird
import HummingbirdTesting
import VellumServer
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class DisconnectTests: XCTestCase {
    /// A streaming client that hangs up after its first event: the server must stop generating (the health
    /// counters say `cancelled`), and the model must be free for the next request at once.
    func testClientThatDisconnectsCancelsItsGeneration() async throws {
        let server = try ServerFixtures.server()
        // 300 integers cannot be written in the budget before the client hangs up: only a cancel ends it early.
        let schema = #"{"type": "array", "items": {"type": "integer"}, "minItems": 300}"#
        let body = #"{"messages": [{"role": "user", "content": "List numbers."}], "max_tokens": 1000, "temperature": 0, "stream": true, "#
            + #""response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema": \#(schema)}}}"#
        try await server.buildApplication(logger: ServerFixtures.logger).test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let socket = try RawConnection(port: port)
            try socket.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
            let start = try socket.receive(until: "data: ")
            XCTAssertTrue(start.hasPrefix("HTTP/1.1 200"), start)
            socket.close()
            var cancelled = 0
            // The counter is reached by another thread after the next token: wait for it (no deadline of our own;
            // XCTest's timeout catches a server that never cancels).
            while cancelled == 0 {
                try await Task.sleep(for: .milliseconds(20))
                cancelled = try await client.execute(uri: "/health", method: .get) { response in
                    (try object(response.body)["generations"] as? [String: Any])?["cancelled"] as? Int ?? 0
                }
            }
            let health = try await client.execute(uri: "/health", method: .get) { try object($0.body)["generations"] as? [String: Any] }
            XCTAssertEqual(health?["completed"] as? Int, 0, "the generation was cut short, not finished")
            XCTAssertEqual(cancelled, 1)
        }
    }
}

/// A blocking TCP connection to 127.0.0.1, for hanging up mid-response (which an HTTP client library hides).
final class RawConnection {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw POSIXError(.EPIPE) }
            sent += count
        }
    }

    /// Reads until `marker` has arrived; returns everything read.
    func receive(until marker: String) throws -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { throw POSIXError(.ECONNRESET) }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    func close() { _ = Glibc.close(descriptor) }
}

/// The drafts routes answer what the command line prints, and keep the store's rules (a signed draft is final).
final class DraftsEndpointTests: XCTestCase {
    func testListEditSignAndRefuseASecondSignature() async throws {
        let server = try ServerFixtures.server()
        let store = server.environment.store
        let created = try store.create(NewDraft(task: .note, modelName: "m", modelSHA256: "", templateVersion: "note-1", input: "pt seen",
                                                keepInput: false, text: "S: seen.", findings: []), actor: "test")
        let id = created.id.description
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            try await client.execute(uri: "/api/drafts?status=draft", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(Data(response.body.readableBytesView), try JSONOutput.encode(try store.list(status: .draft)))
            }
            try await client.execute(uri: "/api/drafts?status=final", method: .get) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertEqual((try object(response.body)["error"] as? [String: Any])?["param"] as? String, "status")
            }
            try await client.execute(uri: "/api/drafts/\(id)", method: .put, body: ByteBuffer(json: #"{"text": "S: seen, better."}"#)) {
                XCTAssertEqual($0.status, .ok)
            }
            try await client.execute(uri: "/api/drafts/\(id)/sign", method: .post, body: ByteBuffer(json: #"{"by": "Dr A", "version": 2}"#)) {
                XCTAssertEqual($0.status, .ok)
            }
            try await client.execute(uri: "/api/drafts/\(id)/sign", method: .post, body: ByteBuffer(json: #"{"by": "Dr B"}"#)) {
                XCTAssertEqual($0.status, .conflict)
            }
            try await client.execute(uri: "/api/drafts/d-999999", method: .get) { XCTAssertEqual($0.status, .notFound) }
        }
        let signed = try store.show(created.id, actor: "test")
        XCTAssertEqual(signed.record.status, .signed)
        XCTAssertEqual(signed.record.signature?.signedBy, "Dr A")
        XCTAssertEqual(signed.text, "S: seen, better.")
    }

    /// An edit is fact-checked against the record the draft came from, as the model's text was: a drug and a dose
    /// typed in that the record does not hold come back as findings, marked in UTF-16 units for the page.
    func testAnEditIsCheckedAgainstTheDraftsInputAndMarkedForThePage() async throws {
        let server = try ServerFixtures.server()
        let store = server.environment.store
        let source = "Pt seen 😀 today. Lisinopril 10mg daily, BP ok."
        let unkept = try store.create(NewDraft(task: .note, modelName: "m", modelSHA256: "", templateVersion: "note-1", input: source,
                                               keepInput: false, text: "Seen.", findings: []), actor: "test").id
        let kept = try store.create(NewDraft(task: .note, modelName: "m", modelSHA256: "", templateVersion: "note-1", input: source,
                                             keepInput: true, text: "Seen.", findings: []), actor: "test").id
        let edit = "Seen 😀 today. Lisinopril 10 mg daily. Start warfarin 5 mg daily."
        func put(_ id: DraftID, _ body: [String: String]) async throws -> (HTTPResponse.Status, [String: Any]) {
            try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
                try await client.execute(uri: "/api/drafts/\(id)", method: .put,
                                         body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))) {
                    ($0.status, try object($0.body))
                }
            }
        }
        func marked(_ answer: [String: Any]) -> [String] {
            let units = Array(edit.utf16)
            return (answer["highlights"] as? [[String: Any]] ?? []).map {
                String(decoding: units[($0["start"] as? Int ?? 0)..<($0["end"] as? Int ?? 0)], as: UTF16.self)
            }
        }

        let (status, checked) = try await put(unkept, ["text": edit, "source": source])
        XCTAssertEqual(status, .ok)
        XCTAssertEqual(marked(checked), ["warfarin", "5 mg"])
        XCTAssertEqual((checked["findings"] as? [[String: Any]])?.compactMap { $0["text"] as? String }, ["warfarin", "5 mg"])

        let (_, fromKeptInput) = try await put(kept, ["text": edit])
        XCTAssertEqual(marked(fromKeptInput), ["warfarin", "5 mg"])
        // Opened again, the draft's latest version comes with its marks, beside what `vellum show --json` prints.
        let shown = try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            try await client.execute(uri: "/api/drafts/\(kept)", method: .get) { try object($0.body) }
        }
        XCTAssertEqual(marked(shown), ["warfarin", "5 mg"])
        XCTAssertEqual((shown["versions"] as? [Any])?.count, 2)
        XCTAssertNotNil(shown["record"])

        let (_, unchecked) = try await put(unkept, ["text": edit])
        XCTAssertNil(unchecked["findings"], "an edit with nothing to check against has no findings list, not an empty one")
        XCTAssertEqual(marked(unchecked), [])

        let (refused, error) = try await put(unkept, ["text": edit, "source": "another patient's record"])
        XCTAssertEqual(refused, .badRequest)
        XCTAssertEqual((error["error"] as? [String: Any])?["param"] as? String, "source")
        XCTAssertEqual(try store.show(unkept, actor: "test").versions.map(\.findings?.count), [0, 2, nil],
                       "the refused edit saved nothing")
    }
}
