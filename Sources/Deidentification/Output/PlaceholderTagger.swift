/// Tagged output: `[NAME_1]`, `[DATE_2]`. The same original (case and spacing aside) always gets the same
/// tag, across every document rendered by one tagger; seeded from a ``Vault`` the numbering continues where
/// earlier documents left off.
///
/// ```swift
/// let tagger = PlaceholderTagger()
/// tagger.render(text, spans)   // "Seen by Dr. [NAME_1] on [DATE_1]."
/// ```
public final class PlaceholderTagger {
    private var tagByOriginal: [String: String] = [:]
    private var countByKind: [PHIKind: Int] = [:]
    /// Placeholder -> original, for the vault.
    public private(set) var originals: [String: VaultEntry] = [:]

    public init(vault: Vault? = nil) {
        for (replacement, entry) in vault?.entries ?? [:] {
            guard let (kind, number) = Self.parse(replacement) else { continue }
            tagByOriginal[OriginalKey.normalize(kind, entry.original)] = replacement
            countByKind[kind] = max(countByKind[kind] ?? 0, number)
        }
    }

    public func tag(for kind: PHIKind, original: String) -> String {
        let key = OriginalKey.normalize(kind, original)
        if let tag = tagByOriginal[key] { return tag }
        let number = (countByKind[kind] ?? 0) + 1
        countByKind[kind] = number
        let tag = "[\(kind.rawValue)_\(number)]"
        tagByOriginal[key] = tag
        originals[tag] = VaultEntry(original: original, kind: kind)
        return tag
    }

    public func render(_ text: TokenizedText, _ spans: [Detection]) -> String {
        Replacement.render(text.scalars, spans) { tag(for: $0.kind, original: text.text($0.range)) }
    }

    /// A regular expression matching any tag this tagger writes (`[KIND_n]`), for text that must leave them out.
    public static let pattern = #"\[[A-Z_]+_\d+\]"#

    /// "[NAME_12]" -> (.name, 12).
    public static func parse(_ placeholder: String) -> (PHIKind, Int)? {
        guard placeholder.hasPrefix("["), placeholder.hasSuffix("]") else { return nil }
        let inner = placeholder.dropFirst().dropLast()
        guard let underscore = inner.lastIndex(of: "_"), let number = Int(inner[inner.index(after: underscore)...]),
              let kind = PHIKind(rawValue: String(inner[..<underscore])) else { return nil }
        return (kind, number)
    }
}

/// Redacted output: every span becomes `[REDACTED]`.
public enum Redactor {
    public static let marker = "[REDACTED]"

    public static func render(_ text: TokenizedText, _ spans: [Detection]) -> String {
        Replacement.render(text.scalars, spans) { _ in marker }
    }
}
