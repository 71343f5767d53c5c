import GGUF

/// The token texts of a vocabulary, read in place from the GGUF's `tokenizer.ggml.tokens`, and the id of each
/// text through an open-addressing hash table of ids.
///
/// Gemma 3's 262,144 texts as Swift strings, plus a `[[UInt8]: Int32]` dictionary to find them, took about
/// 20 MB of heap; here the texts stay in the memory map (4 bytes of index each) and the table is 4 bytes per
/// slot, about 3 MB together.
///
/// Texts are compared as bytes, never as `String`: Swift compares strings by canonical equivalence, and
/// vocabularies hold distinct tokens that are canonically equivalent (Gemma's ids 3082 and 4388 are
/// "\u{09BE}\u{09DF}" and "\u{09BE}\u{09AF}\u{09BC}").
struct TokenTexts: Sendable {
    private let table: GGUFStringTable
    /// Texts that differ from the file: llama.cpp renames empty pieces "[EMPTY_<id>]" so every text is a
    /// distinct key (`Vocabulary` refuses them where the tokenizer type forbids empty texts). No bundled
    /// vocabulary has one.
    private let renamed: [Int: [UInt8]]
    /// Token id per slot, -1 for an empty slot; the slot count is a power of two at least twice the token count.
    private let slots: [Int32]

    var count: Int { table.count }

    /// Ids of the tokens whose text in the file is empty (renamed here), in order.
    var emptyTextIDs: [Int] { renamed.keys.sorted() }

    /// Reads the texts of `array` and indexes them; two tokens with the same text are an error.
    init(_ array: GGUFArray) throws {
        let table = try array.stringTable()
        var renamed: [Int: [UInt8]] = [:]
        for id in 0..<table.count where table[id].isEmpty { renamed[id] = Array("[EMPTY_\(id)]".utf8) }
        self.table = table
        self.renamed = renamed

        var capacity = 16
        while capacity < 2 * table.count { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for id in 0..<table.count {
            let inserted: Int32? = Self.withText(id, table: table, renamed: renamed) { text in
                var slot = Self.hash(text) & mask
                while slots[slot] >= 0 {
                    let other = Int(slots[slot])
                    if Self.withText(other, table: table, renamed: renamed, { $0.elementsEqual(text) }) { return slots[slot] }
                    slot = (slot + 1) & mask
                }
                slots[slot] = Int32(id)
                return nil
            }
            if let previous = inserted {
                throw TokenizerError.duplicateToken(Self.text(id, table: table, renamed: renamed), ids: (Int(previous), id))
            }
        }
        self.slots = slots
    }

    /// Calls `body` with the UTF-8 of token `id`'s text (valid only during the call).
    func withText<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Self.withText(id, table: table, renamed: renamed, body)
    }

    /// Token `id`'s text.
    func text(_ id: Int) -> String { Self.text(id, table: table, renamed: renamed) }

    /// Token `id`'s text as bytes.
    func bytes(_ id: Int) -> [UInt8] { withText(id) { Array($0) } }

    /// The id of the token whose text is byte for byte `text`.
    func id(for text: UnsafeRawBufferPointer) -> Int32? {
        let mask = slots.count - 1
        var slot = Self.hash(text) & mask
        while slots[slot] >= 0 {
            let id = slots[slot]
            if withText(Int(id), { $0.elementsEqual(text) }) { return id }
            slot = (slot + 1) & mask
        }
        return nil
    }

    func id(for text: [UInt8]) -> Int32? { text.withUnsafeBytes { id(for: $0) } }
    func id(for text: String) -> Int32? { id(for: Array(text.utf8)) }

    private static func withText<R>(_ id: Int, table: GGUFStringTable, renamed: [Int: [UInt8]],
                                    _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if !renamed.isEmpty, let text = renamed[id] { return try text.withUnsafeBytes(body) }
        return try body(table[id])
    }

    private static func text(_ id: Int, table: GGUFStringTable, renamed: [Int: [UInt8]]) -> String {
        withText(id, table: table, renamed: renamed) { String(decoding: $0, as: UTF8.self) }
    }

    /// FNV-1a (64-bit): token texts are short, and the table only needs a fair spread of its low bits.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
