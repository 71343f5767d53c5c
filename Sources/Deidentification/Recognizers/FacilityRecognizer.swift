/// Facility and organization names (a quasi-identifier, reported as FACILITY so a practice can keep them):
/// a capitalized name ending in a facility word ("Mercy General Hospital", "Lakeside Family Clinic",
/// "Oak Grove Nursing Home") or introduced by "transferred from", "admitted to" and similar phrases.
public struct FacilityRecognizer: Recognizer {
    public let name = "facility"
    public let supportedKinds: Set<PHIKind> = [.facility]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            guard let end = OrganizationNameScanner.nameEnd(text, from: i) else { i += 1; continue }
            if let span = facilitySpan(text, i, end) {
                found.append(detection(text.range(span.0, span.1), .facility, score: span.2))
                i = end + 1
            } else {
                i += 1
            }
        }
        return found
    }

    /// Trims a capitalized run to the part that forms a facility name: it must end with (or contain) a
    /// facility head word and carry at least one distinctive word before it.
    private func facilitySpan(_ t: TokenizedText, _ first: Int, _ last: Int) -> (Int, Int, Double)? {
        var start = first
        // A leading "The" or a sentence-initial function word is not part of the name.
        // A leading credential ("Helen Bergstrom, NP at Millbrook ...") is not part of the name either.
        while start < last, t.isWord(start), ["the", "a", "an", "at", "to", "from", "in"].contains(t.key(start)) ||
                (Titles.credentials.contains(t.key(start)) && t.tokens[start].shape == .allCaps),
              let n = t.next(start) { start = n }
        // Find the last facility head inside the run.
        var head: Int?
        var k = last
        while k >= start {
            if t.isWord(k), FacilityWords.heads.contains(t.key(k)) { head = k; break }
            k -= 1
        }
        guard let headIndex = head else { return nil }
        var end = headIndex
        // "... Medical Center of Springfield": a trailing "of X" stays in the name.
        if headIndex < last, let n = t.next(headIndex), t.key(n) == "of" { end = last }
        let words = (start...end).filter { t.isWord($0) }
        let distinctive = words.filter {
            !FacilityWords.heads.contains(t.key($0)) && !FacilityWords.genericModifiers.contains(t.key($0)) &&
                !OrganizationNameScanner.connectors.contains(t.key($0)) && t.key($0) != "s"
        }
        guard !distinctive.isEmpty else { return nil }
        let headKey = t.key(headIndex)
        let compound = headIndex > start ? t.key(t.previous(headIndex) ?? headIndex) + " " + headKey : headKey
        if FacilityWords.strongHeads.contains(headKey) || FacilityWords.compoundHeads.contains(compound) {
            return (start, end, 0.85)
        }
        // Weaker heads ("Center", "Group", "Associates") need two or more words and a medical neighbour.
        if words.count >= 2, words.contains(where: { ["medical", "health", "care", "surgical", "dental", "cardiology",
                                                        "orthopedic", "orthopaedic", "pediatric", "pediatrics", "oncology",
                                                        "dialysis", "imaging", "radiology", "nursing", "rehab", "family",
                                                        "physicians", "urology", "dermatology", "eye", "womens", "women"].contains(t.key($0)) }) {
            return (start, end, 0.75)
        }
        return nil
    }
}
