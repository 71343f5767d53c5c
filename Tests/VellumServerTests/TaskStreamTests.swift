import Foundation
import Hummingbird
import HummingbirdTesting
import VellumServer
import XCTest

/// The workspace watches a draft come in: `/api/tasks/<name>/stream` sends the model's text as it is written,
/// de-identified, then the checked draft, which must be the draft the plain endpoint gives for the same input.
final class TaskStreamTests: XCTestCase {
    /// Shorthand with identifiers the rules find without lexicons: a phone number, an email and a record number.
    private static let shorthand = "54F f/u HTN. BP 148/92 today. on lisinopril 10 mg daily. cb 555-867-5309, "
        + "zoe.p@example.org, MRN 8812734. plan: recheck BP 4 wk, BMP."
    private static let identifiers = ["555-867-5309", "zoe.p@example.org", "8812734"]

    func testANoteStreamsDeidentifiedTextThenTheSameDraftAsThePlainEndpoint() async throws {
        let server = try ServerFixtures.server()
        let body = try String(decoding: JSONSerialization.data(withJSONObject: ["text": Self.shorthand]), as: UTF8.self)
        let identifiers = Self.identifiers
        try await server.buildApplication(logger: ServerFixtures.logger).test(.router) { client in
            let plain = try await client.execute(uri: "/api/tasks/note", method: .post, body: ByteBuffer(json: body)) { response in
                XCTAssertEqual(response.status, .ok)
                return try object(response.body)
            }
            try await client.execute(uri: "/api/tasks/note/stream", method: .post, body: ByteBuffer(json: body)) { response in
                XCTAssertEqual(response.status, .ok)
                let events = try serverSentEvents(response.body.text)
                XCTAssertEqual(events.last?.name, "result", "the checked draft comes last: \(events.map(\.name))")

                // Each generation opens a block; the blocks hold the model's own words, never an identifier.
                var blocks: [String] = []
                for event in events where event.name == "text" {
                    if event.data["started"] as? Bool == true { blocks.append("") }
                    let piece = event.data["piece"] as? String ?? ""
                    XCTAssertFalse(blocks.isEmpty && !piece.isEmpty, "text before any generation started")
                    if !blocks.isEmpty { blocks[blocks.count - 1] += piece }
                }
                XCTAssertFalse(blocks.isEmpty, "no model text was streamed")
                XCTAssertTrue(blocks.allSatisfy { !$0.isEmpty }, "a generation streamed nothing")
                let streamed = blocks.joined(separator: "\n")
                for identifier in identifiers {
                    XCTAssertFalse(streamed.contains(identifier), "\(identifier) reached the page before the checked draft")
                }

                // Greedy decoding: streaming must not change the draft (sections and findings).
                let result = try XCTUnwrap(events.last?.data["result"] as? [String: Any])
                XCTAssertEqual(result["sections"] as? NSArray, plain["sections"] as? NSArray)
                XCTAssertEqual(result["findings"] as? NSArray, plain["findings"] as? NSArray)
                XCTAssertNotEqual(result["draft_id"] as? String, plain["draft_id"] as? String, "each run is its own draft")
            }
        }
    }
}

/// The named events of a server-sent event stream, each with its JSON data.
func serverSentEvents(_ text: String) throws -> [(name: String, data: [String: Any])] {
    try text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
        var name = "message", data = ""
        for line in event.split(separator: "\n") {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data += line.dropFirst(6) }
        }
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any], event)
        return (name, object)
    }
}
