import Foundation

/// A real model file's header, parsed byte by byte per the GGUF spec (ggml docs/gguf.md) independently of the
/// reader under test, edited, and written to a new file whose tensor data is a hole of zeros of the original
/// size. The model-file rules refuse a file at load, before any weight is read, so the data does not matter;
/// leaving it out makes a hostile copy of a 250 MB model cost only its header.
struct GGUFHeaderEditor {
    /// One metadata entry: its key, value type and the value's raw bytes as the file has them.
    struct Entry {
        var key: String
        var type: UInt32
        var value: [UInt8]
    }

    /// One tensor-index entry and where its fields sit inside it.
    struct TensorEntry {
        var name: String
        var bytes: [UInt8]
        /// Byte offset of the u64 data-offset field inside `bytes`.
        var offsetField: Int
    }

    var version: UInt32
    var entries: [Entry]
    var tensors: [TensorEntry]
    var alignment = 32
    /// Bytes of the tensor-data section (from its aligned start to the end of the file).
    var dataBytes: Int

    init(path: String) throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        // Every bundled model's header fits in its first 16 MB.
        var cursor = Cursor(bytes: [UInt8](try handle.read(upToCount: 16 << 20) ?? Data()))
        precondition(cursor.take(4) == Array("GGUF".utf8), "\(path) is not a GGUF file")
        version = cursor.u32()
        let tensorCount = cursor.u64(), entryCount = cursor.u64()
        entries = []
        for _ in 0..<entryCount {
            let key = cursor.string()
            let type = cursor.u32()
            let start = cursor.offset
            cursor.skipValue(type: type)
            entries.append(Entry(key: key, type: type, value: Array(cursor.bytes[start..<cursor.offset])))
        }
        tensors = []
        for _ in 0..<tensorCount {
            let start = cursor.offset
            let name = cursor.string()
            let dims = Int(cursor.u32())
            _ = cursor.take(8 * dims + 4)
            let offsetField = cursor.offset - start
            _ = cursor.take(8)
            tensors.append(TensorEntry(name: name, bytes: Array(cursor.bytes[start..<cursor.offset]), offsetField: offsetField))
        }
        if let entry = entries.first(where: { $0.key == "general.alignment" }) {
            var value = Cursor(bytes: entry.value)
            alignment = Int(value.u32())
        }
        let dataStart = (cursor.offset + alignment - 1) / alignment * alignment
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        dataBytes = size - dataStart
    }

    // MARK: Editing

    func index(of key: String) -> Int {
        guard let index = entries.firstIndex(where: { $0.key == key }) else { preconditionFailure("no key \(key)") }
        return index
    }

    /// Replaces (or appends) the value of `key`.
    mutating func set(_ key: String, type: UInt32, value: [UInt8]) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index] = Entry(key: key, type: type, value: value)
        } else {
            entries.append(Entry(key: key, type: type, value: value))
        }
    }

    /// The elements of the string array at `key`.
    func strings(_ key: String) -> [[UInt8]] {
        var cursor = Cursor(bytes: entries[index(of: key)].value)
        precondition(cursor.u32() == ValueType.string)
        return (0..<cursor.u64()).map { _ in cursor.take(Int(cursor.u64())) }
    }

    mutating func setStrings(_ key: String, _ strings: [[UInt8]]) {
        set(key, type: ValueType.array, value: Encode.array(ValueType.string, strings.map(Encode.string)))
    }

    /// Overwrites the u64 data offset of tensor `index`.
    mutating func setDataOffset(ofTensor index: Int, to offset: UInt64) {
        let field = tensors[index].offsetField
        tensors[index].bytes.replaceSubrange(field..<(field + 8), with: Encode.u64(offset))
    }

    // MARK: Writing

    /// Writes the edited file; returns its path and the file offset where the tensor index begins.
    func write(in directory: URL, name: String) throws -> (path: String, indexStart: Int) {
        var header = Array("GGUF".utf8) + Encode.u32(version) + Encode.u64(UInt64(tensors.count)) + Encode.u64(UInt64(entries.count))
        for entry in entries { header += Encode.string(Array(entry.key.utf8)) + Encode.u32(entry.type) + entry.value }
        let indexStart = header.count
        for tensor in tensors { header += tensor.bytes }
        header += [UInt8](repeating: 0, count: (alignment - header.count % alignment) % alignment)
        let url = directory.appendingPathComponent(name)
        try Data(header).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(header.count + dataBytes))  // a hole: no data is written
        try handle.close()
        return (url.path, indexStart)
    }

    // MARK: Spec encoding

    /// `gguf_type` codes.
    enum ValueType {
        static let uint32: UInt32 = 4, int32: UInt32 = 5, float32: UInt32 = 6, string: UInt32 = 8, array: UInt32 = 9
        static let uint64: UInt32 = 10, int64: UInt32 = 11
        /// Bytes of one value of each fixed-size type.
        static let sizes: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
    }

    enum Encode {
        static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        static func u64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        static func f32(_ value: Float) -> [UInt8] { u32(value.bitPattern) }
        static func string(_ bytes: [UInt8]) -> [UInt8] { u64(UInt64(bytes.count)) + bytes }
        static func array(_ elementType: UInt32, _ encodedElements: [[UInt8]]) -> [UInt8] {
            u32(elementType) + u64(UInt64(encodedElements.count)) + encodedElements.flatMap { $0 }
        }
    }

    /// Little-endian reads over the header bytes (a test fixture: a malformed bundled model is a setup error).
    struct Cursor {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ count: Int) -> [UInt8] {
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }

        mutating func u32() -> UInt32 { take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        mutating func u64() -> UInt64 { take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        mutating func string() -> String { String(decoding: take(Int(u64())), as: UTF8.self) }

        mutating func skipValue(type: UInt32) {
            if let size = ValueType.sizes[type] { offset += size; return }
            if type == ValueType.string { offset += Int(u64()); return }
            precondition(type == ValueType.array, "unknown value type \(type)")
            let elementType = u32()
            for _ in 0..<u64() { skipValue(type: elementType) }
        }
    }
}
