/// Rebuilds a document with each span replaced, copying every scalar outside the spans unchanged, so the
/// text between identifiers is byte-for-byte what came in.
enum Replacement {
    /// - Parameters:
    ///   - scalars: the document.
    ///   - spans: disjoint spans sorted by start (``OverlapResolver`` output).
    ///   - replacement: the text for one span.
    static func render(_ scalars: [Unicode.Scalar], _ spans: [Detection], _ replacement: (Detection) -> String) -> String {
        var out = ScalarStringBuilder(capacity: scalars.count + spans.count * 8)
        var cursor = 0
        for span in spans where span.start >= cursor && span.end <= scalars.count {
            out.append(contentsOf: scalars[cursor..<span.start])
            out.append(replacement(span))
            cursor = span.end
        }
        out.append(contentsOf: scalars[cursor...])
        return out.build()
    }
}

/// How a de-identified document is written out.
public enum OutputFormat: String, CaseIterable, Codable, Sendable {
    /// A JSON array of spans; the text itself is not written.
    case spans
    /// Each identifier replaced by a numbered placeholder (`[NAME_1]`); the same original gets the same tag.
    case tagged
    /// Each identifier replaced by a realistic fake, consistent per patient key, dates shifted by one offset.
    case surrogate
    /// Each identifier replaced by `[REDACTED]`.
    case redact
}

/// The same original written twice ("Jane Roe", "JANE  ROE") counts as one identifier.
enum OriginalKey {
    static func normalize(_ kind: PHIKind, _ original: String) -> String {
        var out = ""
        var lastWasSpace = false
        for s in original.lowercased().unicodeScalars {
            if CharacterClass.isHorizontalSpace(s) || s == "\n" || s == "\r" {
                if !lastWasSpace && !out.isEmpty { out.append(" ") }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(s)
                lastWasSpace = false
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return kind.rawValue + "\u{1F}" + out
    }
}
