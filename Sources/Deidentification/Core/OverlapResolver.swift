/// Turns possibly overlapping detections into disjoint spans.
///
/// Strategy, in order:
/// 1. Detections of the same kind that overlap or touch are merged into one span (highest score kept),
///    so "123 Main St" found as a street and "Apt 4" found as a unit become one ADDRESS.
/// 2. Remaining detections are taken in priority order: Safe Harbor kinds before quasi-identifiers, then
///    higher score, then longer span. A detection overlapping spans already taken keeps only the parts
///    outside them, and only parts that still hold a letter or digit. Recall comes first: a loser's
///    non-overlapping remainder is kept rather than dropped.
public struct OverlapResolver: Sendable {
    public init() {}

    public func resolve(_ detections: [Detection], in scalars: [Unicode.Scalar]) -> [Detection] {
        let merged = mergeSameKind(detections)
        let ordered = merged.sorted { a, b in
            // A quasi-identifier never takes text from a Safe Harbor span: a practice that keeps facility
            // names must not keep an address or a name with them.
            if a.kind.isSafeHarbor != b.kind.isSafeHarbor { return a.kind.isSafeHarbor }
            if a.score != b.score { return a.score > b.score }
            if a.length != b.length { return a.length > b.length }
            if a.kind != b.kind { return a.kind < b.kind }
            return a.start < b.start
        }
        // Scalars already claimed by a taken span: linear in the text, however many spans there are.
        var covered = [Bool](repeating: false, count: scalars.count)
        var taken: [Detection] = []
        for candidate in ordered {
            let start = max(0, candidate.start), end = min(candidate.end, scalars.count)
            guard start < end else { continue }
            var p = start
            while p < end {
                while p < end && covered[p] { p += 1 }
                guard p < end else { break }
                var q = p
                while q < end && !covered[q] { q += 1 }
                var piece = candidate
                piece.start = p
                piece.end = q
                // Only a piece cut out of a larger span is trimmed; a whole span keeps its "(" or "::".
                let isWhole = p == candidate.start && q == candidate.end
                if let kept = isWhole ? piece : trim(piece, in: scalars) {
                    for k in kept.start..<kept.end { covered[k] = true }
                    taken.append(kept)
                }
                p = q
            }
        }
        return taken.sorted { $0.start < $1.start }
    }

    private func mergeSameKind(_ detections: [Detection]) -> [Detection] {
        var byKind: [PHIKind: [Detection]] = [:]
        for d in detections where d.end > d.start { byKind[d.kind, default: []].append(d) }
        var out: [Detection] = []
        for (_, group) in byKind {
            let sorted = group.sorted { $0.start < $1.start || ($0.start == $1.start && $0.end > $1.end) }
            var current = sorted[0]
            for d in sorted.dropFirst() {
                if d.start <= current.end {
                    current.end = max(current.end, d.end)
                    if d.score > current.score { current.score = d.score; current.recognizer = d.recognizer }
                } else {
                    out.append(current)
                    current = d
                }
            }
            out.append(current)
        }
        return out
    }

    /// Strips surrounding space and punctuation; nil when nothing alphanumeric is left.
    private func trim(_ d: Detection, in scalars: [Unicode.Scalar]) -> Detection? {
        var s = d.start, e = d.end
        func isAlnum(_ c: Unicode.Scalar) -> Bool { CharacterClass.isDigit(c) || CharacterClass.isLetter(c) }
        while s < e && !isAlnum(scalars[s]) { s += 1 }
        while e > s && !isAlnum(scalars[e - 1]) { e -= 1 }
        guard s < e else { return nil }
        var out = d; out.start = s; out.end = e
        return out
    }

}
