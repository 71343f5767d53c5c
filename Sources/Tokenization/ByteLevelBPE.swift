// Byte-level BPE (GGUF `tokenizer.ggml.model = gpt2`): GPT-2's byte <-> unicode mapping, the merge-rank table
// from `tokenizer.ggml.merges` and the merge loop.
//
// Port of llama.cpp's `llm_tokenizer_bpe_session::tokenize` (src/llama-vocab.cpp, commit 0c1e57098, MIT,
// Copyright (c) 2023-2024 The ggml authors) and `unicode_byte_to_utf8_map` (src/unicode.cpp).

import GGUF

/// GPT-2's reversible mapping of the 256 byte values to printable code points, so that BPE can work on text:
/// the printable bytes `!`..`~`, `¡`..`¬` and `®`..`ÿ` map to themselves, the other 68 to U+0100 onwards.
enum GPT2ByteMapping {
    /// The code point standing for each byte.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var isPrintable = [Bool](repeating: false, count: 256)
        for byte in 0x21...0x7E { isPrintable[byte] = true }
        for byte in 0xA1...0xAC { isPrintable[byte] = true }
        for byte in 0xAE...0xFF { isPrintable[byte] = true }
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintable[byte] {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte each mapped code point stands for.
    static let byteForScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in scalarForByte.enumerated() { map[scalar] = UInt8(byte) }
        return map
    }()

    /// The UTF-8 of each raw byte's mapped text.
    static let utf8ForByte: [[UInt8]] = scalarForByte.map { Array(String(Character(Unicode.Scalar($0)!)).utf8) }

    /// The raw bytes a vocabulary text stands for (llama.cpp's `llama_decode_text`). A code point outside the
    /// mapping is written the way llama.cpp writes it: `[UNK_BYTE_0x<its UTF-8 in hex><the whole text>]`.
    static func decode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        decode(text, appendingTo: &bytes)
        return bytes
    }

    static func decode(_ text: String, appendingTo bytes: inout [UInt8]) {
        for scalar in text.unicodeScalars {
            if let byte = byteForScalar[scalar.value] {
                bytes.append(byte)
            } else {
                bytes += Array("[UNK_BYTE_0x".utf8)
                for unit in String(scalar).utf8 {
                    let hex = String(unit, radix: 16)
                    bytes += Array((hex.count == 1 ? "0" + hex : hex).utf8)
                }
                bytes += Array(text.utf8) + [UInt8(ascii: "]")]
            }
        }
    }
}

/// The merge loop of a byte-level BPE vocabulary.
///
/// llama.cpp keeps every symbol as a string and looks merges up by string pairs. Here every symbol is a token id:
/// the 256 byte texts are interned once at load (vocabulary texts get their token id, a byte whose text is not a
/// token gets an id past the vocabulary), and every merge's halves and result were checked to be tokens. A merge
/// is then a lookup of two integers, and a symbol that ends as a token needs no lookup at all.
final class ByteLevelBPE: Sendable {
    let vocabulary: Vocabulary
    let preTokenizer: PreTokenizer

    /// Interned symbol of each raw byte's mapped text.
    private let byteSymbols: [Int32]
    /// (left symbol << 32 | right symbol) -> (merge rank, merged symbol). Lower rank merges first.
    private let merges: [UInt64: Merge]
    /// UTF-8 of interned symbols that are not vocabulary tokens, indexed by `symbol - vocabulary.count`.
    private let nonTokenTexts: [[UInt8]]

    struct Merge: Sendable {
        let rank: Int32
        let result: Int32
    }

    /// Interns the vocabulary's byte symbols and every merge of `mergeList` (`tokenizer.ggml.merges`, read in
    /// place from the map: "left right" per line, in rank order).
    init(vocabulary: Vocabulary, mergeList: GGUFArray, preTokenizer: PreTokenizer) throws {
        self.vocabulary = vocabulary
        self.preTokenizer = preTokenizer
        // Texts are compared as bytes throughout (see `TokenTexts`).
        var extraTexts: [[UInt8]] = []
        var extraIDs: [[UInt8]: Int32] = [:]
        func intern(_ text: UnsafeRawBufferPointer) -> Int32 {
            if let id = vocabulary.texts.id(for: text) { return id }
            let bytes = Array(text)
            if let id = extraIDs[bytes] { return id }
            let id = Int32(vocabulary.count + extraTexts.count)
            extraTexts.append(bytes)
            extraIDs[bytes] = id
            return id
        }
        byteSymbols = GPT2ByteMapping.utf8ForByte.map { $0.withUnsafeBytes(intern) }
        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(mergeList.count)
        var joined: [UInt8] = []
        try mergeList.forEachString { rank, line in
            func invalid(_ reason: String) -> TokenizerError {
                .invalidMerge(rank: rank, line: String(decoding: line, as: UTF8.self), reason: reason)
            }
            // llama.cpp splits at the first space after the first byte.
            guard !line.isEmpty, let space = line[1...].firstIndex(of: UInt8(ascii: " ")) else {
                throw invalid("no space between two halves")
            }
            let left = UnsafeRawBufferPointer(rebasing: line[..<space])
            let right = UnsafeRawBufferPointer(rebasing: line[(space + 1)...])
            // Rule: both halves and their concatenation are tokens. A merge is learned from pairs of tokens into a
            // token; llama.cpp accepts any line and falls back to byte tokens for a result that is not one, so a
            // damaged merge list would tokenize differently from the model's training without a word.
            guard let leftID = vocabulary.texts.id(for: left) else { throw invalid("its left half is not a token") }
            guard let rightID = vocabulary.texts.id(for: right) else { throw invalid("its right half is not a token") }
            joined.removeAll(keepingCapacity: true)
            joined.append(contentsOf: left)
            joined.append(contentsOf: right)
            guard let result = vocabulary.texts.id(for: joined) else { throw invalid("the two halves joined are not a token") }
            let key = UInt64(UInt32(bitPattern: leftID)) << 32 | UInt64(UInt32(bitPattern: rightID))
            // The first listing of a pair wins (llama.cpp's `emplace`).
            guard merges[key] == nil else { return }
            merges[key] = Merge(rank: Int32(rank), result: result)
        }
        self.merges = merges
        self.nonTokenTexts = extraTexts
    }

    /// Appends the ids of one raw-text fragment (no special tokens in it) to `output`.
    func encode(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        let text = ScalarText(utf8: bytes)
        var workspace = MergeWorkspace()
        for word in preTokenizer.split(text) {
            let wordBytes = UnsafeBufferPointer(rebasing: bytes[text.byteOffsets[word.lowerBound]..<text.byteOffsets[word.upperBound]])
            encodeWord(wordBytes, workspace: &workspace, into: &output)
        }
    }

    /// Buffers reused from word to word.
    private struct MergeWorkspace {
        var symbols: [Symbol] = []
        var queue = BigramQueue()
    }

    /// One symbol of the word being merged: a doubly linked list over the word's bytes, as in llama.cpp.
    private struct Symbol {
        var id: Int32
        var previous: Int32
        var next: Int32
        var alive: Bool
    }

    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, workspace: inout MergeWorkspace, into output: inout [Int32]) {
        if preTokenizer.ignoresMerges, let id = vocabulary.texts.id(for: word.flatMap { GPT2ByteMapping.utf8ForByte[Int($0)] }) {
            output.append(id)
            return
        }
        var symbols = workspace.symbols
        symbols.removeAll(keepingCapacity: true)
        for (i, byte) in word.enumerated() {
            symbols.append(Symbol(id: byteSymbols[Int(byte)], previous: Int32(i - 1),
                                  next: i + 1 == word.count ? -1 : Int32(i + 1), alive: true))
        }
        var queue = workspace.queue
        queue.removeAll()
        func addBigram(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let leftID = symbols[Int(left)].id
            let rightID = symbols[Int(right)].id
            let key = UInt64(UInt32(bitPattern: leftID)) << 32 | UInt64(UInt32(bitPattern: rightID))
            guard let merge = merges[key] else { return }
            queue.push(Bigram(rank: merge.rank, left: left, right: right, leftID: leftID, rightID: rightID, result: merge.result))
        }
        for i in 1..<max(symbols.count, 1) { addBigram(Int32(i - 1), Int32(i)) }

        while let bigram = queue.pop() {
            let left = Int(bigram.left)
            let right = Int(bigram.right)
            // A bigram is stale once either side has merged with something else since it was queued (symbols
            // only grow, so an unchanged symbol still has the id it had).
            guard symbols[left].alive, symbols[right].alive,
                  symbols[left].id == bigram.leftID, symbols[right].id == bigram.rightID else { continue }
            symbols[left].id = bigram.result
            symbols[right].alive = false
            symbols[left].next = symbols[right].next
            if symbols[right].next >= 0 { symbols[Int(symbols[right].next)].previous = bigram.left }
            addBigram(symbols[left].previous, bigram.left)
            addBigram(bigram.left, symbols[left].next)
        }

        for symbol in symbols where symbol.alive {
            if Int(symbol.id) < vocabulary.count {
                output.append(symbol.id)
            } else {
                // A byte whose mapped text is not a token (merges never involve one: their halves are tokens):
                // llama.cpp falls back to single-byte tokens of the mapped text (only ASCII bytes can name a
                // token, the rest are dropped).
                for unit in nonTokenTexts[Int(symbol.id) - vocabulary.count] where unit < 0x80 {
                    if let id = vocabulary.texts.id(for: [unit]) { output.append(id) }
                }
            }
        }
        workspace.symbols = symbols
        workspace.queue = queue
    }
}

/// A candidate merge of two neighbouring symbols.
struct Bigram {
    var rank: Int32
    var left: Int32
    var right: Int32
    var leftID: Int32
    var rightID: Int32
    var result: Int32

    /// Lower rank first; on equal rank the leftmost pair first (llama.cpp's `llm_bigram_bpe::comparator`).
    @inline(__always)
    func precedes(_ other: Bigram) -> Bool {
        rank < other.rank || (rank == other.rank && left < other.left)
    }
}

/// A binary min-heap of bigrams.
struct BigramQueue {
    private var heap: [Bigram] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    mutating func push(_ element: Bigram) {
        heap.append(element)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Bigram? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let leftChild = 2 * parent + 1
                guard leftChild < heap.count else { break }
                var best = leftChild
                if leftChild + 1 < heap.count, heap[leftChild + 1].precedes(heap[leftChild]) { best = leftChild + 1 }
                guard heap[best].precedes(heap[parent]) else { break }
                heap.swapAt(best, parent)
                parent = best
            }
        }
        return first
    }
}
