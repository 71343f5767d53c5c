import Foundation
import GGUF
import XCTest

/// A file written by gguf-py 0.19 (`pip install gguf==0.19.0`), the reference writer of the format, so that the
/// reader is checked against a writer other than our own test writer. Produced by this script, whose output
/// (the file in base64, 1,024 bytes) is pasted below:
///
///     # Writes a tiny GGUF with gguf-py's own writer (the reference implementation of the format).
///     import base64, numpy as np
///     from gguf import GGUFWriter, GGMLQuantizationType as Q
///
///     w = GGUFWriter("fixture.gguf", arch="llama")
///     w.add_custom_alignment(64)
///     w.add_name("vellum-fixture")
///     w.add_uint8("t.u8", 200); w.add_int8("t.i8", -7)
///     w.add_uint16("t.u16", 60000); w.add_int16("t.i16", -30000)
///     w.add_uint32("t.u32", 3000000000); w.add_int32("t.i32", -123456)
///     w.add_uint64("t.u64", 1 << 40); w.add_int64("t.i64", -(1 << 40))
///     w.add_float32("t.f32", 0.125); w.add_float64("t.f64", -1.5e-300)
///     w.add_bool("t.bool", True)
///     w.add_string("t.str", "ß — 医学")
///     w.add_array("t.arr.i32", [1, -2, 3])
///     w.add_array("t.arr.str", ["<s>", "", "▁the"])
///     w.add_array("t.arr.nested", [[1, 2], [3]])
///     w.add_tensor("f32", np.arange(6, dtype=np.float32).reshape(2, 3))       # ne = [3, 2]
///     w.add_tensor("f16", np.array([1.0, -2.0, 0.5], dtype=np.float16))
///     # A Q8_0 row of 32 values is 34 bytes: raw bytes with the byte shape gguf-py expects (rows, bytes per row).
///     w.add_tensor("q8", np.arange(68, dtype=np.uint8).reshape(2, 34), raw_dtype=Q.Q8_0)
///     w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
///     print(base64.b64encode(open("fixture.gguf", "rb").read()).decode())
final class GGUFPythonFixtureTests: XCTestCase {
    static let fixtureBase64 = [
        "R0dVRgMAAAADAAAAAAAAABIAAAAAAAAAFAAAAAAAAABnZW5lcmFsLmFyY2hpdGVjdHVyZQgAAAAFAAAAAAAAAGxsYW1hEQAAAAAA",
        "AABnZW5lcmFsLmFsaWdubWVudAQAAABAAAAADAAAAAAAAABnZW5lcmFsLm5hbWUIAAAADgAAAAAAAAB2ZWxsdW0tZml4dHVyZQQA",
        "AAAAAAAAdC51OAAAAADIBAAAAAAAAAB0Lmk4AQAAAPkFAAAAAAAAAHQudTE2AgAAAGDqBQAAAAAAAAB0LmkxNgMAAADQigUAAAAA",
        "AAAAdC51MzIEAAAAAF7QsgUAAAAAAAAAdC5pMzIFAAAAwB3+/wUAAAAAAAAAdC51NjQKAAAAAAAAAAABAAAFAAAAAAAAAHQuaTY0",
        "CwAAAAAAAAAA////BQAAAAAAAAB0LmYzMgYAAAAAAAA+BQAAAAAAAAB0LmY2NAwAAACDtjrSlxKwgQYAAAAAAAAAdC5ib29sBwAA",
        "AAEFAAAAAAAAAHQuc3RyCAAAAA0AAAAAAAAAw58g4oCUIOWMu+WtpgkAAAAAAAAAdC5hcnIuaTMyCQAAAAUAAAADAAAAAAAAAAEA",
        "AAD+////AwAAAAkAAAAAAAAAdC5hcnIuc3RyCQAAAAgAAAADAAAAAAAAAAMAAAAAAAAAPHM+AAAAAAAAAAAGAAAAAAAAAOKWgXRo",
        "ZQwAAAAAAAAAdC5hcnIubmVzdGVkCQAAAAkAAAACAAAAAAAAAAUAAAACAAAAAAAAAAEAAAACAAAABQAAAAEAAAAAAAAAAwAAAAMA",
        "AAAAAAAAZjMyAgAAAAMAAAAAAAAAAgAAAAAAAAAAAAAAAAAAAAAAAAADAAAAAAAAAGYxNgEAAAADAAAAAAAAAAEAAABAAAAAAAAA",
        "AAIAAAAAAAAAcTgCAAAAIAAAAAAAAAACAAAAAAAAAAgAAACAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgD8AAABAAABAQAAAgEAAAKBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAA8AMAAOAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQID",
        "BAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQwAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
    ].joined()

    func testReadsAFileWrittenByGGUFPy() throws {
        let directory = try TemporaryDirectory()
        let bytes = try XCTUnwrap(Data(base64Encoded: Self.fixtureBase64))
        let file = try GGUFFile(path: directory.write(Array(bytes)))

        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.alignment, 64)
        XCTAssertEqual(file.metadataKeys, [
            "general.architecture", "general.alignment", "general.name", "t.u8", "t.i8", "t.u16", "t.i16", "t.u32",
            "t.i32", "t.u64", "t.i64", "t.f32", "t.f64", "t.bool", "t.str", "t.arr.i32", "t.arr.str", "t.arr.nested",
        ])
        let expected: [String: GGUFValue] = [
            "general.architecture": .string("llama"), "general.alignment": .uint32(64),
            "general.name": .string("vellum-fixture"),
            "t.u8": .uint8(200), "t.i8": .int8(-7), "t.u16": .uint16(60000), "t.i16": .int16(-30000),
            "t.u32": .uint32(3_000_000_000), "t.i32": .int32(-123_456), "t.u64": .uint64(1 << 40),
            "t.i64": .int64(-(1 << 40)), "t.f32": .float32(0.125), "t.f64": .float64(-1.5e-300), "t.bool": .bool(true),
            "t.str": .string("ß — 医学"),
            "t.arr.i32": .array(.int32, [.int32(1), .int32(-2), .int32(3)]),
            "t.arr.str": .array(.string, [.string("<s>"), .string(""), .string("▁the")]),
            "t.arr.nested": .array(.array, [.array(.int32, [.int32(1), .int32(2)]), .array(.int32, [.int32(3)])]),
        ]
        for (key, value) in expected { XCTAssertEqual(try file.metadata[key], value, key) }

        // gguf-py (numpy) shapes are outermost first; GGUF's are innermost first.
        XCTAssertEqual(file.tensors.map(\.name), ["f32", "f16", "q8"])
        XCTAssertEqual(file.tensors.map(\.shape), [[3, 2], [3], [32, 2]])
        XCTAssertEqual(file.tensors.map(\.type), [.f32, .f16, .q8_0])
        XCTAssertEqual(file.dataOffset, 768, "the header padded to 64")
        XCTAssertEqual(file.tensors.map(\.offset), [0, 64, 128])
        XCTAssertEqual(file.tensors.map(\.byteCount), [24, 6, 68])

        let f32 = file.tensors[0]
        let floats = (0..<6).map { file.tensorData(f32).loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        XCTAssertEqual(floats, [0, 1, 2, 3, 4, 5])
        let f16 = file.tensors[1]
        let halves = (0..<3).map { UInt16(littleEndian: file.tensorData(f16).loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
        XCTAssertEqual(halves, [0x3C00, 0xC000, 0x3800], "1, -2 and 0.5 in IEEE half precision")
        let q8 = file.tensors[2]
        XCTAssertEqual(Array(UnsafeRawBufferPointer(start: file.tensorData(q8), count: q8.byteCount)), (0..<68).map(UInt8.init))
    }
}
