#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One tensor's entry in the file's tensor table.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// Dimensions, innermost first (ggml's `ne[0]` is the row length).
    public let shape: [Int]
    public let type: GGMLType
    /// Offset of the data from the start of the tensor-data section (always a multiple of the alignment).
    public let offset: Int
    public let byteCount: Int
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A GGUF model file (versions 2 and 3), memory-mapped read-only.
///
/// The file is hostile input: every count, length and offset is checked against the bytes that exist before
/// anything is allocated or read, so a truncated or forged file ends in a `GGUFError`, never a crash.
/// Tensor data stays in the map; `tensorData(_:)` hands out pointers into it without copying.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let version: UInt32
    /// Metadata in file order (order matters to `inspect` and to nothing else).
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// File offset where tensor data begins.
    public let dataOffset: Int
    public let fileSize: Int
    private let tensorIndex: [String: Int]
    private let base: UnsafeRawPointer
    private let mappedLength: Int

    /// Maps and parses the file at `path`.
    public convenience init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw GGUFError.cannotOpen(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else { throw GGUFError.truncated(field: "magic", offset: 0, needed: 4, available: 0) }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        // Ask the kernel to start reading the whole file in the background: the first token would otherwise
        // wait for page faults all the way through the weights. Only advice; failure changes nothing.
        _ = madvise(map, size, MADV_WILLNEED)
        do {
            try self.init(path: path, base: UnsafeRawPointer(map), length: size, ownsMapping: true)
        } catch {
            munmap(map, size)
            throw error
        }
    }

    private let ownsMapping: Bool

    private init(path: String, base: UnsafeRawPointer, length: Int, ownsMapping: Bool) throws {
        var reader = ByteReader(base: base, length: length)
        let magic = try reader.bytes(4, field: "magic")
        guard magic == Array("GGUF".utf8) else { throw GGUFError.badMagic(found: magic) }
        let version: UInt32 = try reader.read(field: "version")
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(version) }

        // Every tensor entry and key/value pair takes at least 8 bytes in the file, which bounds the counts.
        let tensorCount = try reader.count(field: "tensor_count", minimumBytesEach: 8)
        let kvCount = try reader.count(field: "metadata_kv_count", minimumBytesEach: 8)

        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        for _ in 0..<kvCount {
            let keyOffset = reader.offset
            let key = try reader.string(field: "metadata key")
            let rawType: UInt32 = try reader.read(field: "type of '\(key)'")
            let value = try reader.value(rawType: rawType, key: key, typeOffset: reader.offset - 4)
            guard metadata.updateValue(value, forKey: key) == nil else { throw GGUFError.duplicateKey(key, offset: keyOffset) }
            keys.append(key)
        }

        var alignment = 32
        if let value = metadata["general.alignment"] {
            guard let a = value.intValue else {
                // An integer too large for Int is still an alignment, just an impossible one; anything else is mistyped.
                if case let .uint64(raw) = value { throw GGUFError.badAlignment(raw) }
                throw GGUFError.wrongType(key: "general.alignment", expected: "integer", found: value.typeName)
            }
            guard a > 0, a & (a - 1) == 0 else { throw GGUFError.badAlignment(UInt64(truncatingIfNeeded: a)) }
            alignment = a
        }

        // Data offsets stay UInt64 until they are checked against the file below: a forged one may not fit an Int.
        var entries: [(name: String, shape: [Int], type: GGMLType, dataOffset: UInt64, bytes: Int)] = []
        var index: [String: Int] = [:]
        for _ in 0..<tensorCount {
            let entryOffset = reader.offset
            let name = try reader.string(field: "tensor name")
            let dimCount: UInt32 = try reader.read(field: "n_dims of '\(name)'")
            guard (1...4).contains(dimCount) else {
                throw GGUFError.invalidTensorShape(tensor: name, offset: entryOffset, reason: "\(dimCount) dimensions (1 to 4 allowed)")
            }
            var shape: [Int] = []
            var elements = 1
            for _ in 0..<dimCount {
                let dim: UInt64 = try reader.read(field: "dimension of '\(name)'")
                guard dim > 0, dim <= UInt64(Int32.max), case let (product, overflow) = elements.multipliedReportingOverflow(by: Int(dim)), !overflow else {
                    throw GGUFError.invalidTensorShape(tensor: name, offset: entryOffset, reason: "dimension \(dim) is zero or too large")
                }
                elements = product
                shape.append(Int(dim))
            }
            let typeOffset = reader.offset
            let rawType: UInt32 = try reader.read(field: "type of '\(name)'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw GGUFError.unknownTensorType(tensor: name, offset: typeOffset, type: rawType)
            }
            guard shape[0] % type.blockElements == 0 else {
                throw GGUFError.invalidTensorShape(
                    tensor: name, offset: entryOffset,
                    reason: "row length \(shape[0]) is not a multiple of \(type)'s block of \(type.blockElements)")
            }
            guard let bytes = type.byteCount(elements: elements) else {
                throw GGUFError.invalidTensorShape(
                    tensor: name, offset: entryOffset, reason: "\(elements) \(type) elements overflow a 64-bit byte count")
            }
            let offsetFieldOffset = reader.offset
            let dataOffset: UInt64 = try reader.read(field: "data offset of '\(name)'")
            guard dataOffset % UInt64(alignment) == 0 else {
                throw GGUFError.misalignedTensor(
                    tensor: name, offset: offsetFieldOffset, dataOffset: dataOffset, alignment: alignment)
            }
            guard index.updateValue(entries.count, forKey: name) == nil else {
                throw GGUFError.duplicateTensor(name, offset: entryOffset)
            }
            entries.append((name, shape, type, dataOffset, bytes))
        }

        let dataStart = (reader.offset + alignment - 1) / alignment * alignment
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(entries.count)
        for entry in entries {
            // The error names the absolute file position, saturated when a forged offset overflows 64 bits.
            let (start, startOverflow) = UInt64(dataStart).addingReportingOverflow(entry.dataOffset)
            let (end, endOverflow) = start.addingReportingOverflow(UInt64(entry.bytes))
            guard !startOverflow, !endOverflow, end <= UInt64(length) else {
                throw GGUFError.tensorOutOfBounds(
                    tensor: entry.name, start: startOverflow ? .max : start, bytes: entry.bytes, fileSize: length)
            }
            tensors.append(GGUFTensorInfo(
                name: entry.name, shape: entry.shape, type: entry.type, offset: Int(entry.dataOffset), byteCount: entry.bytes))
        }

        self.path = path
        self.version = version
        self.metadataKeys = keys
        self.metadata = metadata
        self.tensors = tensors
        self.tensorIndex = index
        self.alignment = alignment
        self.dataOffset = dataStart
        self.fileSize = length
        self.base = base
        self.mappedLength = length
        self.ownsMapping = ownsMapping
    }

    deinit {
        if ownsMapping { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }
    }

    // MARK: Tensors

    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The tensor's bytes inside the map, valid as long as this file object lives.
    public func tensorData(_ tensor: GGUFTensorInfo) -> UnsafeRawPointer {
        base + dataOffset + tensor.offset
    }

    // MARK: Typed metadata access

    /// The value at `key`, or a `missingKey` error.
    public func value(_ key: String) throws -> GGUFValue {
        guard let value = metadata[key] else { throw GGUFError.missingKey(key) }
        return value
    }

    public func string(_ key: String) throws -> String {
        let value = try value(key)
        guard let s = value.stringValue else { throw GGUFError.wrongType(key: key, expected: "string", found: value.typeName) }
        return s
    }

    public func int(_ key: String) throws -> Int {
        let value = try value(key)
        guard let i = value.intValue else { throw GGUFError.wrongType(key: key, expected: "integer", found: value.typeName) }
        return i
    }

    public func float(_ key: String) throws -> Float {
        let value = try value(key)
        guard let f = value.floatValue else { throw GGUFError.wrongType(key: key, expected: "number", found: value.typeName) }
        return f
    }

    public func bool(_ key: String) throws -> Bool {
        let value = try value(key)
        guard let b = value.boolValue else { throw GGUFError.wrongType(key: key, expected: "bool", found: value.typeName) }
        return b
    }

    public func strings(_ key: String) throws -> [String] {
        try array(key, expected: "array of strings") { $0.stringValue }
    }

    public func floats(_ key: String) throws -> [Float] {
        try array(key, expected: "array of numbers") { $0.floatValue }
    }

    public func ints(_ key: String) throws -> [Int] {
        try array(key, expected: "array of integers") { $0.intValue }
    }

    private func array<T>(_ key: String, expected: String, _ element: (GGUFValue) -> T?) throws -> [T] {
        let value = try value(key)
        guard let items = value.arrayValue else { throw GGUFError.wrongType(key: key, expected: expected, found: value.typeName) }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let converted = element(item) else {
                throw GGUFError.wrongType(key: key, expected: expected, found: value.typeName)
            }
            result.append(converted)
        }
        return result
    }

    /// `try?`-free optional lookups: absent is nil, present with the wrong type is still an error.
    public func optional<T>(_ key: String, _ get: (String) throws -> T) throws -> T? {
        metadata[key] == nil ? nil : try get(key)
    }
}

/// A cursor over the mapped bytes that checks every read against the end of the file.
struct ByteReader {
    /// The most elements one metadata array may hold (see `value(rawType:...)`).
    static let maximumArrayElements = 1 << 24

    let base: UnsafeRawPointer
    let length: Int
    private(set) var offset = 0

    init(base: UnsafeRawPointer, length: Int) {
        self.base = base
        self.length = length
    }

    var remaining: Int { length - offset }

    private func require(_ needed: Int, field: String) throws {
        guard needed <= remaining else {
            throw GGUFError.truncated(field: field, offset: offset, needed: needed, available: remaining)
        }
    }

    mutating func read<T: FixedWidthInteger>(field: String) throws -> T {
        try require(MemoryLayout<T>.size, field: field)
        let value = T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    mutating func bytes(_ count: Int, field: String) throws -> [UInt8] {
        try require(count, field: field)
        let buffer = UnsafeRawBufferPointer(start: base + offset, count: count)
        offset += count
        return Array(buffer)
    }

    /// A 64-bit count, refused when even `minimumBytesEach` bytes per item would run past the end of the file.
    mutating func count(field: String, minimumBytesEach: Int) throws -> Int {
        let start = offset
        let raw: UInt64 = try read(field: field)
        guard raw <= UInt64(remaining / max(minimumBytesEach, 1)) else {
            throw GGUFError.countTooLarge(field: field, offset: start, count: raw)
        }
        return Int(raw)
    }

    mutating func string(field: String) throws -> String {
        let start = offset
        let byteCount = try count(field: "length of \(field)", minimumBytesEach: 1)
        try require(byteCount, field: field)
        let buffer = UnsafeRawBufferPointer(start: base + offset, count: byteCount)
        // Vocabulary pieces are raw bytes in principle; llama.cpp keeps them byte-exact, and so do we, except
        // that Swift strings must be valid UTF-8: a key or name that is not is an error rather than a repair.
        guard let s = String(validating: buffer.bindMemory(to: UInt8.self), as: UTF8.self) else {
            throw GGUFError.invalidString(field: field, offset: start)
        }
        offset += byteCount
        return s
    }

    /// How deep arrays of arrays may nest. The spec sets no limit and no model nests at all (llama.cpp refuses
    /// nested arrays); the limit keeps a forged file from recursing the reader off the end of its stack.
    static let maximumArrayNesting = 16

    mutating func value(rawType: UInt32, key: String, typeOffset: Int, depth: Int = 0) throws -> GGUFValue {
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw GGUFError.unknownValueType(key: key, offset: typeOffset, type: rawType)
        }
        switch type {
        case .uint8: return .uint8(try read(field: key))
        case .int8: return .int8(try read(field: key))
        case .uint16: return .uint16(try read(field: key))
        case .int16: return .int16(try read(field: key))
        case .uint32: return .uint32(try read(field: key))
        case .int32: return .int32(try read(field: key))
        case .uint64: return .uint64(try read(field: key))
        case .int64: return .int64(try read(field: key))
        case .float32: return .float32(Float(bitPattern: try read(field: key)))
        case .float64: return .float64(Double(bitPattern: try read(field: key)))
        case .bool:
            let byte: UInt8 = try read(field: key)
            return .bool(byte != 0)
        case .string: return .string(try string(field: "value of '\(key)'"))
        case .array:
            let elementTypeOffset = offset
            let rawElement: UInt32 = try read(field: "element type of '\(key)'")
            guard let elementType = GGUFValueType(rawValue: rawElement) else {
                throw GGUFError.unknownValueType(key: key, offset: elementTypeOffset, type: rawElement)
            }
            guard elementType != .array || depth < Self.maximumArrayNesting else {
                throw GGUFError.nestingTooDeep(key: key, offset: elementTypeOffset)
            }
            // A string takes at least its 8-byte length; nested arrays at least their 12-byte header.
            let minimum = elementType.fixedSize ?? (elementType == .string ? 8 : 12)
            let countOffset = offset
            let count = try count(field: "element count of '\(key)'", minimumBytesEach: minimum)
            // Each element costs a 24-byte `GGUFValue` in memory however small it is in the file, so a forged
            // array of a billion bytes would ask for tens of gigabytes. The largest real metadata arrays are
            // vocabularies of a few hundred thousand entries.
            guard count <= Self.maximumArrayElements else {
                throw GGUFError.countTooLarge(field: "element count of '\(key)'", offset: countOffset, count: UInt64(count))
            }
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                values.append(try value(rawType: rawElement, key: key, typeOffset: elementTypeOffset, depth: depth + 1))
            }
            return .array(elementType, values)
        }
    }
}
