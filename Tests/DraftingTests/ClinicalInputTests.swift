@testable import Drafting
import Foundation
import XCTest

final class ClinicalInputTests: XCTestCase {
    private func refusal(_ bytes: [UInt8], maximum: Int = ClinicalInput.defaultMaximumBytes) -> String? {
        do {
            _ = try ClinicalInput.validate(Data(bytes), source: "note.txt", maximumBytes: maximum)
            return nil
        } catch {
            return error.description
        }
    }

    func testEmptyAndWhitespaceAreRefused() {
        XCTAssertEqual(refusal([]), "note.txt: is empty")
        XCTAssertEqual(refusal(Array(" \n\t\n".utf8)), "note.txt: is empty")
    }

    func testInvalidUTF8NamesItsOffset() {
        let message = refusal(Array("BP 120/80 ".utf8) + [0xC3, 0x28] + Array(" ok".utf8))
        XCTAssertNotNil(message)
        XCTAssertTrue(message!.hasPrefix("note.txt: "), message!)
        XCTAssertTrue(message!.contains("10"), "the byte offset of the bad sequence: \(message!)")
    }

    func testBinaryFileIsRefusedWithOffset() {
        XCTAssertEqual(refusal([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]),
                       "note.txt: looks like a binary file (NUL byte at offset 4); give plain text")
    }

    func testOversizeIsRefusedNamingTheLimit() {
        XCTAssertEqual(refusal(Array(repeating: 0x61, count: 101), maximum: 100),
                       "note.txt: is 101 bytes, over the limit of 100 bytes; split the record or raise the limit")
    }

    func testMissingFileAndDirectory() {
        XCTAssertThrowsError(try ClinicalInput.read(path: "/nonexistent/record.txt")) {
            XCTAssertEqual(($0 as? DraftingError)?.description, "/nonexistent/record.txt: no such file")
        }
        XCTAssertThrowsError(try ClinicalInput.read(path: NSTemporaryDirectory())) {
            XCTAssertTrue(($0 as? DraftingError)?.description.contains("is a directory") == true)
        }
    }

    func testValidTextPassesUnchanged() throws {
        let text = "Señora Þórdís, 72 y/o — BP 120/80 😀\n"
        XCTAssertEqual(try ClinicalInput.validate(Data(text.utf8), source: "x").text, text)
    }
}
