/// Restores originals in a model's draft from a ``Vault``.
///
/// Placeholders (`[NAME_1]`) are replaced by their originals; a placeholder the vault does not know is left
/// in the text and reported with its offset, never silently passed. Surrogates are replaced by their
/// originals where they occur as whole words, longest first.
public struct Reidentifier {
    public let entries: [String: VaultEntry]

    public init(vault: Vault) { entries = vault.entries }
    public init(entries: [String: VaultEntry]) { self.entries = entries }

    /// A placeholder found in a draft that the vault has no original for.
    public struct UnknownPlaceholder: Equatable, Sendable {
        public var placeholder: String
        /// Unicode scalar offset in the draft.
        public var offset: Int
    }

    public struct Result: Sendable {
        public var text: String
        public var unknown: [UnknownPlaceholder]
        public var restoredCount: Int
    }

    public func restore(_ draft: String) -> Result {
        let scalars = Array(draft.unicodeScalars)
        var out = ScalarStringBuilder(capacity: scalars.count)
        var unknown: [UnknownPlaceholder] = []
        var restored = 0
        let surrogates = entries.keys.filter { PlaceholderTagger.parse($0) == nil }
            .map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }
        var i = 0
        while i < scalars.count {
            if scalars[i] == "[", let close = placeholderEnd(scalars, from: i) {
                let placeholder = String(String.UnicodeScalarView(scalars[i...close]))
                if let entry = entries[placeholder] {
                    out.append(entry.original)
                    restored += 1
                } else {
                    unknown.append(UnknownPlaceholder(placeholder: placeholder, offset: i))
                    out.append(contentsOf: scalars[i...close])
                }
                i = close + 1
                continue
            }
            if isWordStart(scalars, i), let match = surrogates.first(where: { matches($0, scalars, at: i) }) {
                out.append(entries[String(String.UnicodeScalarView(match))]!.original)
                restored += 1
                i += match.count
                continue
            }
            out.append(scalars[i])
            i += 1
        }
        return Result(text: out.build(), unknown: unknown, restoredCount: restored)
    }

    /// "[KIND_N]" with a known kind name: the index of "]".
    private func placeholderEnd(_ s: [Unicode.Scalar], from i: Int) -> Int? {
        var j = i + 1
        while j < s.count, j - i < 24, CharacterClass.isUpper(s[j]) || s[j] == "_" || CharacterClass.isDigit(s[j]) { j += 1 }
        guard j < s.count, s[j] == "]" else { return nil }
        let inner = String(String.UnicodeScalarView(s[(i + 1)..<j]))
        guard let underscore = inner.lastIndex(of: "_"), PHIKind(rawValue: String(inner[..<underscore])) != nil,
              Int(inner[inner.index(after: underscore)...]) != nil else { return nil }
        return j
    }

    private func isWordStart(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        i == 0 || !(CharacterClass.isLetter(s[i - 1]) || CharacterClass.isDigit(s[i - 1]))
    }

    private func matches(_ needle: [Unicode.Scalar], _ s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + needle.count <= s.count, s[i] == needle[0] else { return false }
        for k in 1..<needle.count where s[i + k] != needle[k] { return false }
        let end = i + needle.count
        return end == s.count || !(CharacterClass.isLetter(s[end]) || CharacterClass.isDigit(s[end]))
    }
}
