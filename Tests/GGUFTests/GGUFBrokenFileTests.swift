import Foundation
import GGUF
import XCTest

/// Generated broken files, each expected to fail with its own `GGUFError`, naming the field and the offset the
/// writer recorded for it. Most start from one valid file and forge a single field, so the failure can only
/// come from that field.
final class GGUFBrokenFileTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory = nil
    }

    /// A small valid file: a string key, an array key and two tensors, the second after alignment padding.
    private func smallValidFile(version: UInt32 = 3) -> (bytes: [UInt8], layout: GGUFTestWriter.Layout) {
        var writer = GGUFTestWriter()
        writer.version = version
        writer.metadata = [
            ("general.architecture", .string("llama")),
            ("tokenizer.ggml.scores", .array(.float32, [.float32(-1), .float32(-2)])),
            ("general.flag", .bool(true)),
        ]
        writer.tensors = [
            .init("a", shape: [32, 1], type: .q8_0),  // 34 bytes, so "b" starts after 30 bytes of padding
            .init("b", shape: [3], type: .f32),
        ]
        return writer.build()
    }

    private func open(_ bytes: [UInt8]) throws -> GGUFFile {
        try GGUFFile(path: directory.write(bytes))
    }

    /// The error that opening `bytes` throws (failing the test when it opens or throws something else).
    private func openingError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> GGUFError? {
        do {
            _ = try open(bytes)
            XCTFail("a broken file opened without error", file: file, line: line)
        } catch let error as GGUFError {
            return error
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
        return nil
    }

    private func assertOpening(
        _ bytes: [UInt8], throws expected: GGUFError, _ message: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(openingError(bytes, file: file, line: line), expected, message, file: file, line: line)
    }

    // MARK: Header

    func testEmptyFile() {
        assertOpening([], throws: .truncated(field: "magic", offset: 0, needed: 4, available: 0))
    }

    func testBadMagic() {
        var (bytes, _) = smallValidFile()
        bytes.replaceSubrange(0..<4, with: Array("GGML".utf8))
        assertOpening(bytes, throws: .badMagic(found: Array("GGML".utf8)))
        // A byte-swapped magic (as a big-endian writer of a u32 would produce) is also not GGUF.
        assertOpening(Array("FUGG".utf8) + bytes[4...], throws: .badMagic(found: Array("FUGG".utf8)))
    }

    func testUnknownVersions() {
        for version: UInt32 in [0, 1, 4, 0x0300_0000] {
            var (bytes, _) = smallValidFile()
            bytes.patch(version, at: 4)
            assertOpening(bytes, throws: .unsupportedVersion(version), "version \(version)")
        }
    }

    func testVersion2FileOpens() throws {
        XCTAssertEqual(try open(smallValidFile(version: 2).bytes).version, 2)
    }

    /// Every proper prefix of a valid file is missing something, so each must throw — never crash, never
    /// open. The error must be one that says the file ends too soon, with numbers consistent with the cut.
    func testEveryPrefixOfAValidFileThrows() throws {
        for version: UInt32 in [2, 3] {
            let (bytes, layout) = smallValidFile(version: version)
            XCTAssertNoThrow(try open(bytes))
            for length in 0..<bytes.count {
                let cut = Array(bytes[..<length])
                guard let error = openingError(cut) else { continue }
                let context = "v\(version) prefix of \(length) of \(bytes.count) bytes: \(error)"
                switch error {
                case let .truncated(_, offset, needed, available):
                    XCTAssertEqual(offset + available, length, context)
                    XCTAssertGreaterThan(needed, available, context)
                case let .countTooLarge(_, offset, count):
                    // A count read intact whose items cannot fit in what is left of the prefix.
                    XCTAssertLessThanOrEqual(offset + 8, length, context)
                    XCTAssertGreaterThan(count, 0, context)
                case let .tensorOutOfBounds(name, start, byteCount, fileSize):
                    XCTAssertGreaterThanOrEqual(length, layout.dataStart - 31, "header must be complete. \(context)")
                    XCTAssertEqual(fileSize, length, context)
                    XCTAssertGreaterThan(Int(start) + byteCount, length, context)
                    XCTAssertTrue(["a", "b"].contains(name), context)
                default:
                    XCTFail("not a truncation error. \(context)")
                }
            }
        }
    }

    // MARK: Counts and lengths

    func testCountsOf2To63AreRefusedBeforeAllocating() {
        let huge: UInt64 = 1 << 63
        let (valid, layout) = smallValidFile()

        var bytes = valid
        bytes.patch(huge, at: layout.tensorCountOffset)
        assertOpening(bytes, throws: .countTooLarge(field: "tensor_count", offset: 8, count: huge))

        bytes = valid
        bytes.patch(huge, at: layout.kvCountOffset)
        assertOpening(bytes, throws: .countTooLarge(field: "metadata_kv_count", offset: 16, count: huge))

        bytes = valid
        let key = layout.metadata[1].keyOffset
        bytes.patch(huge, at: key)
        assertOpening(bytes, throws: .countTooLarge(field: "length of metadata key", offset: key, count: huge))

        bytes = valid
        let stringValue = layout.metadata[0].valueOffset
        bytes.patch(huge, at: stringValue)
        assertOpening(bytes, throws: .countTooLarge(
            field: "length of value of 'general.architecture'", offset: stringValue, count: huge))

        bytes = valid
        let arrayCount = layout.metadata[1].valueOffset + 4  // after the u32 element type
        bytes.patch(huge, at: arrayCount)
        assertOpening(bytes, throws: .countTooLarge(
            field: "element count of 'tokenizer.ggml.scores'", offset: arrayCount, count: huge))

        bytes = valid
        let tensorName = layout.tensors[1].entryOffset
        bytes.patch(huge, at: tensorName)
        assertOpening(bytes, throws: .countTooLarge(field: "length of tensor name", offset: tensorName, count: huge))
    }

    func testAStringLongerThanTheFileIsACountError() {
        var (bytes, layout) = smallValidFile()
        let key = layout.metadata[2].keyOffset
        let tooLong = UInt64(bytes.count)
        bytes.patch(tooLong, at: key)
        assertOpening(bytes, throws: .countTooLarge(field: "length of metadata key", offset: key, count: tooLong))
    }

    // MARK: Types

    func testUnknownMetadataValueType() {
        let (valid, layout) = smallValidFile()
        var bytes = valid
        let type = layout.metadata[2].typeOffset
        bytes.patch(UInt32(13), at: type)
        assertOpening(bytes, throws: .unknownValueType(key: "general.flag", offset: type, type: 13))

        bytes = valid
        let elementType = layout.metadata[1].valueOffset
        bytes.patch(UInt32(0xFFFF_FFFF), at: elementType)
        assertOpening(bytes, throws: .unknownValueType(
            key: "tokenizer.ggml.scores", offset: elementType, type: 0xFFFF_FFFF))
    }

    func testUnknownTensorTypes() {
        // 4 and 5 were Q4_2 and Q4_3, removed from ggml; 39 is past the end of the table.
        for raw: UInt32 in [4, 5, 39, 0xFFFF_FFFF] {
            var (bytes, layout) = smallValidFile()
            let type = layout.tensors[1].typeOffset
            bytes.patch(raw, at: type)
            assertOpening(bytes, throws: .unknownTensorType(tensor: "b", offset: type, type: raw), "type \(raw)")
        }
    }

    // MARK: Tensor placement

    func testTensorDataOutOfBounds() {
        let (valid, layout) = smallValidFile()
        let b = layout.tensors[1]
        // Aligned offsets past the end, up to one whose absolute position would overflow 64 bits.
        for offset: UInt64 in [1 << 40, GGUFTestWriter.roundUp(UInt64(valid.count), to: 32), UInt64.max & ~31] {
            var bytes = valid
            bytes.patch(offset, at: b.offsetFieldOffset)
            let error = openingError(bytes)
            guard case let .tensorOutOfBounds(name, start, byteCount, fileSize)? = error else {
                XCTFail("offset \(offset): expected tensorOutOfBounds, got \(String(describing: error))")
                continue
            }
            XCTAssertEqual(name, "b")
            XCTAssertEqual(byteCount, 12)
            XCTAssertEqual(fileSize, valid.count)
            // The error gives the absolute file offset (saturating when it does not fit in 64 bits).
            let (absolute, overflow) = offset.addingReportingOverflow(UInt64(layout.dataStart))
            XCTAssertEqual(start, overflow ? UInt64.max : absolute, "offset \(offset)")
        }

        // In bounds at the start, but running off the end: the last tensor loses its final byte.
        assertOpening(Array(valid.dropLast()), throws: .tensorOutOfBounds(
            tensor: "b", start: UInt64(layout.dataStart) + b.relativeDataOffset, bytes: 12, fileSize: valid.count - 1))
    }

    func testMisalignedTensorOffset() {
        var (bytes, layout) = smallValidFile()
        let b = layout.tensors[1]
        bytes.patch(b.relativeDataOffset + 4, at: b.offsetFieldOffset)
        assertOpening(bytes, throws: .misalignedTensor(
            tensor: "b", offset: b.offsetFieldOffset, dataOffset: b.relativeDataOffset + 4, alignment: 32))
    }

    func testBadAlignment() {
        for bad: UInt32 in [0, 3, 48] {
            var writer = GGUFTestWriter()
            writer.metadata = [("general.alignment", .uint32(bad))]
            writer.tensors = [.init("a", shape: [4], type: .f32)]
            assertOpening(writer.build().bytes, throws: .badAlignment(UInt64(bad)), "alignment \(bad)")
        }
        // The spec's type is u32; any other width or kind is refused by name, even holding a good value.
        var writer = GGUFTestWriter()
        for (value, found) in [(GGUFValue.uint64(32), "u64"), (.int32(32), "i32"), (.uint16(32), "u16"), (.string("32"), "string")] {
            writer.metadata = [("general.alignment", value)]
            assertOpening(writer.build().bytes, throws: .wrongType(key: "general.alignment", expected: "u32", found: found))
        }
    }

    // MARK: Tensor layout

    /// The two-tensor file with "b"'s data-offset field forged to `offset`.
    private func smallValidFile(offsetOfB offset: UInt64) -> (bytes: [UInt8], layout: GGUFTestWriter.Layout) {
        var (bytes, layout) = smallValidFile()
        bytes.patch(offset, at: layout.tensors[1].offsetFieldOffset)
        return (bytes, layout)
    }

    func testOverlappingTensorDataIsRefused() {
        // "b" pointed at "a"'s bytes: 12 bytes of a Q8_0 block would be read as three floats.
        let (bytes, layout) = smallValidFile(offsetOfB: 0)
        assertOpening(bytes, throws: .overlappingTensors(tensor: "b", offset: layout.tensors[1].offsetFieldOffset, other: "a"))
    }

    func testAGapBetweenTensorsIsRefused() {
        // "b" one alignment step further than where "a" ends (the file is extended so the data is in bounds).
        let (valid, layout) = smallValidFile()
        let b = layout.tensors[1]
        var (bytes, _) = smallValidFile(offsetOfB: b.relativeDataOffset + 32)
        bytes += [UInt8](repeating: 0, count: 32)
        assertOpening(bytes, throws: .unexpectedTensorOffset(
            tensor: "b", offset: b.offsetFieldOffset, dataOffset: Int(b.relativeDataOffset) + 32, expected: Int(b.relativeDataOffset)))
        XCTAssertNoThrow(try open(valid))
    }

    // MARK: String limits

    func testStringsOverTheirLimitsAreRefused() {
        let valueLimit = 1 << 20
        var writer = GGUFTestWriter()
        writer.metadata = [("tokenizer.chat_template", .string(String(repeating: "x", count: valueLimit)))]
        XCTAssertNoThrow(try open(writer.build().bytes), "exactly the limit")
        writer.metadata = [("tokenizer.chat_template", .string(String(repeating: "x", count: valueLimit + 1)))]
        var (bytes, layout) = writer.build()
        assertOpening(bytes, throws: .stringTooLong(
            field: "value of 'tokenizer.chat_template'", offset: layout.metadata[0].valueOffset, bytes: valueLimit + 1, limit: valueLimit))

        // An element of a string array (a token text) has the same limit.
        writer.metadata = [("tokenizer.ggml.tokens", .array(.string, [.string("a"), .string(String(repeating: "y", count: valueLimit + 1))]))]
        (bytes, layout) = writer.build()
        assertOpening(bytes, throws: .stringTooLong(
            field: "value of 'tokenizer.ggml.tokens'", offset: layout.metadata[0].valueOffset + 12 + 9, bytes: valueLimit + 1, limit: valueLimit))

        writer.metadata = [(String(repeating: "k", count: 1 << 16), .bool(true))]
        assertOpening(writer.build().bytes, throws: .stringTooLong(field: "metadata key", offset: 24, bytes: 1 << 16, limit: (1 << 16) - 1))

        writer.metadata = []
        writer.tensors = [.init(String(repeating: "t", count: 64), shape: [4], type: .f32)]
        assertOpening(writer.build().bytes, throws: .stringTooLong(field: "tensor name", offset: 24, bytes: 64, limit: 63))
        writer.tensors = [.init(String(repeating: "t", count: 63), shape: [4], type: .f32)]
        XCTAssertNoThrow(try open(writer.build().bytes), "a 63-byte name is ggml's longest")
    }

    func testArrayTooLargeToHoldInMemoryIsRefusedBeforeAllocating() {
        // 2^24 + 1 one-byte elements, really present in the file: they fit the file, but would cost 24 bytes
        // each in memory, so the reader refuses the count instead of allocating ~400 MB.
        var writer = GGUFTestWriter()
        writer.metadata = [("general.architecture", .string("llama")), ("forged.bytes", .array(.uint8, [.uint8(0)]))]
        var (bytes, layout) = writer.build()
        let countOffset = layout.metadata[1].valueOffset + 4  // after the u32 element type
        let count: UInt64 = (1 << 24) + 1
        bytes.patch(count, at: countOffset)
        bytes += [UInt8](repeating: 0, count: Int(count))
        assertOpening(bytes, throws: .countTooLarge(field: "element count of 'forged.bytes'", offset: countOffset, count: count))
    }

    // MARK: Duplicates

    func testDuplicateKey() {
        var writer = GGUFTestWriter()
        writer.metadata = [("general.name", .string("a")), ("general.flag", .bool(true)), ("general.name", .uint8(1))]
        let (bytes, layout) = writer.build()
        assertOpening(bytes, throws: .duplicateKey("general.name", offset: layout.metadata[2].keyOffset))
    }

    func testDuplicateTensor() {
        var writer = GGUFTestWriter()
        writer.tensors = [
            .init("w", shape: [4], type: .f32), .init("x", shape: [4], type: .f32), .init("w", shape: [8], type: .f16),
        ]
        let (bytes, layout) = writer.build()
        assertOpening(bytes, throws: .duplicateTensor("w", offset: layout.tensors[2].entryOffset))
    }

    // MARK: Shapes

    func testInvalidShapes() {
        let cases: [(String, GGUFTestWriter.Tensor)] = [
            ("zero dimension", .init("t", shape: [4, 0], type: .f32)),
            ("no dimensions", .init("t", shape: [], type: .f32)),
            ("five dimensions", .init("t", shape: [1, 1, 1, 1, 1], type: .f32)),
            ("row of 16 in blocks of 32", .init("t", shape: [16, 2], type: .q4_0)),
            ("row of 128 in blocks of 256", .init("t", shape: [128, 2], type: .q6_K)),
            ("dimension beyond Int32", .init("t", shape: [1 << 40], type: .f32)),
            ("element count overflows", .init("t", shape: [1 << 31 - 1, 1 << 31 - 1, 1 << 31 - 1], type: .f32)),
            ("byte count overflows", .init("t", shape: [1 << 31 - 1, 1 << 31 - 1, 2], type: .f32)),
        ]
        // The reason must name the actual problem, not a neighbouring one.
        let expectedReason = [
            "zero dimension": "dimension 0", "no dimensions": "0 dimensions", "five dimensions": "5 dimensions",
            "row of 16 in blocks of 32": "row length 16", "row of 128 in blocks of 256": "row length 128",
            "dimension beyond Int32": "dimension 1099511627776", "element count overflows": "too large",
            "byte count overflows": "overflow a 64-bit byte count",
        ]
        for (label, tensor) in cases {
            var writer = GGUFTestWriter()
            writer.tensors = [.init("ok", shape: [8], type: .f32), tensor]
            let (bytes, layout) = writer.build()
            let error = openingError(bytes)
            guard case let .invalidTensorShape(name, offset, reason)? = error else {
                XCTFail("\(label): expected invalidTensorShape, got \(String(describing: error))")
                continue
            }
            XCTAssertEqual(name, "t", label)
            XCTAssertEqual(offset, layout.tensors[1].entryOffset, label)
            XCTAssertTrue(reason.contains(expectedReason[label, default: "?"]), "\(label): \(reason)")
        }
    }

    // MARK: Opening

    func testPathsThatAreNotFiles() {
        let missing = directory.url.appendingPathComponent("absent.gguf").path
        assertError(try GGUFFile(path: missing), .cannotOpen(path: missing, reason: "No such file or directory"))
        assertError(try GGUFFile(path: directory.url.path), .cannotOpen(path: directory.url.path, reason: "not a regular file"))
    }

    // MARK: Strings

    func testInvalidUTF8InKeysAndNames() {
        let (valid, layout) = smallValidFile()
        var bytes = valid
        let key = layout.metadata[0].keyOffset
        bytes[key + 8 + 3] = 0xFF  // inside "general.architecture"
        assertOpening(bytes, throws: .invalidString(field: "metadata key", offset: key))

        bytes = valid
        let value = layout.metadata[0].valueOffset
        bytes[value + 8] = 0xC3  // "l" becomes the lead byte of a 2-byte sequence followed by ASCII
        assertOpening(bytes, throws: .invalidString(field: "value of 'general.architecture'", offset: value))

        bytes = valid
        let name = layout.tensors[0].entryOffset
        bytes[name + 8] = 0x80  // a lone continuation byte
        assertOpening(bytes, throws: .invalidString(field: "tensor name", offset: name))
    }

    /// Arrays of arrays are legal, but a hostile file can nest them a million deep in 12 MB. The reader must
    /// refuse that with an error instead of overflowing the stack.
    func testDeeplyNestedArraysAreRefused() {
        var sink = ByteSink()
        sink.append(Array("GGUF".utf8))
        sink.u32(3)
        sink.u64(0)
        sink.u64(1)
        sink.string("evil")
        sink.u32(9)  // array
        let depth = 1_000_000
        for _ in 0..<depth {
            sink.u32(9)  // of arrays
            sink.u64(1)  // of one element
        }
        sink.u32(0)
        sink.u64(0)
        let error = openingError(sink.bytes)
        guard case let .nestingTooDeep(key, offset)? = error else {
            XCTFail("expected nestingTooDeep, got \(String(describing: error))")
            return
        }
        XCTAssertEqual(key, "evil")
        XCTAssertGreaterThan(offset, 36)
    }
}
