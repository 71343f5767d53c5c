import Foundation

/// What the record's own lines say happened to one medication, read from every line that names it, not only
/// from the lines a model happened to list it from.
///
/// A small model asked for a chunk's medications lists the drugs of a medication table and often passes over
/// the sentence that stops one ("X stopped because of a side effect"), so the latest answer it gave can be
/// an old list's "current". The record is read locally (original text; nothing here reaches the model), and
/// each clause that names the drug gives a statement only where its words are explicit: a stop, a change, a
/// plan, a start, a single dose, a course that has run out, or a list entry with a dose.
struct MedicationTrail {
    struct Statement: Equatable {
        var line: Int
        var date: String?
        var status: MedicationStatus
        var dose: String?
        /// A cue word decides the status; otherwise the clause is a list entry (a drug and its dose).
        var explicit: Bool
        /// The clause says the drug was started (or restarted) then: a timeline event.
        var started: Bool
    }

    let lines: RecordLines
    /// The latest date any line of the record gives: where the record ends.
    let recordEnd: String?

    init(lines: RecordLines) {
        self.lines = lines
        recordEnd = lines.lines.compactMap(\.date).max()
    }

    /// Every statement the record makes about the drug the key words name, in record order: one per line, the
    /// line's last explicit statement, else its first list entry.
    func statements(about keyWords: [String]) -> [Statement] {
        guard let first = keyWords.first, first.count >= 4 else { return [] }
        var found: [Statement] = []
        for line in lines.lines {
            let text = sentenceText(line)
            guard text.lowercased().contains(first) else { continue }
            let said = text.split(separator: Self.clauseBreak).compactMap { clause in
                Self.names(keyWords, in: String(clause)) ? statement(clause: String(clause), keyWords: keyWords, line: line) : nil
            }
            if let chosen = said.last(where: \.explicit) ?? said.first { found.append(chosen) }
        }
        return found
    }

    /// The line, continued into the next one while its sentence runs on: a record wrapped at a fixed width
    /// can split "switch A to / B" over two lines.
    func sentenceText(_ line: RecordLines.Line) -> String {
        var text = line.original
        var number = line.number
        // A medication list's entry ends with its line unless a parenthesis is still open; a heading ends too.
        let ownEntry = Self.isMedicationEntry(line.original) || Self.isHeading(line.original)
        while let last = text.trimmingCharacters(in: .whitespaces).last, !".:;!?|".contains(last),
              let next = lines[number + 1], !next.original.trimmingCharacters(in: .whitespaces).isEmpty, number - line.number < 3,
              !ownEntry || text.filter({ $0 == "(" }).count > text.filter({ $0 == ")" }).count,
              !Self.isListEntry(next.original), !Self.isHeading(next.original) {
            number += 1
            guard let end = next.original.firstRange(of: Self.sentenceEnd) else { text += " " + next.original; continue }
            text += " " + next.original[..<end.lowerBound]
            break
        }
        return text
    }

    /// A line that opens an entry of its own: a list marker ("-", "*", "2.") or a drug with its dose.
    static func isListEntry(_ line: String) -> Bool {
        line.trimmingCharacters(in: .whitespaces).firstMatch(of: listMarker) != nil || isMedicationEntry(line)
    }

    nonisolated(unsafe) static let listMarker = try! Regex(#"^(?:[-*•]|\d{1,2}[.)])\s"#)

    /// A drug name first, and its dose in the same sentence ("X 2.5 mg BID", not "X. The dose ...").
    static func isMedicationEntry(_ line: String) -> Bool {
        let extractor = FactExtractor(line)
        guard let first = extractor.words.first(where: { $0.lower.first?.isLetter == true }),
              ClinicalVocabulary.isDrugName(first.lower) else { return false }
        return extractor.facts().contains { $0.kind == .dose && $0.sentence == first.sentence }
    }

    /// A section heading: a line of capitals ("STOPPED MEDICATIONS") or one ending in a colon.
    static func isHeading(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let letters = trimmed.filter(\.isLetter)
        return trimmed.hasSuffix(":") || (letters.count >= 3 && letters.allSatisfy(\.isUppercase))
    }

    nonisolated(unsafe) static let sentenceEnd = try! Regex(#"[.;!?](\s|$)"#)

    private func statement(clause: String, keyWords: [String], line: RecordLines.Line) -> Statement? {
        let clauseLower = " " + clause.lowercased() + " "
        if clauseLower.contains("allerg") || ItemVerifier.isAboutRelative(clauseLower) { return nil }
        let extractor = FactExtractor(clause)
        let facts = extractor.facts()
        let scope = Self.scope(of: keyWords[0], in: extractor)
        let part = extractor.scanner.text(scope.lowerBound, scope.upperBound)
        let lower = " " + part.lowercased() + " "
        let date = RecordLines.date(of: facts, on: line)
        let doses = facts.filter { $0.kind == .dose && scope.contains($0.start) }
        func text(_ fact: ClinicalFact) -> String { extractor.scanner.text(fact.start, fact.end) }
        let courseOver = date.flatMap { date in
            recordEnd.flatMap { end in Self.courseDays(lower).map { RecordLines.day(date, plus: $0) < end } }
        } ?? false

        if var status = ItemVerifier.statedStatus(drug: keyWords[0], clause: lower) ?? Self.labelStatus(clause) {
            if status == .current, courseOver { status = .stopped }
            let dose = status == .changed ? doses.last : doses.first
            return Statement(line: line.number, date: date, status: status, dose: dose.map(text), explicit: true,
                             started: ItemVerifier.startCues.contains(where: lower.contains))
        }
        // A drug and its dose with no cue: an entry of a medication list, taken at the list's date.
        guard let dose = doses.first, !ItemVerifier.isTestWithValue(part) else { return nil }
        return Statement(line: line.number, date: date, status: courseOver ? .stopped : .current, dose: text(dose), explicit: courseOver,
                         started: false)
    }

    /// The status a list's label gives every drug after it ("Stopped (do not resume): A, B, C", "Held: A, B"):
    /// the words before the clause's first colon, when they are a short label stating one.
    static func labelStatus(_ clause: String) -> MedicationStatus? {
        guard let colon = clause.firstIndex(of: ":"), clause.distance(from: clause.startIndex, to: colon) <= 40 else { return nil }
        let label = " " + clause[..<colon].lowercased() + " "
        guard !ClinicalVocabulary.isDrugName(label.trimmingCharacters(in: .whitespaces)) else { return nil }
        return ItemVerifier.statedStatus(drug: nil, clause: label)
    }

    /// The part of a clause that speaks of one drug when it names several ("stopped A, B 75 mg instead"):
    /// from the end of the drug named before it (or the clause's start) to the start of the next drug.
    static func scope(of drug: String, in clause: FactExtractor) -> Range<Int> {
        let words = clause.words
        let end = clause.scanner.scalars.count
        guard let own = words.firstIndex(where: { $0.lower.hasPrefix(drug) }) else { return 0..<end }
        let drugs = words.indices.filter { words[$0].lower.hasPrefix(drug) || ClinicalVocabulary.isDrugName(words[$0].lower) }
        // Drugs joined with nothing between them but "/", "+", "and", "or" or a comma share their words
        // ("A / B - course completed").
        func joined(_ a: Int, _ b: Int) -> Bool {
            clause.scanner.text(words[a].end, words[b].start).lowercased()
                .split(whereSeparator: { " /+,&".contains($0) }).allSatisfy { $0 == "and" || $0 == "or" }
        }
        var first = drugs.firstIndex(of: own)!, last = first
        while first > 0, joined(drugs[first - 1], drugs[first]) { first -= 1 }
        while last + 1 < drugs.count, joined(drugs[last], drugs[last + 1]) { last += 1 }
        let lower = first > 0 ? words[drugs[first - 1]].end : 0
        let upper = last + 1 < drugs.count ? words[drugs[last + 1]].start : end
        return lower..<upper
    }

    nonisolated(unsafe) static let clauseBreak = try! Regex(#"\.\s|;\s|\|"#)

    /// Every key word of the drug's name occurs in the clause, the first as a whole word.
    static func names(_ keyWords: [String], in clause: String) -> Bool {
        let words = FactExtractor(clause).words.map(\.lower)
        guard words.contains(where: { $0 == keyWords[0] || $0.hasPrefix(keyWords[0] + "-") }) else { return false }
        let set = SourceIndex.WordSet(words)
        return keyWords.dropFirst().allSatisfy(set.mentions)
    }

    /// The length of a course the clause gives ("x 7 days", "for 10 days", "5-day course", "for 8 weeks"), in days.
    static func courseDays(_ lower: String) -> Int? {
        // "weekly x 5 doses": as many intervals as doses.
        if let doses = lower.firstMatch(of: doseCount), let count = doses.output[1].substring.flatMap({ Int($0) }) {
            let interval = lower.firstMatch(of: everyWeeks).flatMap { $0.output[1].substring.flatMap { Int($0) } }.map { $0 * 7 }
                ?? (lower.contains("weekly") ? 7 : lower.contains("monthly") ? 30 : 1)
            return count * interval
        }
        guard let match = lower.firstMatch(of: courseLength),
              let count = (1..<match.output.count).lazy.compactMap({ match.output[$0].substring.flatMap { Int($0) } }).first
        else { return nil }
        return match.output[0].substring!.contains("w") ? count * 7 : count
    }

    nonisolated(unsafe) static let doseCount = try! Regex(#"\bx\s*(\d{1,2})\s*(?:doses|infusions|injections)\b"#)
    nonisolated(unsafe) static let everyWeeks = try! Regex(#"\bevery\s+(\d)\s*weeks?\b"#)

    nonisolated(unsafe) static let courseLength = try! Regex(
        #"(?:\bx\s*|\bfor\s+)(\d{1,2})\s*(?:days?|d|weeks?|wks?)\b|\b(\d{1,2})[- ](?:day|week) course"#)
}
