/// How much a clinician changed a draft: Levenshtein distance over Unicode scalars, as a percentage of the longer
/// text (0 = signed as generated, 100 = nothing kept). Computed once, when the draft is signed.
enum EditDistance {
    static func percent(from generated: String, to signed: String) -> Double {
        var a = Array(generated.unicodeScalars)[...], b = Array(signed.unicodeScalars)[...]
        let longer = max(a.count, b.count)
        guard longer > 0 else { return 0 }
        // Clinicians change a few places in a long text: what both share at the ends costs nothing, and leaving
        // it out keeps the quadratic part to the changed middle.
        while let x = a.first, let y = b.first, x == y { a.removeFirst(); b.removeFirst() }
        while let x = a.last, let y = b.last, x == y { a.removeLast(); b.removeLast() }
        return Double(distance(Array(a), Array(b))) / Double(longer) * 100
    }

    /// Two rows of the dynamic programme, so memory grows with one text, not with the product of both.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
