import Foundation
import GGUF
import XCTest

/// Valid files written by `GGUFTestWriter` read back exactly: every metadata type, the tensor table and the data.
final class GGUFReaderTests: XCTestCase {
    /// One value of every metadata type, with boundary values, plus arrays of scalars, strings, bools,
    /// an empty array (which must keep its element type) and arrays of arrays with different inner types.
    static let everyValueType: [(key: String, value: GGUFValue)] = [
        ("test.u8", .uint8(255)),
        ("test.i8", .int8(-128)),
        ("test.u16", .uint16(65535)),
        ("test.i16", .int16(-32768)),
        ("test.u32", .uint32(4_000_000_000)),
        ("test.i32", .int32(-2_000_000_000)),
        ("test.u64", .uint64(UInt64.max)),
        ("test.i64", .int64(Int64.min)),
        ("test.f32", .float32(-3.25)),
        ("test.f64", .float64(2.718281828459045)),
        ("test.bool.true", .bool(true)),
        ("test.bool.false", .bool(false)),
        ("test.string", .string("Ausk. o.B. – naïve 🩺")),
        ("test.string.empty", .string("")),
        ("test.array.u8", .array(.uint8, [.uint8(0), .uint8(1), .uint8(255)])),
        ("test.array.i32", .array(.int32, [.int32(-1), .int32(7)])),
        ("test.array.f32", .array(.float32, [.float32(0.5), .float32(-0.0), .float32(1e-30)])),
        ("test.array.f64.empty", .array(.float64, [])),
        ("test.array.bool", .array(.bool, [.bool(true), .bool(false), .bool(true)])),
        ("test.array.string", .array(.string, [.string("<s>"), .string(""), .string("Ġthe")])),
        ("test.array.nested", .array(.array, [
            .array(.uint16, [.uint16(1), .uint16(2)]),
            .array(.string, [.string("inner")]),
            .array(.int64, []),
            .array(.array, [.array(.bool, [.bool(true)])]),
        ])),
        ("general.alignment", .uint32(64)),
    ]

    /// Tensors of several types whose sizes are not multiples of the alignment, so padding is exercised.
    static let mixedTensors: [GGUFTestWriter.Tensor] = [
        .init("token_embd.weight", shape: [64, 3], type: .q4_0),      // 6 blocks × 18 = 108 bytes
        .init("blk.0.attn_norm.weight", shape: [5], type: .f32),      // 20 bytes
        .init("blk.0.ffn_up.weight", shape: [32, 2, 1], type: .q8_0), // 68 bytes
        .init("blk.0.ffn_down.weight", shape: [256, 2], type: .q4_K), // 288 bytes
        .init("blk.0.attn_q.weight", shape: [256], type: .q6_K),      // 210 bytes
        .init("rope_freqs", shape: [3], type: .f16),                  // 6 bytes
        .init("output.weight", shape: [2, 1, 1, 3], type: .bf16),     // 12 bytes, 4 dimensions
    ]

    func testEveryMetadataTypeAndTheTensorTableRoundTripInVersions2And3() throws {
        let directory = try TemporaryDirectory()
        for version: UInt32 in [2, 3] {
          for residency in FileResidency.allCases {
            var writer = GGUFTestWriter()
            writer.version = version
            writer.metadata = Self.everyValueType
            writer.tensors = Self.mixedTensors
            writer.alignment = 64
            let (bytes, layout) = writer.build()
            let file = try GGUFFile(path: directory.write(bytes), residency: residency)

            XCTAssertEqual(file.version, version)
            XCTAssertEqual(file.metadataKeys, Self.everyValueType.map(\.key), "keys keep file order")
            for (key, value) in Self.everyValueType {
                XCTAssertEqual(try file.metadata[key], value, "v\(version) \(key)")
            }
            XCTAssertEqual(file.alignment, 64)
            XCTAssertEqual(file.dataOffset, layout.dataStart)
            XCTAssertEqual(file.dataOffset % 64, 0)
            XCTAssertEqual(file.fileSize, bytes.count)
            assertTensorTable(of: file, matches: writer.tensors, layout: layout)
            if residency == .hugePages {
                // The copy's first byte sits on a 2 MiB boundary, so the kernel can back it with huge pages.
                let first = try XCTUnwrap(file.tensors.first)
                XCTAssertEqual((Int(bitPattern: file.tensorData(first)) - file.dataOffset - first.offset) % (2 << 20), 0)
            }
          }
        }
    }

    func testHugePagesAreOnRequestOnlyWhenTheKernelSettingSaysAlwaysOrMadvise() throws {
        let directory = try TemporaryDirectory()
        // The three forms of /sys/kernel/mm/transparent_hugepage/enabled; the bracket marks the active one.
        for (setting, expected) in [("[always] madvise never", true), ("always [madvise] never", true),
                                    ("always madvise [never]", false), ("", false)] {
            let path = try directory.write(Array((setting + "\n").utf8))
            #if os(Linux)
            XCTAssertEqual(FileResidency.transparentHugePagesOnRequest(setting: path), expected, setting)
            #else
            XCTAssertFalse(FileResidency.transparentHugePagesOnRequest(setting: path), setting)
            #endif
        }
        XCTAssertFalse(FileResidency.transparentHugePagesOnRequest(setting: directory.url.appendingPathComponent("absent").path))
    }

    func testAlignmentDefaultsTo32AndAcceptsOne() throws {
        let directory = try TemporaryDirectory()
        for (alignmentKey, expected) in [(nil, 32), (GGUFValue.uint32(1), 1), (.uint32(256), 256)] as [(GGUFValue?, Int)] {
            var writer = GGUFTestWriter()
            if let alignmentKey { writer.metadata = [("general.alignment", alignmentKey)] }
            writer.tensors = Self.mixedTensors
            writer.alignment = expected
            let (bytes, layout) = writer.build()
            let file = try GGUFFile(path: directory.write(bytes))
            XCTAssertEqual(file.alignment, expected)
            XCTAssertEqual(file.dataOffset, layout.dataStart)
            assertTensorTable(of: file, matches: writer.tensors, layout: layout)
        }
    }

    func testAFileWithNoTensorsAndNoMetadataIsValid() throws {
        let directory = try TemporaryDirectory()
        let (bytes, _) = GGUFTestWriter().build()
        XCTAssertEqual(bytes.count, 24, "magic, version and two counts")
        let file = try GGUFFile(path: directory.write(bytes))
        XCTAssertTrue(file.tensors.isEmpty)
        XCTAssertTrue(file.metadata.isEmpty)
    }

    func testTypedGettersConvertOrNameTheMismatch() throws {
        let directory = try TemporaryDirectory()
        var writer = GGUFTestWriter()
        writer.metadata = Self.everyValueType
        writer.alignment = 64
        let file = try GGUFFile(path: directory.write(writer.build().bytes))

        XCTAssertEqual(try file.string("test.string"), "Ausk. o.B. – naïve 🩺")
        XCTAssertEqual(try file.int("test.i32"), -2_000_000_000)
        XCTAssertEqual(try file.int("test.u16"), 65535)
        XCTAssertEqual(try file.float("test.f32"), -3.25)
        XCTAssertEqual(try file.float("test.u8"), 255, "integers widen to float")
        XCTAssertEqual(try file.bool("test.bool.true"), true)
        XCTAssertEqual(try file.strings("test.array.string"), ["<s>", "", "Ġthe"])
        XCTAssertEqual(try file.floats("test.array.f32"), [0.5, -0.0, 1e-30])
        XCTAssertEqual(try file.ints("test.array.u8"), [0, 1, 255])
        XCTAssertEqual(try file.floats("test.array.f64.empty"), [])
        XCTAssertEqual(try file.optional("test.u32", file.int), 4_000_000_000)
        XCTAssertNil(try file.optional("absent.key", file.int))

        assertError(try file.string("llama.context_length"), .missingKey("llama.context_length"))
        assertError(try file.value("absent.key"), .missingKey("absent.key"))
        assertError(try file.string("test.u32"), .wrongType(key: "test.u32", expected: "string", found: "u32"))
        assertError(try file.int("test.f32"), .wrongType(key: "test.f32", expected: "integer", found: "f32"))
        assertError(try file.bool("test.u8"), .wrongType(key: "test.u8", expected: "bool", found: "u8"))
        assertError(try file.float("test.string"), .wrongType(key: "test.string", expected: "number", found: "string"))
        // u64 max does not fit an Int: it is reported as the wrong type, not wrapped to -1.
        assertError(try file.int("test.u64"), .wrongType(key: "test.u64", expected: "integer", found: "u64"))
        assertError(try file.ints("test.string"), .wrongType(key: "test.string", expected: "array of integers", found: "string"))
        assertError(try file.ints("test.array.string"),
                    .wrongType(key: "test.array.string", expected: "array of integers", found: "array<string>[3]"))
        assertError(try file.strings("test.array.nested"),
                    .wrongType(key: "test.array.nested", expected: "array of strings", found: "array<array>[4]"))
        assertError(try file.optional("test.string", file.int),
                    .wrongType(key: "test.string", expected: "integer", found: "string"))
    }

    /// One bundled model's facts, read with the `gguf` Python package (gguf-py 0.19), not with this reader.
    struct RealModel {
        let file: String
        let architecture: String
        let tensorCount: Int
        let keyCount: Int
        let vocabularySize: Int
        /// A tensor's name, shape, type and absolute file offset of its data.
        let tensor: (name: String, shape: [Int], type: GGMLType, fileOffset: Int)
    }

    static let realModels = [
        RealModel(file: "SmolLM2-135M-Instruct.Q4_1.gguf", architecture: "llama", tensorCount: 272, keyCount: 33,
                  vocabularySize: 49152, tensor: ("blk.0.ffn_down.weight", [1536, 576], .q4_1, 31_868_992)),
        RealModel(file: "gemma-3-270m-q4_k_m.gguf", architecture: "gemma3", tensorCount: 236, keyCount: 33,
                  vocabularySize: 262_144, tensor: ("token_embd.weight", [640, 262_144], .q8_0, 6_527_680)),
        RealModel(file: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", architecture: "qwen2", tensorCount: 291,
                  keyCount: 26, vocabularySize: 151_936,
                  tensor: ("token_embd.weight", [896, 151_936], .q5_0, 150_590_848)),
        RealModel(file: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", architecture: "qwen2", tensorCount: 339,
                  keyCount: 26, vocabularySize: 151_936,
                  tensor: ("output.weight", [1536, 151_936], .q6_K, 5_950_528)),
    ]

    /// The real model files, when the fetch script has put them in the cache (skipped when none is there).
    func testRealModelFilesWhenPresent() throws {
        let directory = repositoryRoot.appendingPathComponent(".cache/models")
        let present = Self.realModels.filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0.file).path)
        }
        try XCTSkipIf(present.isEmpty, "no model fetched into \(directory.path)")
        for model in present {
            let start = Date()
            let file = try GGUFFile(path: directory.appendingPathComponent(model.file).path)
            print("opened \(model.file) in \(Int(Date().timeIntervalSince(start) * 1000)) ms")
            XCTAssertEqual(file.version, 3, model.file)
            XCTAssertEqual(try file.string("general.architecture"), model.architecture, model.file)
            XCTAssertEqual(file.metadata.count, model.keyCount, model.file)
            XCTAssertEqual(try file.strings("tokenizer.ggml.tokens").count, model.vocabularySize, model.file)
            XCTAssertEqual(file.tensors.count, model.tensorCount, model.file)
            XCTAssertEqual(file.alignment, 32, model.file)
            let tensor = try XCTUnwrap(file.tensor(named: model.tensor.name), model.file)
            XCTAssertEqual(tensor.shape, model.tensor.shape, model.file)
            XCTAssertEqual(tensor.type, model.tensor.type, model.file)
            XCTAssertEqual(file.dataOffset + tensor.offset, model.tensor.fileOffset, model.file)
            // In offset order, tensors tile the data section, each at the next aligned offset, and the last one
            // ends the file: what llama.cpp's loader checks, and a sign no byte was misread.
            var expectedOffset = 0
            for info in file.tensors.sorted(by: { $0.offset < $1.offset }) {
                XCTAssertEqual(info.offset, expectedOffset, "\(model.file) \(info.name)")
                expectedOffset = (info.offset + info.byteCount + 31) / 32 * 32
            }
            let last = try XCTUnwrap(file.tensors.max { $0.offset < $1.offset })
            XCTAssertEqual(file.dataOffset + last.offset + last.byteCount, file.fileSize, model.file)
        }
    }

    // MARK: Helpers

    private var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private func assertTensorTable(
        of file: GGUFFile, matches tensors: [GGUFTestWriter.Tensor], layout: GGUFTestWriter.Layout,
        line: UInt = #line
    ) {
        XCTAssertEqual(file.tensors.map(\.name), tensors.map(\.name), line: line)
        for (index, (written, entry)) in zip(tensors, layout.tensors).enumerated() {
            guard let read = file.tensor(named: written.name) else {
                XCTFail("tensor \(written.name) missing", line: line)
                continue
            }
            XCTAssertEqual(file.tensors[index], read)
            XCTAssertEqual(read.shape, written.shape.map { Int($0) }, written.name, line: line)
            XCTAssertEqual(read.type.rawValue, written.type, written.name, line: line)
            XCTAssertEqual(UInt64(read.offset), entry.relativeDataOffset, written.name, line: line)
            XCTAssertEqual(read.offset % file.alignment, 0, written.name, line: line)
            XCTAssertEqual(read.byteCount, entry.data.count, written.name, line: line)
            let bytes = Array(UnsafeRawBufferPointer(start: file.tensorData(read), count: read.byteCount))
            XCTAssertEqual(bytes, entry.data, "data of \(written.name)", line: line)
        }
        XCTAssertNil(file.tensor(named: "no.such.tensor"), line: line)
    }
}

/// Asserts that `expression` throws exactly `expected`.
func assertError<T>(
    _ expression: @autoclosure () throws -> T, _ expected: GGUFError,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    do {
        _ = try expression()
        XCTFail("expected \(expected), but nothing was thrown. \(message)", file: file, line: line)
    } catch let error as GGUFError {
        XCTAssertEqual(error, expected, message, file: file, line: line)
    } catch {
        XCTFail("expected \(expected), got \(error). \(message)", file: file, line: line)
    }
}
