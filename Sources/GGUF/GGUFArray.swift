#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a GGUF file in memory (its read-only map, or a copy; see `FileResidency`). Shared by the
/// `GGUFFile` and every array view handed out from it, so a view stays valid for as long as it is kept, whether
/// or not the file object still exists.
final class GGUFMapping: @unchecked Sendable {
    let base: UnsafeRawPointer
    let length: Int
    /// The region `mmap` returned, which `base` may lie inside of (a copy starts at a huge-page boundary).
    private let region: UnsafeMutableRawPointer
    private let regionLength: Int

    /// Takes ownership of `region`, made with `mmap`; it is unmapped when the last holder lets go.
    init(base: UnsafeRawPointer, length: Int, region: UnsafeMutableRawPointer, regionLength: Int) {
        self.base = base
        self.length = length
        self.region = region
        self.regionLength = regionLength
    }

    /// A map of the whole file, starting at its first byte.
    convenience init(map: UnsafeMutableRawPointer, length: Int) {
        self.init(base: UnsafeRawPointer(map), length: length, region: map, regionLength: length)
    }

    deinit { munmap(region, regionLength) }
}

/// A metadata array left in the memory map: its element type, count and where its elements lie.
///
/// Vocabularies are the largest metadata (Gemma 3: 262,144 token texts, scores and types). Decoded into
/// `[GGUFValue]` they cost about 20 MB of heap that the tokenizer then copies again; as a view they cost
/// nothing until read, and readers build exactly the tables they keep. The file validated every element when it
/// was opened (lengths, UTF-8, nesting), so a bad array never gets this far; reads through a view check their
/// bounds again all the same, since the bytes under a map can change if the file is rewritten on disk.
public struct GGUFArray: Sendable {
    /// The metadata key, for error messages.
    public let key: String
    public let elementType: GGUFValueType
    public let count: Int
    /// File offset of the element-type field, which errors about the elements name (as the eager reader does).
    let elementTypeOffset: Int
    /// File offset of the first element and the bytes the elements take.
    let elementsOffset: Int
    let byteCount: Int
    /// Nesting depth of the elements (1 for the elements of a top-level array).
    let depth: Int
    let mapping: GGUFMapping

    /// The value's type for messages and `inspect`, as `GGUFValue.typeName` spells it: `array<string>[3]`.
    public var typeName: String { "array<\(elementType)>[\(count)]" }

    /// A reader over exactly this array's elements, positioned at the first.
    private func reader() -> ByteReader {
        ByteReader(base: mapping.base, length: elementsOffset + byteCount, offset: elementsOffset)
    }

    /// Every element decoded, as `GGUFValue`s (what `GGUFFile.metadata` returns for an array).
    public func values() throws -> [GGUFValue] {
        var reader = reader()
        var values: [GGUFValue] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            values.append(try reader.value(rawType: elementType.rawValue, key: key, typeOffset: elementTypeOffset, depth: depth))
        }
        return values
    }

    /// The elements converted one by one by `convert`, which returns nil for an element it cannot take; that
    /// is a `wrongType` error naming `expected`. Numeric elements are read straight from the map.
    public func map<T>(expected: String, _ convert: (GGUFValue) -> T?) throws -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        if let size = elementType.fixedSize {
            let bytes = try fixedWidthElements(size: size)
            for index in 0..<count {
                let value = ByteReader.fixedWidthValue(elementType, at: bytes.baseAddress! + index * size)
                guard let converted = convert(value) else { throw wrongType(expected: expected) }
                result.append(converted)
            }
        } else {
            for value in try values() {
                guard let converted = convert(value) else { throw wrongType(expected: expected) }
                result.append(converted)
            }
        }
        return result
    }

    /// Calls `body` with each string element's index and raw UTF-8 bytes, in order, without copying them. The
    /// bytes are valid only during the call.
    public func forEachString(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        guard elementType == .string else { throw wrongType(expected: "array of strings") }
        var reader = reader()
        for index in 0..<count {
            try body(index, try reader.stringBytes(field: "value of '\(key)'"))
        }
    }

    /// An index of the string elements for random access (4 bytes per string; the texts stay in the map).
    public func stringTable() throws -> GGUFStringTable {
        guard elementType == .string else { throw wrongType(expected: "array of strings") }
        // Offsets are kept relative to the array and 32 bits wide; no real vocabulary comes near 4 GiB of text.
        guard byteCount <= Int(UInt32.max) else {
            throw GGUFError.arrayTooLarge(key: key, offset: elementsOffset, bytes: byteCount)
        }
        var reader = reader()
        var ends: [UInt32] = []
        ends.reserveCapacity(count)
        for _ in 0..<count {
            _ = try reader.stringBytes(field: "value of '\(key)'")
            ends.append(UInt32(reader.offset - elementsOffset))
        }
        return GGUFStringTable(mapping: mapping, elementsOffset: elementsOffset, ends: ends)
    }

    private func fixedWidthElements(size: Int) throws -> UnsafeRawBufferPointer {
        var reader = reader()
        return try reader.rawBytes(count * size, field: key)
    }

    private func wrongType(expected: String) -> GGUFError {
        GGUFError.wrongType(key: key, expected: expected, found: typeName)
    }
}

/// Random access to the strings of a metadata array, which stay in the memory map: string `i`'s bytes run from
/// just after its 8-byte length to the end of string `i`, which is where string `i + 1`'s length begins.
public struct GGUFStringTable: Sendable {
    private let mapping: GGUFMapping
    private let elementsOffset: Int
    /// End of each string (after its bytes), relative to the first element.
    private let ends: [UInt32]

    init(mapping: GGUFMapping, elementsOffset: Int, ends: [UInt32]) {
        self.mapping = mapping
        self.elementsOffset = elementsOffset
        self.ends = ends
    }

    public var count: Int { ends.count }

    /// The raw UTF-8 of string `index`, valid while this table (which keeps the map) is alive.
    public subscript(index: Int) -> UnsafeRawBufferPointer {
        precondition(index >= 0 && index < ends.count, "string index \(index) out of range 0..<\(ends.count)")
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let end = Int(ends[index])
        // Each string is its 8-byte length followed by its bytes; the table was built by reading those lengths.
        return UnsafeRawBufferPointer(start: mapping.base + elementsOffset + start + 8, count: end - start - 8)
    }

    /// String `index` decoded (the file checked at opening that every string is valid UTF-8).
    public func string(at index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }
}

/// One metadata entry as the file keeps it: scalars and strings decoded, arrays as views over the map.
enum GGUFMetadataEntry: Sendable {
    case value(GGUFValue)
    case array(GGUFArray)

    var typeName: String {
        switch self {
        case let .value(value): return value.typeName
        case let .array(array): return array.typeName
        }
    }
}

/// The file's metadata by key. Looking up an array decodes it (see `GGUFFile.array(_:)` for a view that does not).
public struct GGUFMetadata: Sendable {
    let entries: [String: GGUFMetadataEntry]

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public func contains(_ key: String) -> Bool { entries[key] != nil }

    /// The value at `key`, nil when absent. Throws only when an array's bytes no longer read back as they did
    /// when the file was opened (the file was changed on disk meanwhile); scalars and strings never throw.
    public subscript(key: String) -> GGUFValue? {
        get throws {
            switch entries[key] {
            case nil: return nil
            case let .value(value)?: return value
            case let .array(array)?: return .array(array.elementType, try array.values())
            }
        }
    }
}

/// The elements of a `float32` metadata array read in place (vocabulary scores: 1 MB for Gemma 3 if copied).
public struct GGUFFloat32Elements: RandomAccessCollection, Sendable {
    private let mapping: GGUFMapping
    private let elementsOffset: Int
    public let count: Int

    init(mapping: GGUFMapping, elementsOffset: Int, count: Int) {
        self.mapping = mapping
        self.elementsOffset = elementsOffset
        self.count = count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(index: Int) -> Float {
        precondition(index >= 0 && index < count, "element \(index) out of range 0..<\(count)")
        // The file checked at opening that `count` elements of 4 bytes lie inside the map.
        let bits = UInt32(littleEndian: mapping.base.loadUnaligned(fromByteOffset: elementsOffset + 4 * index, as: UInt32.self))
        return Float(bitPattern: bits)
    }
}

extension GGUFArray {
    /// The elements in place when they are `float32`; nil for any other element type (use `map` to convert).
    public func float32Elements() -> GGUFFloat32Elements? {
        guard elementType == .float32 else { return nil }
        return GGUFFloat32Elements(mapping: mapping, elementsOffset: elementsOffset, count: count)
    }
}
