import DraftStore

/// The one place where offsets change units. The de-identifier and the fact check count Unicode scalars (what
/// Python's `str` indexes); a web page's JavaScript strings count UTF-16 code units, where a character outside the
/// Basic Multilingual Plane (most emoji) takes two. Every offset the workspace receives goes through here.
public struct TextOffsets: Sendable {
    /// `utf16Before[i]`: UTF-16 code units before scalar `i`; one entry more than there are scalars.
    private let utf16Before: [Int]

    public init(_ text: String) {
        var table = [0]
        table.reserveCapacity(text.unicodeScalars.count + 1)
        var units = 0
        for scalar in text.unicodeScalars {
            units += UTF16.width(scalar)
            table.append(units)
        }
        utf16Before = table
    }

    /// The UTF-16 offset of scalar offset `scalarOffset`, clamped to the text (an offset past the end is the end).
    public func utf16(_ scalarOffset: Int) -> Int {
        utf16Before[min(max(scalarOffset, 0), utf16Before.count - 1)]
    }

    /// A scalar range as UTF-16 offsets.
    public func utf16(start: Int, end: Int) -> Range<Int> {
        utf16(start)..<max(utf16(start), utf16(end))
    }
}

/// A span of a text to mark on the page, in UTF-16 offsets: an identifier (its kind), or an unsupported fact.
public struct Highlight: Codable, Equatable, Sendable {
    public var start: Int
    public var end: Int
    /// The identifier kind (NAME, DATE, ...) or the fact kind (dose, drug, ...).
    public var kind: String
    /// Why it is marked, for the tooltip: the recognizer, or the fact check's reason.
    public var note: String

    public init(range: Range<Int>, kind: String, note: String) {
        start = range.lowerBound
        end = range.upperBound
        self.kind = kind
        self.note = note
    }
}

extension Highlight {
    /// The fact check's findings in `text` (scalar offsets) as spans to mark.
    static func findings(_ findings: [StoredFinding], in text: String) -> [Highlight] {
        let offsets = TextOffsets(text)
        return findings.map {
            Highlight(range: offsets.utf16(start: $0.start, end: $0.end), kind: $0.kind, note: "not supported by the input")
        }
    }
}
