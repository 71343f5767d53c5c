import Tokenization

/// A vocabulary as the grammar matcher sees it: each token's bytes, and a trie of all of them so that a mask
/// checks each shared prefix once (the 152k Qwen pieces share most of their bytes with a shorter piece).
///
/// Only ordinary text tokens (normal and byte-fallback ones) have bytes here. Control, user-defined, unknown
/// and unused tokens have none and are never allowed inside a grammar; end-of-generation tokens are allowed
/// only when the grammar is complete.
///
/// Built once per model (`LanguageModel.constraintVocabulary`) and shared by every constrained generation.
public final class TokenVocabulary: Sendable {
    /// Mask size: the model's output row length, which may exceed the tokenizer's vocabulary (padded rows).
    public let size: Int
    public let endOfGeneration: [Int32]
    /// SentencePiece vocabularies with a space prefix drop the first generated piece's leading space (as
    /// `StreamingDetokenizer` does), so the grammar sees the first token without it.
    public let dropsFirstLeadingSpace: Bool

    /// Token `i`'s bytes are `bytes[offsets[i]..<offsets[i + 1]]`; empty for a token never allowed.
    let bytes: [UInt8]
    let offsets: [Int32]

    // The trie in preorder: node 0 is the root (the empty prefix); a node's subtree is `i..<subtreeEnd[i]`.
    let nodeByte: [UInt8]
    let nodeDepth: [Int32]
    let subtreeEnd: [Int32]
    /// The tokens whose bytes end at node `i` are `nodeTokens[tokenStart[i]..<tokenStart[i + 1]]`.
    let tokenStart: [Int32]
    let nodeTokens: [Int32]
    let maximumDepth: Int

    /// - Parameters:
    ///   - pieces: each token's bytes, nil (or empty) for a token never allowed in a grammar.
    ///   - size: the mask size; at least `pieces.count`.
    public init(pieces: [[UInt8]?], size: Int? = nil, endOfGeneration: Set<Int32>, dropsFirstLeadingSpace: Bool = false) {
        let size = max(size ?? pieces.count, pieces.count)
        self.size = size
        self.endOfGeneration = endOfGeneration.filter { $0 >= 0 && Int($0) < size }.sorted()
        self.dropsFirstLeadingSpace = dropsFirstLeadingSpace
        var bytes: [UInt8] = []
        var offsets: [Int32] = [0]
        for piece in pieces {
            bytes += piece ?? []
            offsets.append(Int32(bytes.count))
        }
        while offsets.count <= self.size { offsets.append(Int32(bytes.count)) }
        self.bytes = bytes
        self.offsets = offsets

        // Sorted pieces make the trie a single pass: each piece shares its prefix with the previous one.
        func piece(_ id: Int) -> ArraySlice<UInt8> { bytes[Int(offsets[id])..<Int(offsets[id + 1])] }
        let ordered = (0..<pieces.count).filter { offsets[$0 + 1] > offsets[$0] }.sorted { piece($0).lexicographicallyPrecedes(piece($1)) }
        var nodeByte: [UInt8] = [0], nodeDepth: [Int32] = [0], subtreeEnd: [Int32] = [0], tokenStart: [Int32] = [0]
        var nodeTokens: [Int32] = []
        var path: [Int] = [0]  // node at each depth of the previous piece
        var previous: ArraySlice<UInt8> = []
        for id in ordered {
            let piece = bytes[Int(offsets[id])..<Int(offsets[id + 1])]
            let common = zip(previous, piece).prefix { $0 == $1 }.count
            while path.count > common + 1 { subtreeEnd[path.removeLast()] = Int32(nodeByte.count) }
            for byte in piece.dropFirst(common) {
                nodeByte.append(byte)
                nodeDepth.append(Int32(path.count))
                subtreeEnd.append(0)
                tokenStart.append(Int32(nodeTokens.count))
                path.append(nodeByte.count - 1)
            }
            nodeTokens.append(Int32(id))
            previous = piece
        }
        for node in path { subtreeEnd[node] = Int32(nodeByte.count) }
        tokenStart.append(Int32(nodeTokens.count))
        self.nodeByte = nodeByte
        self.nodeDepth = nodeDepth
        self.subtreeEnd = subtreeEnd
        self.tokenStart = tokenStart
        self.nodeTokens = nodeTokens
        maximumDepth = Int(nodeDepth.max() ?? 0)
    }

    /// The pieces of `tokenizer`'s ordinary tokens, in a mask of `size` (the model's vocabulary size).
    public convenience init(tokenizer: Tokenizer, size: Int) {
        let pieces: [[UInt8]?] = (0..<tokenizer.vocabularySize).map { id in
            let attributes = tokenizer.attributes(of: Int32(id))
            guard !attributes.isDisjoint(with: [.normal, .byte]),
                  attributes.isDisjoint(with: [.control, .userDefined, .unknown, .unused]) else { return nil }
            return tokenizer.tokenPiece(Int32(id))
        }
        self.init(pieces: pieces, size: size, endOfGeneration: tokenizer.endOfGeneration,
                  dropsFirstLeadingSpace: Self.detokenizerDropsFirstLeadingSpace(tokenizer, pieces))
    }

    /// Whether `StreamingDetokenizer` drops the leading space of a stream's first piece, asked of it directly
    /// (with a token whose piece is a space and a letter) so the grammar sees exactly the streamed text.
    private static func detokenizerDropsFirstLeadingSpace(_ tokenizer: Tokenizer, _ pieces: [[UInt8]?]) -> Bool {
        guard let probe = pieces.firstIndex(where: { $0?.count == 2 && $0?.first == UInt8(ascii: " ")
            && ($0![1] | 0x20) >= UInt8(ascii: "a") && ($0![1] | 0x20) <= UInt8(ascii: "z") }) else { return false }
        return StreamingDetokenizer(tokenizer: tokenizer).append(Int32(probe)).utf8.count == 1
    }

    /// The bytes a grammar sees for token `id`.
    func piece(_ id: Int32) -> ArraySlice<UInt8> {
        guard id >= 0, Int(id) < size else { return [] }
        return bytes[Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])]
    }
}

/// A set of token ids, one bit each: which tokens the grammar allows next.
public struct TokenMask: Sendable, Equatable {
    var words: [UInt64]
    public let count: Int

    init(count: Int) {
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    @inline(__always)
    public func contains(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < count && words[Int(id) >> 6] & (1 << UInt64(id & 63)) != 0
    }

    @inline(__always)
    mutating func insert(_ id: Int32) { words[Int(id) >> 6] |= 1 << UInt64(id & 63) }

    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// The ids in the set, ascending.
    public var ids: [Int32] { (0..<Int32(count)).filter(contains) }
}
