// SentencePiece vocabularies (GGUF `tokenizer.ggml.model = llama`: Gemma 3, Llama 2, Phi-3) encoded as
// llama.cpp encodes them: port of `llm_tokenizer_spm_session::tokenize` and `resegment` (src/llama-vocab.cpp,
// commit 0c1e57098, MIT, Copyright (c) 2023-2024 The ggml authors).
//
// Why not libsentencepiece: it needs the vocabulary as a `ModelProto`, which it parses into its own copy of
// every piece plus its own lookup maps, about 40 MB of heap for Gemma's 262,144 pieces on top of the tables the
// tokenizer keeps anyway (issue 3's memory target), and it is not what llama.cpp runs: it matches
// user-defined pieces itself and needed an unknown-piece type patched in before it would load the vocabulary
// (see tokenizer-notes.md). The merge loop below reads the vocabulary's own texts and scores and is llama.cpp's
// algorithm step for step, so the ids agree by construction; the llama.cpp goldens in TokenizationTests
// (Gemma 3, and llama.cpp's own llama-spm and phi-3 vectors) check that they do.

/// The merge loop of a SentencePiece vocabulary: start from single characters, repeatedly merge the adjacent
/// pair whose joined text is the token with the highest score (leftmost on a tie), then emit each final
/// symbol as its token, or as byte tokens when it is a character the vocabulary lacks.
final class SentencePieceBPE: Sendable {
    let vocabulary: Vocabulary
    /// The token of each byte value for byte fallback: `<0xAB>`, else the byte itself as a text, else unknown.
    private let byteTokens: [Int32?]

    init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        byteTokens = (0..<256).map { byte -> Int32? in
            let hex = String(byte, radix: 16, uppercase: true)
            // llama.cpp's `byte_to_token` aborts when neither text is a token; here the unknown token stands in.
            return vocabulary.id(forText: "<0x" + (hex.count == 1 ? "0" : "") + hex + ">")
                ?? vocabulary.texts.id(for: [UInt8(byte)])
                ?? vocabulary.unknown
        }
    }

    /// Appends the ids of one raw-text fragment (no special tokens in it; any space prefix already added).
    func encode(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        guard !text.isEmpty else { return }
        // SentencePiece's whitespace escape: every space becomes U+2581 (llama.cpp's `llama_escape_whitespace`).
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.count + 8)
        for byte in text {
            if byte == UInt8(ascii: " ") { escaped.append(contentsOf: [0xE2, 0x96, 0x81]) } else { escaped.append(byte) }
        }
        escaped.withUnsafeBytes { encodeEscaped($0, into: &output) }
    }

    /// One symbol of the text being merged: a run of bytes in a doubly linked list, as in llama.cpp.
    private struct Symbol {
        var start: Int
        /// Byte length; 0 once merged into its left neighbour.
        var length: Int
        var previous: Int
        var next: Int
    }

    /// A candidate merge; `length` is the joined length when queued, so a pair that has changed since is stale.
    private struct Candidate: QueueOrdered {
        var score: Float
        var left: Int
        var right: Int
        var length: Int

        /// Higher score first; on equal scores the leftmost pair (llama.cpp's `llm_bigram_spm::comparator`).
        func precedes(_ other: Candidate) -> Bool {
            score > other.score || (score == other.score && left < other.left)
        }
    }

    private func encodeEscaped(_ text: UnsafeRawBufferPointer, into output: inout [Int32]) {
        // Split into UTF-8 characters, by the lead byte's high nibble as llama.cpp's `unicode_len_utf8` does.
        var symbols: [Symbol] = []
        var offset = 0
        while offset < text.count {
            let length = min(Self.utf8Length(leadByte: text[offset]), text.count - offset)
            symbols.append(Symbol(start: offset, length: length, previous: symbols.count - 1,
                                  next: offset + length == text.count ? -1 : symbols.count + 1))
            offset += length
        }

        var queue = PriorityQueue<Candidate>()
        func addCandidate(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let start = symbols[left].start
            let length = symbols[left].length + symbols[right].length
            guard let id = vocabulary.texts.id(for: UnsafeRawBufferPointer(rebasing: text[start..<(start + length)])) else { return }
            queue.push(Candidate(score: vocabulary.scores[Int(id)], left: left, right: right, length: length))
        }
        for i in symbols.indices.dropFirst() { addCandidate(i - 1, i) }

        while let candidate = queue.pop() {
            let left = candidate.left, right = candidate.right
            // Stale when either side has been merged away or has grown since the pair was queued.
            guard symbols[left].length > 0, symbols[right].length > 0,
                  symbols[left].length + symbols[right].length == candidate.length else { continue }
            symbols[left].length = candidate.length
            symbols[right].length = 0
            symbols[left].next = symbols[right].next
            if symbols[right].next >= 0 { symbols[symbols[right].next].previous = left }
            addCandidate(symbols[left].previous, left)
            addCandidate(left, symbols[left].next)
        }

        // llama.cpp's `resegment`: a symbol that is a token is emitted as it; one that is not goes out as byte
        // tokens. (llama.cpp would first try to split a non-token symbol back into the pair that formed it, but
        // every merge above forms a token, so only never-merged single characters get here.)
        var index = symbols.isEmpty ? -1 : 0
        while index >= 0 {
            let symbol = symbols[index]
            let bytes = UnsafeRawBufferPointer(rebasing: text[symbol.start..<(symbol.start + symbol.length)])
            if let id = vocabulary.texts.id(for: bytes) {
                output.append(id)
            } else {
                for byte in bytes { if let id = byteTokens[Int(byte)] { output.append(id) } }
            }
            index = symbol.next
        }
    }

    /// Bytes in the UTF-8 sequence a lead byte starts (a stray continuation byte counts as one).
    private static func utf8Length(leadByte: UInt8) -> Int {
        switch leadByte >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }
}
