/// The kind of one token produced by ``TokenizedText``'s single tokenization pass.
public enum TokenKind: UInt8, Sendable {
    /// A run of letters (Unicode alphabetic scalars). Apostrophes and hyphens are separate symbols.
    case word
    /// A run of ASCII digits.
    case number
    /// A run of horizontal whitespace.
    case space
    /// One line break (`\n`, `\r\n` or `\r`).
    case newline
    /// Any other single scalar (punctuation, symbols).
    case symbol
}

/// The letter-case shape of a word token, which name recognition leans on.
public enum WordShape: UInt8, Sendable {
    case lower          // "will"
    case capitalized    // "Will", "McDonald"
    case allCaps        // "WILL", "J"
    case other          // "iPhone", non-letters
}

/// One token: scalar offsets (end exclusive), kind and shape.
public struct Token: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var kind: TokenKind
    public var shape: WordShape
    public var length: Int { end - start }
}

/// A document as an array of Unicode scalars plus one tokenization pass over it.
///
/// Recognizers work on tokens and look words up through ``key(_:)`` (lowercased text), so a document is
/// scanned once, lexicon checks are hash lookups, and offsets are Unicode scalar offsets by construction.
public struct TokenizedText: Sendable {
    public let scalars: [Unicode.Scalar]
    public let tokens: [Token]
    /// Lowercased text of each token (words lowercased; numbers and symbols verbatim; spaces empty).
    public let keys: [String]
    /// For each scalar, the index of the token containing it.
    private let tokenIndexOfScalar: [Int32]

    public init(_ string: String) {
        self.init(scalars: Array(string.unicodeScalars))
    }

    public init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        var tokens: [Token] = []
        tokens.reserveCapacity(scalars.count / 3 + 1)
        var keys: [String] = []
        keys.reserveCapacity(scalars.count / 3 + 1)
        var owner = [Int32](repeating: 0, count: scalars.count)
        var i = 0
        let n = scalars.count
        while i < n {
            let s = scalars[i]
            let start = i
            var kind: TokenKind
            if CharacterClass.isDigit(s) {
                kind = .number
                repeat { i += 1 } while i < n && CharacterClass.isDigit(scalars[i])
            } else if CharacterClass.isLetter(s) {
                kind = .word
                repeat { i += 1 } while i < n && CharacterClass.isLetter(scalars[i])
            } else if s == "\n" {
                kind = .newline; i += 1
            } else if s == "\r" {
                kind = .newline; i += 1
                if i < n && scalars[i] == "\n" { i += 1 }
            } else if CharacterClass.isHorizontalSpace(s) {
                kind = .space
                repeat { i += 1 } while i < n && CharacterClass.isHorizontalSpace(scalars[i])
            } else {
                kind = .symbol; i += 1
            }
            let index = Int32(tokens.count)
            for p in start..<i { owner[p] = index }
            let shape = kind == .word ? CharacterClass.shape(of: scalars[start..<i]) : .other
            tokens.append(Token(start: start, end: i, kind: kind, shape: shape))
            switch kind {
            case .word: keys.append(CharacterClass.lowercasedKey(scalars[start..<i]))
            case .number, .symbol: keys.append(CharacterClass.verbatim(scalars[start..<i]))
            case .space, .newline: keys.append("")
            }
        }
        self.tokens = tokens
        self.keys = keys
        self.tokenIndexOfScalar = owner
    }

    public var count: Int { tokens.count }

    /// The lowercased text of token `i`.
    @inline(__always) public func key(_ i: Int) -> String { keys[i] }

    /// The original text of a scalar range.
    public func text(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }

    /// The original text of token `i`.
    public func text(token i: Int) -> String { text(tokens[i].start..<tokens[i].end) }

    /// Index of the token holding scalar `offset`.
    public func tokenIndex(atScalar offset: Int) -> Int { Int(tokenIndexOfScalar[offset]) }

    @inline(__always) public func kind(_ i: Int) -> TokenKind { tokens[i].kind }
    @inline(__always) public func isWord(_ i: Int) -> Bool { i >= 0 && i < tokens.count && tokens[i].kind == .word }
    @inline(__always) public func isNumber(_ i: Int) -> Bool { i >= 0 && i < tokens.count && tokens[i].kind == .number }
    @inline(__always) public func isSymbol(_ i: Int, _ c: Unicode.Scalar) -> Bool {
        i >= 0 && i < tokens.count && tokens[i].kind == .symbol && scalars[tokens[i].start] == c
    }
    @inline(__always) public func isSpace(_ i: Int) -> Bool { i >= 0 && i < tokens.count && tokens[i].kind == .space }
    @inline(__always) public func isNewline(_ i: Int) -> Bool { i >= 0 && i < tokens.count && tokens[i].kind == .newline }

    /// The next token after `i` that is not horizontal space (line breaks are returned, not skipped).
    public func next(_ i: Int) -> Int? {
        var j = i + 1
        while j < tokens.count && tokens[j].kind == .space { j += 1 }
        return j < tokens.count ? j : nil
    }

    /// The previous token before `i` that is not horizontal space.
    public func previous(_ i: Int) -> Int? {
        var j = i - 1
        while j >= 0 && tokens[j].kind == .space { j -= 1 }
        return j >= 0 ? j : nil
    }

    /// The next token after `i` skipping horizontal space and line breaks.
    public func nextSkippingLines(_ i: Int) -> Int? {
        var j = i + 1
        while j < tokens.count && (tokens[j].kind == .space || tokens[j].kind == .newline) { j += 1 }
        return j < tokens.count ? j : nil
    }

    /// The previous token before `i` skipping horizontal space and line breaks.
    public func previousSkippingLines(_ i: Int) -> Int? {
        var j = i - 1
        while j >= 0 && (tokens[j].kind == .space || tokens[j].kind == .newline) { j -= 1 }
        return j >= 0 ? j : nil
    }

    /// True when token `i` starts a sentence or line: nothing before it but space, a line break or `.?!:`.
    public func startsSentence(_ i: Int) -> Bool {
        guard let p = previous(i) else { return true }
        if tokens[p].kind == .newline { return true }
        if tokens[p].kind == .symbol {
            let c = scalars[tokens[p].start]
            if c == "." || c == "?" || c == "!" || c == "\"" || c == "•" || c == "*" || c == "-" {
                // "Dr." ends in a period but does not end a sentence.
                if c == ".", let w = previous(p), isWord(w), Titles.honorifics.contains(keys[w]) { return false }
                return true
            }
        }
        return false
    }

    /// Scalar range covering tokens `first...last`.
    public func range(_ first: Int, _ last: Int) -> Range<Int> { tokens[first].start..<tokens[last].end }

    /// The tokens overlapping scalar range `range`.
    public func tokenIndices(covering range: Range<Int>) -> ClosedRange<Int>? {
        guard !range.isEmpty, range.lowerBound < scalars.count else { return nil }
        return tokenIndex(atScalar: range.lowerBound)...tokenIndex(atScalar: min(range.upperBound, scalars.count) - 1)
    }
}
