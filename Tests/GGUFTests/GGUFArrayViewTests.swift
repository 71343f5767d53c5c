import Foundation
import GGUF
import XCTest

/// Metadata arrays read in place (`GGUFArray`, `GGUFStringTable`) against the decoded values of the same file:
/// on every array type the writer makes, and on the vocabularies of the real models when they are present.
final class GGUFArrayViewTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory = nil
    }

    private func writeEveryValueType() throws -> (path: String, layout: GGUFTestWriter.Layout) {
        var writer = GGUFTestWriter()
        writer.metadata = GGUFReaderTests.everyValueType
        writer.alignment = 64
        let (bytes, layout) = writer.build()
        return (try directory.write(bytes), layout)
    }

    func testViewsReadWhatTheWriterWrote() throws {
        let file = try GGUFFile(path: writeEveryValueType().path)
        for (key, value) in GGUFReaderTests.everyValueType {
            guard case let .array(elementType, elements) = value else {
                assertError(try file.array(key), .wrongType(key: key, expected: "array", found: value.typeName))
                continue
            }
            let array = try file.array(key)
            XCTAssertEqual(array.key, key)
            XCTAssertEqual(array.elementType, elementType, key)
            XCTAssertEqual(array.count, elements.count, key)
            XCTAssertEqual(array.typeName, value.typeName, key)
            XCTAssertEqual(try array.values(), elements, key)
            // Element by element through `map`, which reads numbers straight from the map.
            XCTAssertEqual(try array.map(expected: "anything") { $0 }, elements, key)
        }

        let strings = try file.array("test.array.string")
        var walked: [String] = []
        try strings.forEachString { index, bytes in
            XCTAssertEqual(index, walked.count)
            walked.append(String(decoding: bytes, as: UTF8.self))
        }
        XCTAssertEqual(walked, ["<s>", "", "Ġthe"])
        let table = try strings.stringTable()
        XCTAssertEqual(table.count, 3)
        XCTAssertEqual((0..<table.count).map(table.string(at:)), ["<s>", "", "Ġthe"])
        XCTAssertEqual(Array(table[2]), Array("Ġthe".utf8))
        XCTAssertEqual(table[1].count, 0)

        let floats = try XCTUnwrap(try file.array("test.array.f32").float32Elements())
        XCTAssertEqual(Array(floats).map(\.bitPattern), [Float(0.5), -0.0, 1e-30].map(\.bitPattern))
        XCTAssertNil(try file.array("test.array.f64.empty").float32Elements(), "only float32 is read in place")
        XCTAssertNil(try file.array("test.array.i32").float32Elements())
    }

    func testViewsNameTheMismatchedType() throws {
        let file = try GGUFFile(path: writeEveryValueType().path)
        let numbers = try file.array("test.array.i32")
        assertError(try numbers.stringTable(),
                    .wrongType(key: "test.array.i32", expected: "array of strings", found: "array<int32>[2]"))
        assertError(try numbers.forEachString { _, _ in },
                    .wrongType(key: "test.array.i32", expected: "array of strings", found: "array<int32>[2]"))
        assertError(try file.array("test.array.string").map(expected: "array of numbers") { $0.floatValue },
                    .wrongType(key: "test.array.string", expected: "array of numbers", found: "array<string>[3]"))
        assertError(try file.array("absent.key"), .missingKey("absent.key"))
        XCTAssertEqual(try numbers.map(expected: "array of integers") { $0.intValue }, [-1, 7])
    }

    func testAViewKeepsTheMapAliveAfterItsFileIsGone() throws {
        let path = try writeEveryValueType().path
        var file: GGUFFile? = try GGUFFile(path: path)
        weak let weakFile = file
        let table = try file!.array("test.array.string").stringTable()
        let floats = try file!.array("test.array.f32")
        file = nil
        XCTAssertNil(weakFile, "the file object itself is released")
        XCTAssertEqual(table.string(at: 2), "Ġthe")
        XCTAssertEqual(try floats.values(), [.float32(0.5), .float32(-0.0), .float32(1e-30)])
    }

    /// The views check their reads again: when the bytes under the map change after opening (the file is
    /// rewritten on disk), a forged string length is an error, not a read past the array.
    func testAStringLengthForgedAfterOpeningIsAnErrorNotAnOverrun() throws {
        let (path, layout) = try writeEveryValueType()
        let file = try GGUFFile(path: path)
        let index = try XCTUnwrap(GGUFReaderTests.everyValueType.firstIndex { $0.key == "test.array.string" })
        // The array's value: u32 element type, u64 count, then the first string's u64 length.
        let firstLength = layout.metadata[index].valueOffset + 4 + 8
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64(firstLength))
        handle.write(Data(withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Array($0) }))
        try handle.close()

        let array = try file.array("test.array.string")
        XCTAssertThrowsError(try array.stringTable()) { error in
            guard case let .countTooLarge(field, offset, count)? = error as? GGUFError else {
                return XCTFail("expected countTooLarge, got \(error)")
            }
            XCTAssertEqual(field, "length of value of 'test.array.string'")
            XCTAssertEqual(offset, firstLength)
            XCTAssertEqual(count, 1 << 40)
        }
        XCTAssertThrowsError(try array.values())
        XCTAssertThrowsError(try file.metadata["test.array.string"])
    }

    /// On the real vocabularies, each way of reading an array in place gives what decoding it gives.
    func testInPlaceReadsEqualDecodedValuesOnRealModels() throws {
        let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".cache/models")
        let present = GGUFReaderTests.realModels.map { models.appendingPathComponent($0.file).path }
            .filter { FileManager.default.fileExists(atPath: $0) }
        try XCTSkipIf(present.isEmpty, "no model fetched into \(models.path)")
        for path in present {
            let file = try GGUFFile(path: path)
            var arrays = 0
            for key in file.metadataKeys {
                guard case let .array(_, decoded)? = try file.metadata[key] else { continue }
                arrays += 1
                let array = try file.array(key)
                XCTAssertEqual(array.count, decoded.count, key)
                if array.elementType == .string {
                    let expected = decoded.map { $0.stringValue! }
                    let table = try array.stringTable()
                    XCTAssertEqual(table.count, expected.count, key)
                    XCTAssertTrue((0..<table.count).allSatisfy { table.string(at: $0) == expected[$0] }, "\(path) \(key)")
                    var walked = 0
                    try array.forEachString { index, bytes in
                        if !bytes.elementsEqual(expected[index].utf8) { XCTFail("\(path) \(key)[\(index)]") }
                        walked += 1
                    }
                    XCTAssertEqual(walked, expected.count, key)
                } else {
                    XCTAssertEqual(try array.map(expected: "numbers") { $0 }, decoded, "\(path) \(key)")
                    if let inPlace = array.float32Elements() {
                        XCTAssertEqual(inPlace.map { GGUFValue.float32($0) }, decoded, "\(path) \(key)")
                    }
                }
            }
            XCTAssertGreaterThanOrEqual(arrays, 2, "\(path): tokens and token types at least")
        }
    }
}
