import Foundation
import GGUF
@testable import Inference
import XCTest

final class ArchitectureRegistryTests: XCTestCase {
    /// A GGUF v3 file with one string key and no tensors, written byte by byte per the GGUF spec.
    private func fileDeclaring(architecture: String) throws -> GGUFFile {
        var bytes = Array("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
        u32(3)       // version
        u64(0)       // tensor_count
        u64(1)       // metadata_kv_count
        string("general.architecture")
        u32(8)       // GGUF_TYPE_STRING
        string(architecture)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("arch-\(UUID().uuidString).gguf")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return try GGUFFile(path: url.path)
    }

    func testUnknownArchitectureIsNamedWithTheSupportedOnes() throws {
        XCTAssertThrowsError(try ArchitectureRegistry.load(fileDeclaring(architecture: "mamba"))) { error in
            XCTAssertEqual(error as? ModelError, .unknownArchitecture("mamba", known: ["gemma3", "llama", "qwen2"]))
        }
    }

    func testKnownArchitectureWithMissingKeysNamesTheKey() throws {
        XCTAssertThrowsError(try ArchitectureRegistry.load(fileDeclaring(architecture: "qwen2"))) { error in
            XCTAssertEqual(error as? GGUFError, .missingKey("qwen2.embedding_length"))
        }
    }
}
