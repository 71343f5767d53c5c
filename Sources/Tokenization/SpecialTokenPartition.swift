// Finding special tokens in raw text before the tokenizer model sees it: llama.cpp's
// `llama_vocab::impl::tokenizer_st_partition` (src/llama-vocab.cpp, commit 0c1e57098, MIT).
//
// llama.cpp takes the special tokens longest text first and, for each, cuts every occurrence out of the text
// fragments still raw, left to right. That is not "longest match at each position": a longer token later in the
// text beats a shorter one that overlaps it earlier. The same outcome is computed here in one pass: a trie finds
// every occurrence of every candidate token, and occurrences are then accepted in llama.cpp's order (token
// priority, then position) when they still lie entirely in raw text. Tokens with llama.cpp's LSTRIP/RSTRIP
// attributes also drop the whitespace next to them, as far as it is still raw.

/// A piece of the text after partitioning: raw bytes for the model, or a special token.
enum TextFragment: Equatable {
    case raw(Range<Int>)
    case token(Int32)
}

/// The special tokens of a vocabulary, ready to be found in text.
struct SpecialTokenMatcher: Sendable {
    /// Candidates in llama.cpp's priority order: longer text first; equal lengths by id (llama.cpp's
    /// `std::sort` leaves that order unspecified; it only matters for two equal-length tokens that overlap).
    private let candidates: [Candidate]
    private let trie: ByteTrie

    struct Candidate: Sendable {
        let id: Int32
        let text: [UInt8]
        /// Control and unknown tokens are found only when special parsing is on; user-defined tokens always.
        let needsSpecialParsing: Bool
        /// llama.cpp's LSTRIP / RSTRIP: whitespace just before / after the token is dropped from the text.
        let stripsLeft: Bool
        let stripsRight: Bool
    }

    init(vocabulary: Vocabulary) {
        var candidates: [Candidate] = []
        for id in 0..<vocabulary.count {
            let attributes = vocabulary.attributes[id]
            guard !attributes.isDisjoint(with: [.control, .userDefined, .unknown]) else { continue }
            candidates.append(Candidate(id: Int32(id), text: vocabulary.texts.bytes(id),
                                        needsSpecialParsing: !attributes.isDisjoint(with: [.control, .unknown]),
                                        stripsLeft: attributes.contains(.stripsLeft),
                                        stripsRight: attributes.contains(.stripsRight)))
        }
        candidates.sort { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id }
        self.candidates = candidates
        var trie = ByteTrie()
        for (priority, candidate) in candidates.enumerated() { trie.insert(candidate.text, value: Int32(priority)) }
        self.trie = trie
    }

    /// C's `isspace` in the "C" locale, which llama.cpp's LSTRIP/RSTRIP use.
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    /// The special token whose text is exactly `text`, if any.
    func token(forText text: String) -> Int32? {
        trie.exactMatch(Array(text.utf8)).map { candidates[Int($0)].id }
    }

    /// Cuts `text` into raw fragments and special tokens, as llama.cpp does for `parse_special`.
    func partition(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [TextFragment] {
        guard !text.isEmpty else { return [] }
        struct Occurrence { let priority: Int32; let start: Int }
        var occurrences: [Occurrence] = []
        for start in 0..<text.count {
            trie.forEachMatch(in: text, from: start) { priority in
                if parseSpecial || !candidates[Int(priority)].needsSpecialParsing {
                    occurrences.append(Occurrence(priority: priority, start: start))
                }
            }
        }
        guard !occurrences.isEmpty else { return [.raw(0..<text.count)] }
        occurrences.sort { $0.priority != $1.priority ? $0.priority < $1.priority : $0.start < $1.start }

        // What each byte has become: still raw text, part of an accepted token, or dropped by LSTRIP/RSTRIP.
        // Only raw bytes can take a token, so a token never straddles an earlier one (llama.cpp searches each
        // raw fragment separately).
        enum ByteState: UInt8 { case raw, token, dropped }
        var state = [ByteState](repeating: .raw, count: text.count)
        var tokenAt: [Int: (id: Int32, length: Int)] = [:]  // keyed by start byte
        for occurrence in occurrences {
            let candidate = candidates[Int(occurrence.priority)]
            let range = occurrence.start..<(occurrence.start + candidate.text.count)
            guard state[range].allSatisfy({ $0 == .raw }) else { continue }
            for i in range { state[i] = .token }
            tokenAt[range.lowerBound] = (candidate.id, range.count)
            if candidate.stripsLeft {
                var i = range.lowerBound - 1
                while i >= 0, state[i] == .raw, SpecialTokenMatcher.isSpace(text[i]) { state[i] = .dropped; i -= 1 }
            }
            if candidate.stripsRight {
                var i = range.upperBound
                while i < text.count, state[i] == .raw, SpecialTokenMatcher.isSpace(text[i]) { state[i] = .dropped; i += 1 }
            }
        }

        var fragments: [TextFragment] = []
        var rawStart: Int?
        var position = 0
        while position < text.count {
            switch state[position] {
            case .raw:
                if rawStart == nil { rawStart = position }
                position += 1
                continue
            case .token, .dropped:
                if let start = rawStart { fragments.append(.raw(start..<position)) }
                rawStart = nil
            }
            if let token = tokenAt[position] {
                fragments.append(.token(token.id))
                position += token.length
            } else {
                position += 1
            }
        }
        if let start = rawStart { fragments.append(.raw(start..<text.count)) }
        return fragments
    }
}

/// A byte trie with an `Int32` value at the end of each inserted key. Children are kept in sorted arrays; the
/// root's 256 children are a direct table because almost every text position fails right there.
struct ByteTrie: Sendable {
    private struct Node: Sendable {
        var childBytes: [UInt8] = []
        var childNodes: [Int32] = []
        var value: Int32 = -1
    }

    private var nodes: [Node] = [Node()]
    private var rootChildren = [Int32](repeating: -1, count: 256)

    private func child(of node: Int, byte: UInt8) -> Int? {
        if node == 0 {
            let next = rootChildren[Int(byte)]
            return next >= 0 ? Int(next) : nil
        }
        let bytes = nodes[node].childBytes
        var low = 0
        var high = bytes.count
        while low < high {
            let middle = (low + high) / 2
            if bytes[middle] < byte { low = middle + 1 } else { high = middle }
        }
        return low < bytes.count && bytes[low] == byte ? Int(nodes[node].childNodes[low]) : nil
    }

    mutating func insert(_ key: [UInt8], value: Int32) {
        var node = 0
        for byte in key {
            if let next = child(of: node, byte: byte) {
                node = next
                continue
            }
            let newNode = Int32(nodes.count)
            nodes.append(Node())
            if node == 0 {
                rootChildren[Int(byte)] = newNode
            } else {
                let position = nodes[node].childBytes.firstIndex { $0 > byte } ?? nodes[node].childBytes.count
                nodes[node].childBytes.insert(byte, at: position)
                nodes[node].childNodes.insert(newNode, at: position)
            }
            node = Int(newNode)
        }
        // Vocabulary texts are unique, so a key is never inserted twice.
        nodes[node].value = value
    }

    /// Calls `body` with the value of every key that starts at `start` in `text`, shortest first.
    func forEachMatch(in text: UnsafeBufferPointer<UInt8>, from start: Int, _ body: (Int32) -> Void) {
        var node = 0
        var position = start
        while position < text.count, let next = child(of: node, byte: text[position]) {
            node = next
            position += 1
            if nodes[node].value >= 0 { body(nodes[node].value) }
        }
    }

    func exactMatch(_ key: [UInt8]) -> Int32? {
        var node = 0
        for byte in key {
            guard let next = child(of: node, byte: byte) else { return nil }
            node = next
        }
        return nodes[node].value >= 0 && !key.isEmpty ? nodes[node].value : nil
    }
}
