import Deidentification
import Foundation
import VellumServer
import XCTest

/// The scalar -> UTF-16 conversion against hand-counted offsets, and through the de-identify task against the
/// identifier's own text read back by UTF-16 offsets (what the page's JavaScript does).
final class TextOffsetsTests: XCTestCase {
    func testAccentsAndEmojiByHand() {
        // Z o ë ␠ 😀 ␠ M ü l l e r: "ë" and "ü" are one scalar and one UTF-16 unit each (precomposed);
        // 😀 (U+1F600) is one scalar and two UTF-16 units (a surrogate pair).
        let offsets = TextOffsets("Zoë 😀 Müller")
        XCTAssertEqual(offsets.utf16(4), 4)  // the emoji starts where it starts
        XCTAssertEqual(offsets.utf16(5), 6)  // and ends two units later
        XCTAssertEqual(offsets.utf16(start: 6, end: 12), 7..<13)  // "Müller"
        XCTAssertEqual(offsets.utf16(99), 13)  // past the end: the end
    }

    func testDecomposedAccentAndJoinedEmoji() {
        // "e" + U+0301 is two scalars, two units. 👩‍⚕️ is U+1F469 U+200D U+2695 U+FE0F: 4 scalars, 2+1+1+1 units.
        let offsets = TextOffsets("Rene\u{301} 👩‍⚕️ Dr")
        XCTAssertEqual(offsets.utf16(start: 0, end: 5), 0..<5)
        XCTAssertEqual(offsets.utf16(start: 6, end: 10), 6..<11)
        XCTAssertEqual(offsets.utf16(start: 11, end: 13), 12..<14)
    }

    func testDeidentifyHighlightsReadBackTheIdentifierByUTF16() async throws {
        // A phone number and an email after emoji and accents: found by rules alone (no lexicons needed).
        let text = "Café 😀👩‍⚕️ note: call 555-867-5309 or mail zoe.p@example.org, Zoë ✅"
        let environment = try ServerFixtures.environment()
        let output = try await TaskEndpoint.deidentify.run(TaskRequest(text: text), environment, { _, _ in })
        let utf16 = Array(text.utf16)
        let marked = output.highlights.map { String(decoding: utf16[$0.start..<$0.end], as: UTF16.self) }
        XCTAssertTrue(marked.contains("555-867-5309"), "\(marked)")
        XCTAssertTrue(marked.contains("zoe.p@example.org"), "\(marked)")
        // The JSON keeps the command line's scalar offsets: "Café " 5, the emoji 1 + 4 scalars (2 + 5 UTF-16
        // units), " note: call " 12: the phone starts at scalar 22, UTF-16 unit 24.
        let document = try JSONDecoder().decode(DeidentifiedText.self, from: output.json)
        let phone = try XCTUnwrap(document.spans.first { $0.label == "PHONE" })
        XCTAssertEqual(phone.start, 22)
        XCTAssertEqual(output.highlights.first { $0.kind == "PHONE" }?.start, 24)
    }
}
