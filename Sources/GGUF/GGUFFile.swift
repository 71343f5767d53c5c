#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an open file's bytes live.
public enum FileResidency: String, Sendable, CaseIterable {
    /// Mapped read-only from the page cache: nothing is copied, and every process that opens the file shares
    /// one copy of it in memory.
    case mapped
    /// Copied into this process's own memory in 2 MiB transparent huge pages. One token's generation reads
    /// every weight once, so decoding is bound by memory bandwidth; with 4 KiB pages the processor's stream
    /// prefetchers stop at every page boundary, and a copy in huge pages streamed measurably faster here than
    /// the page-cache map (see the README). The cost is the copy at load (a fraction of a second per GB from
    /// the page cache) and that processes no longer share the weights.
    case hugePages = "huge-pages"

    static let hugePageBytes = 2 << 20

    /// Whether Linux's transparent huge pages are on for memory advised for them: "[always]" or "[madvise]"
    /// in sysfs (not "[never]", where a copy would only cost time and sharing).
    public static func transparentHugePagesOnRequest(setting path: String = "/sys/kernel/mm/transparent_hugepage/enabled") -> Bool {
        #if os(Linux)
        guard let file = fopen(path, "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, Int32(line.count), file) != nil else { return false }
        let setting = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return setting.contains("[always]") || setting.contains("[madvise]")
        #else
        return false
        #endif
    }
}

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
    /// Every key's value; arrays stay in the map until looked up (`array(_:)` gives them without decoding).
    public let metadata: GGUFMetadata
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// File offset where tensor data begins.
    public let dataOffset: Int
    public let fileSize: Int
    /// Where the file's bytes are held.
    public let residency: FileResidency
    private let tensorIndex: [String: Int]
    private let mapping: GGUFMapping
    private var base: UnsafeRawPointer { mapping.base }

    /// Maps (or copies, see `FileResidency`) and parses the file at `path`.
    public convenience init(path: String, residency: FileResidency = .mapped) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw GGUFError.cannotOpen(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else { throw GGUFError.truncated(field: "magic", offset: 0, needed: 4, available: 0) }
        // The mapping unmaps itself when the last holder lets go, including when parsing fails below.
        let mapping = switch residency {
        case .mapped: try Self.map(fd, size: size, path: path)
        case .hugePages: try Self.copyToHugePages(fd, size: size, path: path)
        }
        try self.init(path: path, mapping: mapping, residency: residency)
    }

    private static func map(_ fd: Int32, size: Int, path: String) throws -> GGUFMapping {
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        // Ask the kernel to start reading the whole file in the background: the first token would otherwise
        // wait for page faults all the way through the weights. Only advice; failure changes nothing.
        _ = madvise(map, size, MADV_WILLNEED)
        return GGUFMapping(map: map, length: size)
    }

    /// Reads the file into anonymous memory that starts on a huge-page boundary and is advised for transparent
    /// huge pages (see `FileResidency.hugePages` for why).
    private static func copyToHugePages(_ fd: Int32, size: Int, path: String) throws -> GGUFMapping {
        let page = FileResidency.hugePageBytes
        let regionLength = size + page  // room to move the start up to the next boundary
        guard let region = mmap(nil, regionLength, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              region != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: "cannot allocate \(size) bytes: \(String(cString: strerror(errno)))")
        }
        let base = region + (page - Int(bitPattern: region) % page) % page
        // The mapping owns the region from here on, so an error below unmaps it.
        let mapping = GGUFMapping(base: UnsafeRawPointer(base), length: size, region: region, regionLength: regionLength)
        #if os(Linux)
        // Only advice: where the kernel gives no huge pages the copy still holds the same bytes.
        _ = madvise(base, size, Int32(MADV_HUGEPAGE))
        #endif
        var done = 0
        while done < size {
            let count = pread(fd, base + done, min(size - done, 1 << 26), off_t(done))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = count < 0 ? String(cString: strerror(errno)) : "the file ended at byte \(done) of \(size) while it was read"
                throw GGUFError.cannotOpen(path: path, reason: reason)
            }
            done += count
        }
        return mapping
    }

    private init(path: String, mapping: GGUFMapping, residency: FileResidency) throws {
        let length = mapping.length
        var reader = ByteReader(base: mapping.base, length: length)
        let magic = try reader.bytes(4, field: "magic")
        guard magic == Array("GGUF".utf8) else { throw GGUFError.badMagic(found: magic) }
        let version: UInt32 = try reader.read(field: "version")
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(version) }

        // Every tensor entry and key/value pair takes at least 8 bytes in the file, which bounds the counts.
        let tensorCount = try reader.count(field: "tensor_count", minimumBytesEach: 8)
        let kvCount = try reader.count(field: "metadata_kv_count", minimumBytesEach: 8)

        var keys: [String] = []
        var metadata: [String: GGUFMetadataEntry] = [:]
        for _ in 0..<kvCount {
            let keyOffset = reader.offset
            let key = try reader.string(field: "metadata key", limit: ByteReader.maximumKeyBytes)
            let rawType: UInt32 = try reader.read(field: "type of '\(key)'")
            let entry = try reader.metadataEntry(rawType: rawType, key: key, typeOffset: reader.offset - 4, mapping: mapping)
            guard metadata.updateValue(entry, forKey: key) == nil else { throw GGUFError.duplicateKey(key, offset: keyOffset) }
            keys.append(key)
        }

        var alignment = 32
        if let entry = metadata["general.alignment"] {
            // Rule: general.alignment is a u32, as the spec gives it. llama.cpp reads it with gguf_get_val_u32,
            // which aborts on any other type, so a file with another width is one no other reader accepts.
            guard case let .value(.uint32(raw)) = entry else {
                throw GGUFError.wrongType(key: "general.alignment", expected: "u32", found: entry.typeName)
            }
            guard raw > 0, raw & (raw - 1) == 0 else { throw GGUFError.badAlignment(UInt64(raw)) }
            alignment = Int(raw)
        }

        // Data offsets stay UInt64 until they are checked against the file below: a forged one may not fit an Int.
        var entries: [(name: String, shape: [Int], type: GGMLType, dataOffset: UInt64, bytes: Int, offsetField: Int)] = []
        var index: [String: Int] = [:]
        for _ in 0..<tensorCount {
            let entryOffset = reader.offset
            let name = try reader.string(field: "tensor name", limit: ByteReader.maximumTensorNameBytes)
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
            entries.append((name, shape, type, dataOffset, bytes, offsetFieldOffset))
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
        try Self.checkBackToBack(tensors, offsetFields: entries.map(\.offsetField), alignment: alignment)

        self.path = path
        self.version = version
        self.metadataKeys = keys
        self.metadata = GGUFMetadata(entries: metadata)
        self.tensors = tensors
        self.tensorIndex = index
        self.alignment = alignment
        self.dataOffset = dataStart
        self.fileSize = length
        self.mapping = mapping
        self.residency = residency
    }

    /// Rule: tensor data lies back to back in index order, each tensor starting where the previous one ends,
    /// padded to the alignment (ggml's gguf.cpp refuses any other offset the same way). Data ranges that overlap
    /// would read one tensor's bytes as another's weights; and since every size, type and offset in the index
    /// decides where the next tensor starts, a byte changed in any of them moves some tensor off its place.
    private static func checkBackToBack(_ tensors: [GGUFTensorInfo], offsetFields: [Int], alignment: Int) throws {
        var expected = 0
        for (index, tensor) in tensors.enumerated() {
            if tensor.offset < expected {
                // Earlier tensors tile [0, expected), so exactly one of them holds this start.
                let other = tensors[..<index].last { $0.offset <= tensor.offset } ?? tensors[0]
                throw GGUFError.overlappingTensors(tensor: tensor.name, offset: offsetFields[index], other: other.name)
            }
            guard tensor.offset == expected else {
                throw GGUFError.unexpectedTensorOffset(
                    tensor: tensor.name, offset: offsetFields[index], dataOffset: tensor.offset, expected: expected)
            }
            // Both were checked against the file's length, so the sum cannot overflow.
            expected = (tensor.offset + tensor.byteCount + alignment - 1) / alignment * alignment
        }
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

    private func entry(_ key: String) throws -> GGUFMetadataEntry {
        guard let entry = metadata.entries[key] else { throw GGUFError.missingKey(key) }
        return entry
    }

    /// The value at `key` (an array decoded), or a `missingKey` error.
    public func value(_ key: String) throws -> GGUFValue {
        guard let value = try metadata[key] else { throw GGUFError.missingKey(key) }
        return value
    }

    /// The scalar or string at `key` converted by `convert`; an array or a value `convert` refuses is a
    /// `wrongType` error naming `expected`.
    private func scalar<T>(_ key: String, expected: String, _ convert: (GGUFValue) -> T?) throws -> T {
        let entry = try entry(key)
        guard case let .value(value) = entry, let converted = convert(value) else {
            throw GGUFError.wrongType(key: key, expected: expected, found: entry.typeName)
        }
        return converted
    }

    public func string(_ key: String) throws -> String { try scalar(key, expected: "string") { $0.stringValue } }
    public func int(_ key: String) throws -> Int { try scalar(key, expected: "integer") { $0.intValue } }
    public func float(_ key: String) throws -> Float { try scalar(key, expected: "number") { $0.floatValue } }
    public func bool(_ key: String) throws -> Bool { try scalar(key, expected: "bool") { $0.boolValue } }

    /// The array at `key` as a view over the map: nothing is decoded or copied until its elements are read.
    public func array(_ key: String) throws -> GGUFArray {
        try array(key, expected: "array")
    }

    private func array(_ key: String, expected: String) throws -> GGUFArray {
        let entry = try entry(key)
        guard case let .array(array) = entry else {
            throw GGUFError.wrongType(key: key, expected: expected, found: entry.typeName)
        }
        return array
    }

    public func strings(_ key: String) throws -> [String] {
        let expected = "array of strings"
        return try array(key, expected: expected).map(expected: expected) { $0.stringValue }
    }

    public func floats(_ key: String) throws -> [Float] {
        let expected = "array of numbers"
        return try array(key, expected: expected).map(expected: expected) { $0.floatValue }
    }

    public func ints(_ key: String) throws -> [Int] {
        let expected = "array of integers"
        return try array(key, expected: expected).map(expected: expected) { $0.intValue }
    }

    /// `try?`-free optional lookups: absent is nil, present with the wrong type is still an error.
    public func optional<T>(_ key: String, _ get: (String) throws -> T) throws -> T? {
        metadata.contains(key) ? try get(key) : nil
    }
}

/// A cursor over the mapped bytes that checks every read against the end of the file.
///
/// Field names for errors are autoclosures: a vocabulary walks hundreds of thousands of strings, and a name
/// such as "value of 'tokenizer.ggml.tokens'" should be built only when something is wrong.
struct ByteReader {
    /// The most elements one metadata array may hold (see `arrayHeader`).
    static let maximumArrayElements = 1 << 24
    /// Rule: a metadata key is at most 65,535 bytes, the spec's own limit.
    static let maximumKeyBytes = (1 << 16) - 1
    /// Rule: a tensor name is at most 63 bytes: ggml's GGML_MAX_NAME (64) holds the name and its NUL, and
    /// llama.cpp refuses longer names.
    static let maximumTensorNameBytes = 63
    /// Rule: a string value (a scalar such as the chat template, or one element of an array such as a token text)
    /// is at most 1 MiB. The spec sets no limit; the largest real strings are chat templates of tens of
    /// kilobytes. Scalar strings are copied into memory when the file opens, and templates are parsed and
    /// matched, so a forged length of gigabytes that the file really holds would otherwise be paid for in full.
    static let maximumStringValueBytes = 1 << 20

    let base: UnsafeRawPointer
    /// Reads stop here: the end of the file, or of the array a view reads.
    let length: Int
    private(set) var offset: Int

    init(base: UnsafeRawPointer, length: Int, offset: Int = 0) {
        self.base = base
        self.length = length
        self.offset = offset
    }

    var remaining: Int { length - offset }

    private func require(_ needed: Int, field: @autoclosure () -> String) throws {
        guard needed <= remaining else {
            throw GGUFError.truncated(field: field(), offset: offset, needed: needed, available: remaining)
        }
    }

    mutating func read<T: FixedWidthInteger>(field: @autoclosure () -> String) throws -> T {
        try require(MemoryLayout<T>.size, field: field())
        let value = T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    mutating func bytes(_ count: Int, field: @autoclosure () -> String) throws -> [UInt8] {
        Array(try rawBytes(count, field: field()))
    }

    /// The next `count` bytes, in place.
    mutating func rawBytes(_ count: Int, field: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        try require(count, field: field())
        let buffer = UnsafeRawBufferPointer(start: base + offset, count: count)
        offset += count
        return buffer
    }

    /// A 64-bit count, refused when even `minimumBytesEach` bytes per item would run past the end of the file.
    mutating func count(field: @autoclosure () -> String, minimumBytesEach: Int) throws -> Int {
        let start = offset
        let raw: UInt64 = try read(field: field())
        guard raw <= UInt64(remaining / max(minimumBytesEach, 1)) else {
            throw GGUFError.countTooLarge(field: field(), offset: start, count: raw)
        }
        return Int(raw)
    }

    /// A string's bytes in place (length-prefixed), checked against `limit` and to be valid UTF-8 without
    /// copying them.
    mutating func stringBytes(field: @autoclosure () -> String,
                              limit: Int = maximumStringValueBytes) throws -> UnsafeRawBufferPointer {
        let start = offset
        let byteCount = try count(field: "length of \(field())", minimumBytesEach: 1)
        guard byteCount <= limit else {
            throw GGUFError.stringTooLong(field: field(), offset: start, bytes: byteCount, limit: limit)
        }
        let buffer = try rawBytes(byteCount, field: field())
        // Vocabulary pieces are raw bytes in principle; llama.cpp keeps them byte-exact, and so do we, except
        // that Swift strings must be valid UTF-8: a key or name that is not is an error rather than a repair.
        guard Self.isValidUTF8(buffer) else { throw GGUFError.invalidString(field: field(), offset: start) }
        return buffer
    }

    mutating func string(field: @autoclosure () -> String, limit: Int = maximumStringValueBytes) throws -> String {
        String(decoding: try stringBytes(field: field(), limit: limit), as: UTF8.self)
    }

    /// UTF-8 validity as Swift's `String(validating:)` decides it (no overlong forms, surrogates or values
    /// past U+10FFFF), without building a string; ASCII, most of any vocabulary, takes the fast path.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if bytes.allSatisfy({ $0 < 0x80 }) { return true }
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// How deep arrays of arrays may nest. The spec sets no limit and no model nests at all (llama.cpp refuses
    /// nested arrays); the limit keeps a forged file from recursing the reader off the end of its stack.
    static let maximumArrayNesting = 16

    /// One value of a fixed-size type read from `pointer` (little-endian, any alignment).
    static func fixedWidthValue(_ type: GGUFValueType, at pointer: UnsafeRawPointer) -> GGUFValue {
        func load<T: FixedWidthInteger>(_: T.Type) -> T { T(littleEndian: pointer.loadUnaligned(as: T.self)) }
        switch type {
        case .uint8: return .uint8(load(UInt8.self))
        case .int8: return .int8(load(Int8.self))
        case .uint16: return .uint16(load(UInt16.self))
        case .int16: return .int16(load(Int16.self))
        case .uint32: return .uint32(load(UInt32.self))
        case .int32: return .int32(load(Int32.self))
        case .uint64: return .uint64(load(UInt64.self))
        case .int64: return .int64(load(Int64.self))
        case .float32: return .float32(Float(bitPattern: load(UInt32.self)))
        case .float64: return .float64(Double(bitPattern: load(UInt64.self)))
        case .bool: return .bool(load(UInt8.self) != 0)
        case .string, .array: preconditionFailure("\(type) is not a fixed-size type")
        }
    }

    mutating func value(rawType: UInt32, key: String, typeOffset: Int, depth: Int = 0) throws -> GGUFValue {
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw GGUFError.unknownValueType(key: key, offset: typeOffset, type: rawType)
        }
        if let size = type.fixedSize {
            let bytes = try rawBytes(size, field: key)
            return Self.fixedWidthValue(type, at: bytes.baseAddress!)
        }
        switch type {
        case .string: return .string(try string(field: "value of '\(key)'"))
        default:
            let header = try arrayHeader(key: key, depth: depth)
            var values: [GGUFValue] = []
            values.reserveCapacity(header.count)
            for _ in 0..<header.count {
                values.append(try value(rawType: header.type.rawValue, key: key, typeOffset: header.typeOffset, depth: depth + 1))
            }
            return .array(header.type, values)
        }
    }

    /// An array's element type and count, checked: a known type, nesting within the limit, and a count whose
    /// elements fit in the rest of the file and in memory.
    private mutating func arrayHeader(key: String, depth: Int) throws -> (type: GGUFValueType, count: Int, typeOffset: Int) {
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
        // Decoded, each element costs a 24-byte `GGUFValue` however small it is in the file, so a forged array
        // of a billion bytes would ask for tens of gigabytes. The largest real metadata arrays are vocabularies
        // of a few hundred thousand entries.
        guard count <= Self.maximumArrayElements else {
            throw GGUFError.countTooLarge(field: "element count of '\(key)'", offset: countOffset, count: UInt64(count))
        }
        return (elementType, count, elementTypeOffset)
    }

    /// One metadata value as the file keeps it: scalars and strings decoded, arrays checked exactly as `value`
    /// would decode them (same errors at the same offsets) but left in the map as a `GGUFArray`.
    mutating func metadataEntry(rawType: UInt32, key: String, typeOffset: Int, mapping: GGUFMapping) throws -> GGUFMetadataEntry {
        guard rawType == GGUFValueType.array.rawValue else {
            return .value(try value(rawType: rawType, key: key, typeOffset: typeOffset))
        }
        let header = try arrayHeader(key: key, depth: 0)
        let start = offset
        try skipElements(header.type, count: header.count, key: key, depth: 1)
        return .array(GGUFArray(key: key, elementType: header.type, count: header.count,
                                elementTypeOffset: header.typeOffset, elementsOffset: start,
                                byteCount: offset - start, depth: 1, mapping: mapping))
    }

    /// Checks and passes over `count` elements of `type`, allocating nothing.
    private mutating func skipElements(_ type: GGUFValueType, count: Int, key: String, depth: Int) throws {
        if let size = type.fixedSize {
            // The count was checked against the bytes left, so this cannot run past the end.
            _ = try rawBytes(count * size, field: key)
            return
        }
        for _ in 0..<count {
            if type == .string {
                _ = try stringBytes(field: "value of '\(key)'")
            } else {
                let header = try arrayHeader(key: key, depth: depth)
                try skipElements(header.type, count: header.count, key: key, depth: depth + 1)
            }
        }
    }
}
