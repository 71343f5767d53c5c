import XCTest
@testable import Inference

/// The matcher's masks against a brute-force reference on tiny grammars and synthetic vocabularies with
/// multi-byte, split-UTF-8 and byte-fallback pieces: a token is allowed iff some string of the grammar starts
/// with the bytes so far plus the token's bytes, and end of generation iff the bytes so far are a whole string.
///
/// The reference never sees the matcher's grammar: each case is written as a `Pattern`, a tiny regular-
/// expression tree that the test both renders to GBNF (for the code under test) and matches directly by
/// backtracking over code points.
final class GrammarMatcherReferenceTests: XCTestCase {
    func testMasksAgreeWithBruteForceOnSyntheticVocabulary() throws {
        let cases: [(String, Pattern)] = [
            ("literals, classes, bounded repetition, optional",
             .seq([.lit("a"), .chars([0x62...0x64]).rep(1, 3), .alt([.lit("x"), .lit("yz")]).rep(0, 1)])),
            ("negated class over all of Unicode, then a literal",
             .seq([.chars([0x61...0x7A, 0x22...0x22], negated: true).rep(0, 3), .lit("!")])),
            ("two-, three- and four-byte characters, unbounded",
             .seq([.alt([.lit("é"), .chars([0x20AC...0x20AC]), .chars([0x1F600...0x1F64F])]).rep(1, nil), .lit(".")])),
            ("ranges across UTF-8 length boundaries",
             .seq([.chars([0x70...0x800]), .chars([0x7F0...0x10010]), .chars([0xFFF0...0x10FFFF], negated: true).rep(0, 1)])),
            ("nested recursion through a named rule",
             .seq([.ref("item"), .lit("\n").rep(0, 2)])),
        ]
        let rules: [String: Pattern] = [
            "item": .alt([.seq([.lit("["), .seq([.ref("item"), .seq([.lit(","), .ref("item")]).rep(0, nil)]).rep(0, 1), .lit("]")]),
                          .chars([0x30...0x39])]),
        ]
        let vocabulary = SyntheticVocabulary.make()
        for (name, pattern) in cases {
            let reference = Reference(root: pattern, rules: rules)
            let grammar = try Grammar(gbnf: reference.gbnf)
            var random = SplitMix64(seed: 11)
            for walk in 0..<4 {
                let matcher = GrammarMatcher(grammar: grammar, vocabulary: vocabulary.tokens)
                var text: [UInt8] = []
                for step in 0..<14 {
                    let mask = matcher.allowedTokens()
                    var allowed: [Int32] = []
                    for id in 0..<Int32(vocabulary.tokens.size) {
                        let expected: Bool
                        if id == vocabulary.endOfGeneration {
                            expected = reference.isComplete(text)
                        } else if let piece = vocabulary.pieces[Int(id)] {
                            expected = reference.isViablePrefix(text + piece)
                        } else {
                            expected = false
                        }
                        XCTAssertEqual(mask.contains(id), expected,
                                       "\(name), walk \(walk), step \(step): token \(id) \(vocabulary.describe(id)) after \(text)")
                        XCTAssertEqual(matcher.allows(id), expected, "\(name): allows(\(id)) disagrees with the mask")
                        if expected && id != vocabulary.endOfGeneration { allowed.append(id) }
                    }
                    let canContinue = (0...255).contains { reference.isViablePrefix(text + [UInt8($0)]) }
                    XCTAssertEqual(matcher.isFinished, reference.isComplete(text) && !canContinue, "\(name): isFinished after \(text)")
                    guard !allowed.isEmpty else { break }
                    let next = allowed[Int(random.next() % UInt64(allowed.count))]
                    matcher.accept(next)
                    text += vocabulary.pieces[Int(next)]!
                }
            }
        }
    }

    func testFirstPieceLeadingSpaceIsDroppedWhenTheVocabularyDropsIt() throws {
        // A SentencePiece vocabulary with a space prefix: the first piece " yes" streams as "yes".
        let pieces: [[UInt8]?] = [Array(" yes".utf8), Array("yes".utf8), Array(" ".utf8), Array(" no".utf8), nil]
        let vocabulary = TokenVocabulary(pieces: pieces, endOfGeneration: [4], dropsFirstLeadingSpace: true)
        let matcher = GrammarMatcher(grammar: try Grammar(gbnf: #"root ::= "yes" " no"?"#), vocabulary: vocabulary)
        XCTAssertEqual(matcher.allowedTokens().ids, [0, 1, 2])
        matcher.accept(0)
        // From the second piece on, spaces are text: " " (the start of " no"), " no", or the end.
        XCTAssertEqual(matcher.allowedTokens().ids, [2, 3, 4])
        matcher.accept(3)
        XCTAssertTrue(matcher.isFinished)
    }
}

/// A vocabulary made to break byte-blind matchers: every single byte as a fallback token, whole characters of
/// two to four bytes, the same characters cut at every byte boundary, and multi-character pieces mixing ASCII
/// with the start or end of a multi-byte character; plus an end-of-generation token and a control token.
struct SyntheticVocabulary {
    let pieces: [[UInt8]?]
    let endOfGeneration: Int32
    let tokens: TokenVocabulary

    static func make() -> SyntheticVocabulary {
        var pieces: [[UInt8]?] = (0...255).map { [UInt8($0)] }
        let characters = ["é", "€", "😀", "😏", "ࠀ", "߰", "\u{10010}", "\u{FFF0}", "𐀏", "Ā"]
        for character in characters {
            let bytes = Array(character.utf8)
            pieces.append(bytes)
            for cut in 1..<bytes.count {
                pieces.append(Array(bytes[..<cut]))
                pieces.append(Array(bytes[cut...]))
            }
        }
        for text in ["ab", "abc", "bcd", "a!", "[1,", "[[", "]]", ",[", "0]", "yz", "é.", "!é", "\n\n", "€é", "xyz"] {
            pieces.append(Array(text.utf8))
        }
        pieces.append(Array("a".utf8) + Array("😀".utf8).prefix(2))  // ASCII then half an emoji
        pieces.append(Array("€".utf8).suffix(1) + Array(".".utf8))     // the end of a character then ASCII
        let endOfGeneration = Int32(pieces.count)
        pieces.append(nil)
        pieces.append(nil)  // a control token: no bytes, never allowed
        return SyntheticVocabulary(pieces: pieces, endOfGeneration: endOfGeneration,
                                   tokens: TokenVocabulary(pieces: pieces, endOfGeneration: [endOfGeneration]))
    }

    func describe(_ id: Int32) -> String {
        pieces[Int(id)].map { "\($0)" } ?? "(no bytes)"
    }
}

/// A tiny regular-expression tree over code points, with named references for recursion.
indirect enum Pattern {
    case lit(String)
    case chars([ClosedRange<UInt32>], negated: Bool = false)
    case seq([Pattern])
    case alt([Pattern])
    case repeated(Pattern, min: Int, max: Int?)
    case ref(String)

    func rep(_ min: Int, _ max: Int?) -> Pattern { .repeated(self, min: min, max: max) }

    var gbnf: String {
        switch self {
        case let .lit(text):
            return "\"" + text.unicodeScalars.map(Self.escaped).joined() + "\""
        case let .chars(ranges, negated):
            return "[" + (negated ? "^" : "") + ranges.map { range in
                let low = Unicode.Scalar(range.lowerBound)!, high = Unicode.Scalar(range.upperBound)!
                return range.count == 1 ? Self.escaped(low) : Self.escaped(low) + "-" + Self.escaped(high)
            }.joined() + "]"
        case let .seq(items): return "(" + items.map(\.gbnf).joined(separator: " ") + ")"
        case let .alt(items): return "(" + items.map(\.gbnf).joined(separator: " | ") + ")"
        case let .repeated(item, min, max): return item.gbnf + "{\(min),\(max.map(String.init) ?? "")}"
        case let .ref(name): return name
        }
    }

    /// Written as \UXXXXXXXX so the rendering exercises the escape parser on every character.
    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        "\\U" + String(repeating: "0", count: 8 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
    }
}

/// Backtracking over the pattern, on code points, with a partial character allowed at the end of the input.
struct Reference {
    let root: Pattern
    let rules: [String: Pattern]

    var gbnf: String {
        (["root ::= " + root.gbnf] + rules.sorted { $0.key < $1.key }.map { "\($0.key) ::= \($0.value.gbnf)" })
            .joined(separator: "\n")
    }

    /// Some string of the grammar starts with `bytes`.
    func isViablePrefix(_ bytes: [UInt8]) -> Bool {
        guard let (scalars, tail) = Self.decode(bytes) else { return false }
        return match(root, scalars, 0, prefix: true, tail: tail) { position in position == scalars.count && tail.isEmpty }
    }

    /// `bytes` is a whole string of the grammar.
    func isComplete(_ bytes: [UInt8]) -> Bool {
        guard let (scalars, tail) = Self.decode(bytes), tail.isEmpty else { return false }
        return match(root, scalars, 0, prefix: false, tail: []) { $0 == scalars.count }
    }

    /// Continuation-passing match of `pattern` at `position`. In prefix mode, running out of input where a
    /// character is wanted succeeds if that character can start with `tail` (every test pattern can be
    /// completed from anywhere, so what follows need not be checked).
    private func match(_ pattern: Pattern, _ input: [UInt32], _ position: Int, prefix: Bool, tail: [UInt8],
                       _ next: (Int) -> Bool) -> Bool {
        func character(_ accepts: (ClosedRange<UInt32>) -> Bool) -> Bool {
            if position < input.count { return accepts(input[position]...input[position]) && next(position + 1) }
            guard prefix else { return false }
            guard !tail.isEmpty else { return true }
            return Self.completions(of: tail).map(accepts) ?? false
        }
        switch pattern {
        case let .lit(text):
            let scalars = text.unicodeScalars.map(\.value)
            func step(_ i: Int, _ at: Int) -> Bool {
                if i == scalars.count { return next(at) }
                if at < input.count { return input[at] == scalars[i] && step(i + 1, at + 1) }
                guard prefix else { return false }
                return tail.isEmpty || (Array(String(Unicode.Scalar(scalars[i])!).utf8).starts(with: tail)
                    && tail.count < String(Unicode.Scalar(scalars[i])!).utf8.count)
            }
            return step(0, position)
        case let .chars(ranges, negated):
            return character { candidates in
                // Some code point among `candidates` (not a surrogate) is in the class.
                let valid = Self.subtractSurrogates(candidates)
                return valid.contains { piece in
                    negated ? !Self.covers(ranges, piece) : ranges.contains { $0.overlaps(piece) }
                }
            }
        case let .seq(items):
            func step(_ i: Int, _ at: Int) -> Bool {
                i == items.count ? next(at) : match(items[i], input, at, prefix: prefix, tail: tail) { step(i + 1, $0) }
            }
            return step(0, position)
        case let .alt(items):
            return items.contains { match($0, input, position, prefix: prefix, tail: tail, next) }
        case let .repeated(item, minimum, maximum):
            func step(_ count: Int, _ at: Int) -> Bool {
                if count >= minimum && next(at) { return true }
                if let maximum, count >= maximum { return false }
                // Each further copy must consume input (in prefix mode, a copy that reaches the end of the
                // input succeeds inside `character` without coming back here).
                return match(item, input, at, prefix: prefix, tail: tail) { end in end > at && step(count + 1, end) }
            }
            return step(0, position)
        case let .ref(name):
            return match(rules[name]!, input, position, prefix: prefix, tail: tail, next)
        }
    }

    /// Whether `ranges` contain every code point of `piece`.
    private static func covers(_ ranges: [ClosedRange<UInt32>], _ piece: ClosedRange<UInt32>) -> Bool {
        var next = piece.lowerBound
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where range.lowerBound <= next {
            if range.upperBound >= next { next = range.upperBound &+ 1 }
            if next > piece.upperBound || next == 0 { return true }
        }
        return next > piece.upperBound
    }

    private static func subtractSurrogates(_ range: ClosedRange<UInt32>) -> [ClosedRange<UInt32>] {
        let hole: ClosedRange<UInt32> = 0xD800...0xDFFF
        guard range.overlaps(hole) else { return [range] }
        var pieces: [ClosedRange<UInt32>] = []
        if range.lowerBound < hole.lowerBound { pieces.append(range.lowerBound...(hole.lowerBound - 1)) }
        if range.upperBound > hole.upperBound { pieces.append((hole.upperBound + 1)...range.upperBound) }
        return pieces
    }

    /// The code points whose UTF-8 starts with `tail` (an incomplete character): a contiguous interval, since
    /// UTF-8 keeps code point order. nil when no character starts that way.
    private static func completions(of tail: [UInt8]) -> ClosedRange<UInt32>? {
        let lead = tail[0]
        let length: Int, smallest: UInt32, largest: UInt32
        switch lead {
        case 0xC0...0xDF: (length, smallest, largest) = (2, 0x80, 0x7FF)
        case 0xE0...0xEF: (length, smallest, largest) = (3, 0x800, 0xFFFF)
        case 0xF0...0xF7: (length, smallest, largest) = (4, 0x10000, 0x10FFFF)
        default: return nil
        }
        guard tail.count < length, tail.dropFirst().allSatisfy({ $0 & 0xC0 == 0x80 }) else { return nil }
        func value(_ fill: UInt8) -> UInt32 {
            let bytes = tail + Array(repeating: fill, count: length - tail.count)
            var scalar = UInt32(bytes[0]) & (0xFF >> (length + 1))
            for byte in bytes.dropFirst() { scalar = scalar << 6 | UInt32(byte & 0x3F) }
            return scalar
        }
        let low = max(value(0x80), smallest), high = min(value(0xBF), largest)
        return low <= high ? low...high : nil
    }

    /// The complete code points of `bytes` and the incomplete character at its end; nil if invalid.
    private static func decode(_ bytes: [UInt8]) -> ([UInt32], [UInt8])? {
        var scalars: [UInt32] = []
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            if index + length > bytes.count {
                let tail = Array(bytes[index...])
                return completions(of: tail) == nil ? nil : (scalars, tail)
            }
            guard let text = String(validating: bytes[index..<(index + length)], as: UTF8.self),
                  text.unicodeScalars.count == 1 else { return nil }
            scalars.append(text.unicodeScalars.first!.value)
            index += length
        }
        return (scalars, [])
    }
}
