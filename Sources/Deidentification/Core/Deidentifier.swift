/// Runs every recognizer of a registry over a document and resolves overlaps into disjoint spans.
///
/// ```swift
/// let deid = Deidentifier(registry: .default(lexicons: try Lexicons.load()))
/// let spans = deid.analyze("Seen by Dr. Ana Ruiz on 03/04/2023.")
/// // NAME 15-23, DATE 27-37
/// ```
public struct Deidentifier: Sendable {
    public let registry: RecognizerRegistry
    public let resolver: OverlapResolver
    /// Kinds to report; facility names may be left out by a practice that keeps them.
    public var kinds: Set<PHIKind>

    public init(registry: RecognizerRegistry, resolver: OverlapResolver = OverlapResolver(),
                kinds: Set<PHIKind> = Set(PHIKind.allCases)) {
        self.registry = registry
        self.resolver = resolver
        self.kinds = kinds
    }

    /// Disjoint spans sorted by start.
    public func analyze(_ text: TokenizedText) -> [Detection] {
        var all: [Detection] = []
        for recognizer in registry.recognizers {
            all += recognizer.analyze(text).filter { kinds.contains($0.kind) }
        }
        return resolver.resolve(all, in: text.scalars)
    }

    public func analyze(_ string: String) -> [Detection] { analyze(TokenizedText(string)) }
}
