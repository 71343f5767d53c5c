#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A set of lowercase words for lexicon lookups.
///
/// Either an ordinary `Set<String>` (tests, embedders, small lists) or a hash table inside a memory-mapped
/// compiled lexicon file (``CompiledLexicons``): opening one costs a page mapping, not the ~700,000 string
/// allocations and hashes of building sets from the word lists, which is what kept start-up slow.
///
/// ```swift
/// let small: WordSet = ["jane", "roe"]
/// small.contains("jane")   // true
/// ```
public struct WordSet: Sendable, Equatable, ExpressibleByArrayLiteral, Sequence {
    private enum Storage: Sendable {
        case memory(Set<String>)
        case table(WordTable)
    }

    private let storage: Storage

    public init(_ words: Set<String>) { storage = .memory(words) }

    public init(arrayLiteral words: String...) { storage = .memory(Set(words)) }

    init(table: WordTable) { storage = .table(table) }

    @inline(__always) public func contains(_ word: String) -> Bool {
        switch storage {
        case .memory(let set): return set.contains(word)
        case .table(let table): return table.contains(word)
        }
    }

    public var count: Int {
        switch storage {
        case .memory(let set): return set.count
        case .table(let table): return table.count
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// Equal when both hold the same words, however each is stored.
    public static func == (lhs: WordSet, rhs: WordSet) -> Bool {
        lhs.count == rhs.count && lhs.allSatisfy { rhs.contains($0) }
    }

    /// Every word, in no particular order.
    public func makeIterator() -> IndexingIterator<[String]> {
        switch storage {
        case .memory(let set): return Array(set).makeIterator()
        case .table(let table): return table.words().makeIterator()
        }
    }
}

/// Read-only bytes of a whole file mapped into memory; unmapped when the last reference goes.
final class MappedFile: @unchecked Sendable {
    let base: UnsafeRawPointer
    let count: Int

    /// Maps `path`, or returns nil when it cannot be opened or mapped (the caller falls back to the text lists).
    init?(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else { return nil }
        base = UnsafeRawPointer(map)
        count = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), count) }

    @inline(__always) func uint32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always) func uint64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always) func byte(at offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }
}

/// One open-addressing hash table of a compiled lexicon file (layout in ``CompiledLexicons``): `capacity`
/// slots of UInt32 (0 empty, else 1 + the offset of a word record in the table's string area), linear probing
/// on FNV-1a of the word's UTF-8 bytes; a word record is one length byte and the bytes.
///
/// Opening checks only the table's outer bounds, so start-up does not read the whole file; each lookup checks
/// the record it reads, and a record outside the string area (a damaged file) reads as absent.
struct WordTable: @unchecked Sendable {
    let file: MappedFile
    /// Byte offset of the slot array.
    let slots: Int
    let capacity: Int
    /// Byte offset and length of the string area.
    let strings: Int
    let stringsLength: Int
    let count: Int

    /// The word record a slot entry points to, as (offset of its bytes, length), or nil outside the string area.
    @inline(__always) private func record(_ entry: Int) -> (Int, Int)? {
        guard entry > 0, entry - 1 < stringsLength else { return nil }
        let length = Int(file.byte(at: strings + entry - 1))
        guard entry + length <= stringsLength else { return nil }
        return (strings + entry, length)
    }

    func contains(_ word: String) -> Bool {
        var word = word
        return word.withUTF8 { contains(bytes: $0) }
    }

    func contains(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= Int(UInt8.max), capacity > 0 else { return false }
        let mask = capacity - 1
        var slot = Int(truncatingIfNeeded: WordTable.hash(bytes)) & mask
        // A table is never full (capacity is at least twice the count), so an empty slot ends every probe; the
        // probe count bounds a damaged one.
        for _ in 0..<capacity {
            let entry = Int(file.uint32(at: slots + slot * 4))
            if entry == 0 { return false }
            if let (offset, length) = record(entry), length == bytes.count,
               memcmp(file.base + offset, bytes.baseAddress!, length) == 0 { return true }
            slot = (slot + 1) & mask
        }
        return false
    }

    func words() -> [String] {
        var out: [String] = []
        out.reserveCapacity(count)
        for slot in 0..<capacity {
            guard let (offset, length) = record(Int(file.uint32(at: slots + slot * 4))) else { continue }
            out.append(String(decoding: UnsafeRawBufferPointer(start: file.base + offset, count: length), as: UTF8.self))
        }
        return out
    }

    /// FNV-1a, 64-bit: cheap, and good enough for lowercase words in a half-empty table.
    @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
