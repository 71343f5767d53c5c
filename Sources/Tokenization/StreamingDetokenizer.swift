/// Turns generated ids into text as they arrive, never emitting half a UTF-8 character.
///
/// A byte-level token can end in the middle of a character (an emoji is often two or three tokens), so the
/// bytes of a character that is not complete yet are held back until the token that completes it arrives.
/// Bytes that can never become a valid character are emitted as U+FFFD, as is an incomplete tail at `finish()`.
/// (The same idea as llama2.c's `safe_printf` and mlx-swift-lm's `StreamingDetokenizer`.)
///
/// ```swift
/// let detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
/// for id in generatedIDs { print(detokenizer.append(id), terminator: "") }
/// print(detokenizer.flush())
/// ```
///
/// One detokenizer follows one stream; it is not meant to be shared between threads.
public final class StreamingDetokenizer {
    private let tokenizer: Tokenizer
    private let renderSpecial: Bool
    /// Bytes received but not yet emitted: at most the start of one incomplete character.
    private var pending: [UInt8] = []
    private var isFirstPiece = true

    /// - Parameter renderSpecial: emit the text of control tokens (`<|im_end|>`); a chat front end usually
    ///   does not want them.
    public init(tokenizer: Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds one token and returns the text that is now complete (possibly empty).
    public func append(_ id: Int32) -> String {
        var piece = tokenizer.tokenPiece(id)
        defer { isFirstPiece = false }
        if !renderSpecial, !tokenizer.attributes(of: id).isDisjoint(with: [.control, .unknown]) { return "" }
        // As llama.cpp's detokenizer: with space prefixes on, the first piece's leading space is not text.
        if isFirstPiece, tokenizer.vocabulary.addsSpacePrefix, piece.first == UInt8(ascii: " ") { piece.removeFirst() }
        pending += piece
        return takeComplete()
    }

    /// Adds several tokens and returns the text that is now complete.
    public func append(contentsOf ids: [Int32]) -> String {
        var text = ""
        for id in ids { text += append(id) }
        return text
    }

    /// Ends the stream: whatever is still held back (an incomplete character) is returned as U+FFFD. The
    /// detokenizer can then start a new stream.
    public func flush() -> String {
        defer {
            pending.removeAll()
            isFirstPiece = true
        }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Emits everything up to the last complete character; keeps a trailing incomplete sequence.
    private func takeComplete() -> String {
        let keep = StreamingDetokenizer.incompleteSuffixLength(pending)
        guard pending.count > keep else { return "" }
        let text = String(decoding: pending[..<(pending.count - keep)], as: UTF8.self)
        pending.removeFirst(pending.count - keep)
        return text
    }

    /// How many bytes at the end of `bytes` are the start of a UTF-8 sequence that more bytes could still
    /// complete (0 when the bytes end on a character boundary or with bytes that are invalid anyway).
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        // Look back at most 3 bytes for the lead byte of the last sequence.
        var index = bytes.count - 1
        var continuationCount = 0
        while index >= 0, continuationCount < 3, bytes[index] & 0xC0 == 0x80 {
            continuationCount += 1
            index -= 1
        }
        guard index >= 0 else { return 0 }
        let lead = bytes[index]
        let needed: Int
        switch lead {
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return 0  // ASCII or a byte that can never start a sequence
        }
        let have = continuationCount + 1
        guard have < needed else { return 0 }
        // The second byte of E0/ED/F0/F4 sequences has a narrower range; a prefix outside it is invalid already.
        if have >= 2 {
            let second = bytes[index + 1]
            switch lead {
            case 0xE0 where second < 0xA0, 0xED where second > 0x9F, 0xF0 where second < 0x90, 0xF4 where second > 0x8F:
                return 0
            default: break
            }
        }
        return have
    }
}
