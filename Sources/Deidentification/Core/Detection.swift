/// One identified span of protected health information.
///
/// Offsets count Unicode scalars (what Python's `str` indexes), `end` is exclusive. A span holds the
/// identifying part only: titles, credentials, a possessive `'s` and labels such as "MRN:" stay outside.
public struct Detection: Hashable, Codable, Sendable {
    /// First scalar of the span.
    public var start: Int
    /// One past the last scalar of the span.
    public var end: Int
    public var kind: PHIKind
    /// Confidence in 0...1; the overlap resolver prefers higher scores.
    public var score: Double
    /// Name of the recognizer that found the span (``Recognizer/name``).
    public var recognizer: String

    public init(start: Int, end: Int, kind: PHIKind, score: Double, recognizer: String) {
        self.start = start
        self.end = end
        self.kind = kind
        self.score = score
        self.recognizer = recognizer
    }

    public var length: Int { end - start }
    public var range: Range<Int> { start..<end }

    public func overlaps(_ other: Detection) -> Bool { start < other.end && other.start < end }

    /// A description safe for logs: kind and offsets, never the text.
    public var logDescription: String { "\(kind.rawValue) \(start)-\(end)" }
}
