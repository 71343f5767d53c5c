/// Character classes as UTF-8 byte sequences, so the matcher works on bytes and a token that ends inside a
/// character is judged exactly. The split is the classic one (Go's regexp/syntax, Rust regex-syntax's
/// `Utf8Sequences`): a code point range is cut until each piece is a product of byte ranges,
/// e.g. U+0080...U+07FF = [C2-DF][80-BF].
enum UTF8Ranges {
    /// The alternatives matching exactly one code point in `ranges` (or, `negated`, one not in them).
    /// Surrogates (U+D800...U+DFFF) are never matched: they are not characters and have no UTF-8 form.
    static func node(for ranges: [ClosedRange<UInt32>], negated: Bool = false) -> GrammarNode {
        var scalars = merge(ranges.map { $0.clamped(to: 0...0x10FFFF) })
        if negated { scalars = complement(scalars) }
        scalars = subtract(0xD800...0xDFFF, from: scalars)

        var ascii = ByteSet()
        var sequences: [[ClosedRange<UInt8>]] = []
        for range in scalars {
            if range.lowerBound <= 0x7F { ascii.insert(UInt8(range.lowerBound)...UInt8(min(range.upperBound, 0x7F))) }
            // One piece per encoded length, then split each.
            for (low, high) in [(0x80, 0x7FF), (0x800, 0xFFFF), (0x10000, 0x10FFFF)] as [(UInt32, UInt32)] {
                let start = max(range.lowerBound, low), end = min(range.upperBound, high)
                if start <= end { split(start, end, into: &sequences) }
            }
        }
        var alternatives: [GrammarNode] = ascii.isEmpty ? [] : [.bytes(ascii)]
        for sequence in sequences {
            alternatives.append(.sequence(sequence.map { .bytes(ByteSet($0)) }))
        }
        // An empty class (e.g. `[^\x00-\U0010FFFF]`) matches nothing: an empty choice has no alternative.
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    /// Cuts `low...high` (all of one encoded length) into ranges whose encodings are byte-wise ranges.
    static func split(_ low: UInt32, _ high: UInt32, into out: inout [[ClosedRange<UInt8>]]) {
        let length = encode(low).count
        for i in 1..<length {
            let mask: UInt32 = (1 << (6 * UInt32(i))) - 1
            if low & ~mask != high & ~mask {
                if low & mask != 0 {
                    split(low, low | mask, into: &out)
                    split((low | mask) + 1, high, into: &out)
                    return
                }
                if high & mask != mask {
                    split(low, (high & ~mask) - 1, into: &out)
                    split(high & ~mask, high, into: &out)
                    return
                }
            }
        }
        out.append(zip(encode(low), encode(high)).map { $0...$1 })
    }

    static func encode(_ scalar: UInt32) -> [UInt8] {
        switch scalar {
        case 0..<0x80: return [UInt8(scalar)]
        case 0x80..<0x800: return [0xC0 | UInt8(scalar >> 6), 0x80 | UInt8(scalar & 0x3F)]
        case 0x800..<0x10000:
            return [0xE0 | UInt8(scalar >> 12), 0x80 | UInt8((scalar >> 6) & 0x3F), 0x80 | UInt8(scalar & 0x3F)]
        default:
            return [0xF0 | UInt8(scalar >> 18), 0x80 | UInt8((scalar >> 12) & 0x3F),
                    0x80 | UInt8((scalar >> 6) & 0x3F), 0x80 | UInt8(scalar & 0x3F)]
        }
    }

    /// Sorted, non-overlapping, non-adjacent ranges covering the same code points.
    private static func merge(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var merged: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    private static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound + 1
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }

    private static func subtract(_ hole: ClosedRange<UInt32>, from ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        ranges.flatMap { range -> [ClosedRange<UInt32>] in
            guard range.overlaps(hole) else { return [range] }
            var pieces: [ClosedRange<UInt32>] = []
            if range.lowerBound < hole.lowerBound { pieces.append(range.lowerBound...(hole.lowerBound - 1)) }
            if range.upperBound > hole.upperBound { pieces.append((hole.upperBound + 1)...range.upperBound) }
            return pieces
        }
    }
}
