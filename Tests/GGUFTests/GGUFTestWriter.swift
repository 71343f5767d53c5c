import Foundation
import GGUF

/// A test-only GGUF writer that lays files out byte by byte, following the spec (ggml `docs/gguf.md`) rather
/// than the reader, so that reading what it writes is an independent check of the reader.
///
/// Layout of versions 2 and 3 (little-endian; v3 only added big-endian files, which we do not write):
///
///     magic "GGUF" | u32 version | u64 tensor_count | u64 metadata_kv_count
///     metadata_kv_count × { string key | u32 value_type | value }
///     tensor_count × { string name | u32 n_dims | n_dims × u64 ne | u32 ggml_type | u64 offset }
///     zero padding up to a multiple of the alignment
///     tensor data, each tensor starting at its (aligned) offset from the start of this section
///
/// where `string` is a u64 byte length followed by the bytes (no terminator), and an array value is
/// `u32 element_type | u64 count | count × value`, arrays of arrays included.
///
/// The writer records where it put every field (`Layout`), so tests can patch one field of a valid file to
/// make it broken and then check that the reader's error names exactly that offset.
struct GGUFTestWriter {
    struct Tensor {
        var name: String
        var shape: [UInt64]
        var type: UInt32
        /// The tensor's bytes. When nil, the writer fills `byteCount(type, shape)` bytes with a pattern
        /// derived from the tensor's index, so tests can tell tensors' data apart.
        var data: [UInt8]?
        /// The offset to write in the tensor table; nil means "next aligned offset after the previous tensor".
        var offset: UInt64?

        init(_ name: String, shape: [UInt64], type: GGMLType, data: [UInt8]? = nil, offset: UInt64? = nil) {
            self.init(name, shape: shape, rawType: type.rawValue, data: data, offset: offset)
        }

        init(_ name: String, shape: [UInt64], rawType: UInt32, data: [UInt8]? = nil, offset: UInt64? = nil) {
            self.name = name
            self.shape = shape
            self.type = rawType
            self.data = data
            self.offset = offset
        }
    }

    /// Where each field landed in the written file. All offsets are absolute file offsets.
    struct Layout {
        struct Entry {
            var keyOffset = 0      // start of the key's u64 length
            var typeOffset = 0     // the u32 value type
            var valueOffset = 0    // the value itself (for arrays: the u32 element type)
        }
        struct TensorEntry {
            var entryOffset = 0    // start of the name's u64 length
            var nDimsOffset = 0
            var typeOffset = 0
            var offsetFieldOffset = 0
            var relativeDataOffset: UInt64 = 0   // the value written in the offset field
            var data: [UInt8] = []
        }
        var tensorCountOffset = 8
        var kvCountOffset = 16
        var metadata: [Entry] = []
        var tensors: [TensorEntry] = []
        /// Where the tensor-data section begins (the header rounded up to the alignment).
        var dataStart = 0
    }

    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var metadata: [(key: String, value: GGUFValue)] = []
    var tensors: [Tensor] = []
    /// The alignment used to pad; when `general.alignment` is in `metadata` it should agree (tests of a
    /// *bad* alignment key set this to the default explicitly, since 0 or 3 cannot be used for padding).
    var alignment = 32

    /// Bytes of a whole number of blocks (Int.max when the element count overflows), computed from the spec's block table independently of `GGMLType`.
    static func byteCount(type: UInt32, shape: [UInt64]) -> Int {
        // (elements per block, bytes per block) from ggml-common.h.
        let blocks: [UInt32: (Int, Int)] = [
            0: (1, 4), 1: (1, 2), 30: (1, 2),
            2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 36),
            10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292),
        ]
        guard let (elementsPerBlock, bytesPerBlock) = blocks[type] else { return 0 }
        var elements = 1
        for dim in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(clamping: dim))
            guard !overflow else { return Int.max }
            elements = product
        }
        let (bytes, overflow) = (elements / elementsPerBlock).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? Int.max : bytes
    }

    func build() -> (bytes: [UInt8], layout: Layout) {
        var out = ByteSink()
        var layout = Layout()
        out.append(magic)
        out.u32(version)
        layout.tensorCountOffset = out.count
        out.u64(UInt64(tensors.count))
        layout.kvCountOffset = out.count
        out.u64(UInt64(metadata.count))

        for (key, value) in metadata {
            var entry = Layout.Entry()
            entry.keyOffset = out.count
            out.string(key)
            entry.typeOffset = out.count
            out.u32(Self.typeCode(of: value))
            entry.valueOffset = out.count
            out.value(value)
            layout.metadata.append(entry)
        }

        var nextOffset: UInt64 = 0
        var datas: [[UInt8]] = []
        for (index, tensor) in tensors.enumerated() {
            var entry = Layout.TensorEntry()
            entry.entryOffset = out.count
            out.string(tensor.name)
            entry.nDimsOffset = out.count
            out.u32(UInt32(tensor.shape.count))
            for dim in tensor.shape { out.u64(dim) }
            entry.typeOffset = out.count
            out.u32(tensor.type)
            entry.offsetFieldOffset = out.count
            // Forged shapes can claim terabytes; those get no data (the reader must refuse them from the table).
            let size = Self.byteCount(type: tensor.type, shape: tensor.shape)
            let data = tensor.data ?? (0..<(size <= 1 << 20 ? size : 0)).map {
                UInt8(truncatingIfNeeded: $0 &* 7 &+ index &* 31 &+ 1)
            }
            let offset = tensor.offset ?? nextOffset
            out.u64(offset)
            entry.relativeDataOffset = offset
            entry.data = data
            nextOffset = Self.roundUp(offset + UInt64(data.count), to: UInt64(alignment))
            datas.append(data)
            layout.tensors.append(entry)
        }

        layout.dataStart = Int(Self.roundUp(UInt64(out.count), to: UInt64(alignment)))
        if !tensors.isEmpty { out.padTo(layout.dataStart) }  // a file of metadata only ends with its last value
        // Data goes where the table says, as long as that is in the file we are writing; forged offsets
        // (out of bounds, misaligned) simply have no data behind them. No padding after the last tensor, so
        // that every proper prefix of a file is missing some tensor's bytes.
        for (entry, data) in zip(layout.tensors, datas) where !data.isEmpty {
            let start = layout.dataStart + Int(clamping: entry.relativeDataOffset)
            guard start >= out.count else { continue }
            out.padTo(start)
            out.append(data)
        }
        return (out.bytes, layout)
    }

    static func roundUp(_ value: UInt64, to alignment: UInt64) -> UInt64 {
        (value + alignment - 1) / alignment * alignment
    }

    /// The `gguf_type` code for a value, as the spec numbers them.
    static func typeCode(of value: GGUFValue) -> UInt32 {
        switch value {
        case .uint8: return 0
        case .int8: return 1
        case .uint16: return 2
        case .int16: return 3
        case .uint32: return 4
        case .int32: return 5
        case .float32: return 6
        case .bool: return 7
        case .string: return 8
        case .array: return 9
        case .uint64: return 10
        case .int64: return 11
        case .float64: return 12
        }
    }
}

/// Little-endian byte appender for the writer and for hand-made files.
struct ByteSink {
    private(set) var bytes: [UInt8] = []
    var count: Int { bytes.count }

    mutating func append(_ raw: [UInt8]) { bytes += raw }
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { littleEndian(v) }
    mutating func u32(_ v: UInt32) { littleEndian(v) }
    mutating func u64(_ v: UInt64) { littleEndian(v) }
    mutating func string(_ s: String) {
        u64(UInt64(s.utf8.count))
        bytes += Array(s.utf8)
    }
    mutating func padTo(_ offset: Int) {
        if offset > bytes.count { bytes += [UInt8](repeating: 0, count: offset - bytes.count) }
    }

    private mutating func littleEndian<T: FixedWidthInteger>(_ v: T) {
        for shift in stride(from: 0, to: T.bitWidth, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> shift)) }
    }

    mutating func value(_ value: GGUFValue) {
        switch value {
        case let .uint8(v): u8(v)
        case let .int8(v): u8(UInt8(bitPattern: v))
        case let .uint16(v): u16(v)
        case let .int16(v): u16(UInt16(bitPattern: v))
        case let .uint32(v): u32(v)
        case let .int32(v): u32(UInt32(bitPattern: v))
        case let .uint64(v): u64(v)
        case let .int64(v): u64(UInt64(bitPattern: v))
        case let .float32(v): u32(v.bitPattern)
        case let .float64(v): u64(v.bitPattern)
        case let .bool(v): u8(v ? 1 : 0)
        case let .string(s): string(s)
        case let .array(elementType, items):
            u32(elementType.rawValue)
            u64(UInt64(items.count))
            for item in items { self.value(item) }
        }
    }
}

extension Array where Element == UInt8 {
    /// Overwrites the little-endian integer at `offset` (to forge one field of an otherwise valid file).
    mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for i in 0..<(T.bitWidth / 8) { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}

/// Writes test files into a fresh temporary directory that is removed with the object.
final class TemporaryDirectory {
    let url: URL
    private var counter = 0

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to a new file and returns its path.
    func write(_ bytes: [UInt8], name: String = "model") throws -> String {
        counter += 1
        let path = url.appendingPathComponent("\(name)-\(counter).gguf").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
