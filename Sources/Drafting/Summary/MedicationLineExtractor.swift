/// Medication entries read without the model: a drug name followed, before the next drug the line names, by a
/// dose (`metoprolol succinate 25 mg daily`, `| apixaban | 2.5 mg | BID |`, `START clopidogrel 75 mg daily`).
/// A medication table or list is read more completely by pattern than by a small model, which drops entries
/// of a long list; the status of each drug is then decided by every line that names it (`MedicationTrail`).
enum MedicationLineExtractor {
    struct Entry: Equatable {
        var name: String
        var dose: String
        var frequency: String?
        var line: Int
        /// The status the entry's own words state, nil when they state none (a list entry).
        var status: MedicationStatus?
    }

    /// Words written after a drug's name that belong to it: a salt or a release form.
    static let formulationWords: Set<String> = ["succinate", "tartrate", "carbonate", "citrate", "sodium", "hcl",
                                                "er", "xl", "sr", "xr", "dr", "cr", "la", "ec", "odt"]

    static func entries(in lines: RecordLines) -> [Entry] {
        lines.lines.flatMap { parse($0.original, line: $0.number) }
    }

    static func parse(_ text: String, line: Int) -> [Entry] {
        let extractor = FactExtractor(text)
        let facts = extractor.facts()
        let words = extractor.words
        func slice(_ range: Range<Int>) -> String { extractor.scanner.text(range.lowerBound, range.upperBound) }
        var entries: [Entry] = []
        for drug in facts where drug.kind == .drug && !ClinicalVocabulary.drugFamilies.contains(drug.key) {
            let scope = MedicationTrail.scope(of: drug.key, in: extractor)
            guard scope.contains(drug.start) else { continue }
            let part = slice(scope)
            let lower = " " + part.lowercased() + " "
            // A drug named as an allergy, a relative's, or with a test's value ("lithium level 1.9 mmol/L") is no entry.
            if lower.contains("allerg") || ItemVerifier.isAboutRelative(lower)
                || ItemVerifier.isTestWithValue(slice(drug.start..<scope.upperBound)) { continue }
            guard let dose = facts.first(where: { $0.kind == .dose && $0.start > drug.end && scope.contains($0.start) }) else { continue }
            let frequency = facts.first { $0.kind == .frequency && $0.start > dose.start && scope.contains($0.start) }
            var name = slice(drug.start..<drug.end)
            if let next = words.first(where: { $0.start > drug.end }), next.start < dose.start,
               formulationWords.contains(next.lower) { name += " " + next.text }
            entries.append(Entry(name: name, dose: slice(dose.start..<dose.end), frequency: frequency.map { slice($0.start..<$0.end) },
                                 line: line, status: ItemVerifier.statedStatus(drug: drug.key, clause: lower)))
        }
        return entries
    }
}
