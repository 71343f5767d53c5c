import Foundation

/// The lexicons compiled into one file of hash tables (`lexicons.compiled` in the data folder), which
/// ``Lexicons/load(directory:)`` maps into memory instead of parsing the word lists: start-up then costs
/// a few milliseconds instead of a few hundred.
///
/// The file is a cache of the word lists. It records a stamp of their names, sizes and modification times (and
/// of the loader's own thresholds), is rewritten whenever the stamp differs, and is ignored when it is damaged
/// or cannot be written; the lists stay the source of truth. Writing goes through a temporary file and a rename,
/// so a reader never sees half a file.
///
/// Layout, little-endian:
/// - header: magic "VLEX", version (UInt32), stamp (UInt64), table count (UInt32), padding (UInt32), then one
///   UInt64 offset per table, in ``fields`` order;
/// - each table, 8-byte aligned: capacity (UInt32, a power of two), word count (UInt32), string area length
///   (UInt32), padding (UInt32), `capacity` UInt32 slots (``WordTable``), then the string area.
enum CompiledLexicons {
    static let fileName = "lexicons.compiled"
    static let magic: UInt32 = 0x5845_4C56  // "VLEX"
    static let version: UInt32 = 1
    static let headerSize = 24
    static var fields: [WritableKeyPath<Lexicons, WordSet>] { [
        \.firstNames, \.lastNames, \.safeWords, \.cities, \.counties, \.streetSuffixes, \.commonFirstNames,
        \.commonLastNames, \.eponyms, \.majorCities,
    ] }

    /// A stamp of the word lists in `directory` and of the loader settings that shape the sets.
    static func stamp(directory: URL, files: [String]) -> UInt64 {
        var text = "v\(version)|\(Lexicons.commonSurnameRank)|\(Lexicons.majorCityPopulation)|"
            + Lexicons.commonWordGivenNames.sorted().joined(separator: ",")
        for file in files {
            let path = directory.appendingPathComponent(file).path
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            text += "|\(file):\(size):\(modified)"
        }
        return Array(text.utf8).withUnsafeBufferPointer { WordTable.hash($0) }
    }

    /// The compiled lexicons at `url` when the file is whole and carries `stamp`, else nil.
    static func open(_ url: URL, stamp: UInt64) -> Lexicons? {
        guard let file = MappedFile(path: url.path), file.count >= headerSize + fields.count * 8,
              file.uint32(at: 0) == magic, file.uint32(at: 4) == version, file.uint64(at: 8) == stamp,
              Int(file.uint32(at: 16)) == fields.count else { return nil }
        var lexicons = Lexicons()
        for (index, field) in fields.enumerated() {
            guard let table = table(in: file, at: Int(file.uint64(at: headerSize + index * 8))) else { return nil }
            lexicons[keyPath: field] = WordSet(table: table)
        }
        return lexicons
    }

    /// One table, if its header and areas lie inside the file (records are checked as they are read).
    private static func table(in file: MappedFile, at offset: Int) -> WordTable? {
        guard offset >= 0, offset % 8 == 0, offset <= file.count - 16 else { return nil }
        let capacity = Int(file.uint32(at: offset))
        let count = Int(file.uint32(at: offset + 4))
        let stringsLength = Int(file.uint32(at: offset + 8))
        let slots = offset + 16
        let strings = slots + capacity * 4
        guard capacity.nonzeroBitCount == 1, count < capacity, strings + stringsLength <= file.count else { return nil }
        return WordTable(file: file, slots: slots, capacity: capacity, strings: strings, stringsLength: stringsLength,
                         count: count)
    }

    /// Writes `lexicons` to `url` with `stamp`; false (and no file) when a word is too long for the format or
    /// the folder is not writable.
    @discardableResult
    static func write(_ lexicons: Lexicons, stamp: UInt64, to url: URL) -> Bool {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(magic); append(version); append(stamp); append(UInt32(fields.count)); append(UInt32(0))
        let offsetsAt = data.count
        data.append(Data(count: fields.count * 8))
        for (index, field) in fields.enumerated() {
            while data.count % 8 != 0 { data.append(0) }
            let tableOffset = UInt64(data.count)
            withUnsafeBytes(of: tableOffset.littleEndian) { data.replaceSubrange(offsetsAt + index * 8..<offsetsAt + index * 8 + 8, with: $0) }
            guard let table = encodeTable(Array(lexicons[keyPath: field])) else { return false }
            data.append(table)
        }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(fileName).\(UUID().uuidString).tmp")
        guard (try? data.write(to: temporary)) != nil else { return false }
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            return false
        }
        return true
    }

    /// One table: a half-empty slot array (at least twice the word count, a power of two) and the words.
    private static func encodeTable(_ words: [String]) -> Data? {
        var capacity = 8
        while capacity < words.count * 2 { capacity *= 2 }
        var slots = [UInt32](repeating: 0, count: capacity)
        var strings: [UInt8] = []
        for word in words.sorted() {
            let bytes = Array(word.utf8)
            guard !bytes.isEmpty, bytes.count <= Int(UInt8.max) else { return nil }
            var slot = Int(truncatingIfNeeded: bytes.withUnsafeBufferPointer { WordTable.hash($0) }) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = UInt32(strings.count + 1)
            strings.append(UInt8(bytes.count))
            strings += bytes
        }
        guard strings.count < Int(UInt32.max) else { return nil }
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt32(capacity)); append(UInt32(words.count)); append(UInt32(strings.count)); append(UInt32(0))
        for slot in slots { append(slot) }
        data.append(contentsOf: strings)
        return data
    }
}
