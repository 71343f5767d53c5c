/// A recognizer finds spans of one or more PHI kinds in a tokenized document.
///
/// Each recognizer is one small file under `Recognizers/`, with its patterns and context words as static
/// constants, in the manner of Presidio's `EntityRecognizer`. Recognizers may overlap one another; the
/// ``OverlapResolver`` decides between them.
///
/// ```swift
/// let found = EmailRecognizer().analyze("Write to jane.roe@example.org")
/// // [Detection(start: 9, end: 29, kind: .email, ...)]
/// ```
public protocol Recognizer: Sendable {
    /// Stable name reported in ``Detection/recognizer``.
    var name: String { get }
    /// The kinds this recognizer can report.
    var supportedKinds: Set<PHIKind> { get }
    /// All candidate spans in the text, possibly overlapping.
    func analyze(_ text: TokenizedText) -> [Detection]
}

extension Recognizer {
    /// Convenience for callers holding a `String`.
    public func analyze(_ string: String) -> [Detection] { analyze(TokenizedText(string)) }

    func detection(_ range: Range<Int>, _ kind: PHIKind, score: Double) -> Detection {
        Detection(start: range.lowerBound, end: range.upperBound, kind: kind, score: score, recognizer: name)
    }
}
