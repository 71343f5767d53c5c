import Deidentification

/// Gathers verified mentions from every chunk and merges them into the summary's items.
struct MentionCollector {
    struct Mention {
        var category: SummaryCategory
        /// The answer's fields with identifiers restored.
        var fields: [String]
        var key: String
        var line: Int
        var date: String?
        var medicationStatus: MedicationStatus?
        var problemStatus: ProblemStatus?
        var allergyType: String?
        /// Read from the record's structure (an encounter heading), not answered by the model.
        var fromStructure = false
        /// The first line of the cited range when more than `line` is needed to read the item (a table's header).
        var citedFrom: Int? = nil
    }

    let lines: RecordLines
    let protected: ProtectedText
    private(set) var mentions: [Mention] = []
    private(set) var unsupported: [UnsupportedItem] = []
    /// The significant words of the encounters on each date.
    private var encounterWords: [String: Set<String>] = [:]

    init(lines: RecordLines, protected: ProtectedText) {
        self.lines = lines
        self.protected = protected
    }

    nonisolated(unsafe) static let listBreak = try! Regex(#"\s*\.\s+|\s*;\s*"#)

    mutating func add(_ item: ExtractedLine, category: SummaryCategory, verifier: ItemVerifier) {
        let restored = item.fields.map { protected.restore($0).text }
        let name = item.fields[0]
        guard let number = verifier.supportingLine(for: name, cited: item.line), let line = lines[number] else {
            unsupported.append(UnsupportedItem(category: category.rawValue, text: restored.joined(separator: " | "),
                                               reason: "no line of the record names it"))
            return
        }
        var fields = restored
        var mention = Mention(category: category, fields: fields, key: Self.key(name), line: number,
                              date: lines.date(of: ItemVerifier.significantWords(name).first ?? "", onLine: number))
        // Values are kept only where the cited line states them.
        func keepIfStated(_ index: Int) {
            if index < fields.count, !ItemVerifier.lineStates(item.fields[index], in: line.deidentified) { fields[index] = "?" }
        }
        switch category {
        case .medications:
            if let reason = verifier.medicationRejection(line: line.deidentified, name: name, dose: item.fields[1]) {
                unsupported.append(UnsupportedItem(category: category.rawValue, text: restored[0], reason: reason))
                return
            }
            keepIfStated(1)
            keepIfStated(2)
            mention.medicationStatus = verifier.medicationStatus(name: name, line: line.deidentified, proposed: item.fields[3])
        case .problems:
            // One answer that lists several problems ("A. B. C") is one item each.
            let parts = name.split(separator: Self.listBreak).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if parts.count > 1 {
                for part in parts { add(ExtractedLine(fields: [part] + item.fields.dropFirst(), line: item.line), category: category, verifier: verifier) }
                return
            }
            if let reason = verifier.problemRejection(line: line.deidentified, name: name, number: number) {
                unsupported.append(UnsupportedItem(category: category.rawValue, text: restored[0], reason: reason))
                return
            }
            mention.problemStatus = verifier.problemStatus(name: name, line: line.deidentified, proposed: item.fields[1])
        case .allergies:
            let lower = line.deidentified.lowercased()
            guard ItemVerifier.allergyContext.contains(where: lower.contains) else {
                unsupported.append(UnsupportedItem(category: category.rawValue, text: restored[0], reason: "the cited line states no allergy or reaction"))
                return
            }
            // A reaction word is no substance ("reaction", "allergies" read from a wrapped line).
            if ItemVerifier.allergyWords.contains(name.lowercased().trimmingCharacters(in: .whitespaces)) {
                unsupported.append(UnsupportedItem(category: category.rawValue, text: restored[0], reason: "not a substance"))
                return
            }
            if !lower.contains(item.fields[1].lowercased()) || item.fields[1] == "?" { fields[1] = "?" }
            let statement = Self.statement(about: name.lowercased(), onLine: number, in: lines)
            mention.allergyType = ItemVerifier.intoleranceCues.contains(where: statement.contains) ? "intolerance" : "allergy"
        case .results:
            guard ItemVerifier.lineStates(item.fields[1], in: line.deidentified),
                  ItemVerifier.valueBelongs(to: name, value: item.fields[1], in: line.deidentified) else {
                unsupported.append(UnsupportedItem(category: category.rawValue, text: restored.joined(separator: " "),
                                                   reason: "the cited line does not give this value for this test"))
                return
            }
        case .events:
            guard mention.date != nil else {
                unsupported.append(UnsupportedItem(category: category.rawValue, text: restored[0], reason: "the record gives no date for it"))
                return
            }
            // A section label ("HPI") or a clinician's name and credential is no event.
            if ItemVerifier.namesNoEvent(name) {
                unsupported.append(UnsupportedItem(category: category.rawValue, text: restored[0], reason: "a section label or a name, not an event"))
                return
            }
            // A drug with its dose and no action is a medication list's entry; the medications list holds it, and
            // the starts, stops and changes the lines state become events of their own.
            let facts = FactExtractor(name).facts()
            let lower = " " + name.lowercased() + " "
            if facts.contains(where: { $0.kind == .dose || $0.kind == .frequency }),
               !ItemVerifier.medicationActionCues.contains(where: lower.contains) {
                unsupported.append(UnsupportedItem(category: category.rawValue, text: restored[0], reason: "a medication list entry, not an event"))
                return
            }
        }
        mention.fields = fields
        mentions.append(mention)
    }

    /// What a line says about `substance` (lowercased, de-identified): from its name to the end of its sentence,
    /// read on into the next line when the sentence wraps ("vancomycin - infusion / reaction (not an allergy).").
    static func statement(about substance: String, onLine number: Int, in lines: RecordLines) -> String {
        guard let line = lines[number]?.deidentified.lowercased() else { return "" }
        let start = line.range(of: substance)?.lowerBound ?? line.startIndex
        // The list's label before it ("Intolerance: codeine -- vomiting", "INTOLERANCES: A (x); B (y)") says what
        // every entry after it is.
        let label = line[..<start].matches(of: listLabel).last.map { String($0.output[0].substring ?? "") + " " } ?? ""
        let own = String(line[start...])
        // The statement ends with its sentence: "latex (hives). intolerances: ..." says nothing more of latex.
        if let end = own.firstMatch(of: fullStop) { return label + own[..<end.range.lowerBound] }
        let rest = label + own
        if rest.trimmingCharacters(in: .whitespaces).hasSuffix(".") { return rest }
        let next = lines[number + 1]?.deidentified.lowercased() ?? ""
        let wrapped = next.firstMatch(of: sentenceEnd).map { String(next[..<$0.range.upperBound]) } ?? next
        return rest + " " + wrapped
    }

    nonisolated(unsafe) static let sentenceEnd = try! Regex(#"\.\s|;\s"#)
    nonisolated(unsafe) static let fullStop = try! Regex(#"\.\s"#)
    nonisolated(unsafe) static let listLabel = try! Regex(#"[a-z][a-z /-]{0,30}:"#)

    mutating func addLabLines(_ results: [LabLineExtractor.Result]) {
        for r in results {
            mentions.append(Mention(category: .results, fields: [r.name, r.value], key: Self.key(r.name), line: r.line,
                                    date: r.date ?? lines[r.line]?.date, citedFrom: r.headerLine))
        }
    }

    /// Problems read from the record's diagnosis lists (`ProblemListExtractor`), checked and given their status like a
    /// model's answers: a problem a model passed over in a list is still listed.
    mutating func addProblemLines(_ entries: [ProblemListExtractor.Entry]) {
        guard !lines.lines.isEmpty else { return }
        let verifier = ItemVerifier(lines: lines, range: 1...lines.lines.count)
        for entry in entries { add(ExtractedLine(fields: [entry.name, "active"], line: entry.line), category: .problems, verifier: verifier) }
    }

    /// Medication entries read from the record's lists and sentences (`MedicationLineExtractor`), beside the
    /// model's answers: a drug a model passed over in a long list is still listed.
    mutating func addMedicationLines(_ entries: [MedicationLineExtractor.Entry]) {
        for entry in entries {
            mentions.append(Mention(category: .medications, fields: [entry.name, entry.dose, entry.frequency ?? "?", "?"],
                                    key: Self.key(entry.name), line: entry.line, date: lines.date(of: entry.name, onLine: entry.line),
                                    medicationStatus: entry.status ?? .current, fromStructure: true))
        }
    }

    /// The record's encounters (`EncounterExtractor`) as events citing their heading and reason lines. A model's
    /// event on the same date that says nothing the encounter does not is left out as a repeat.
    mutating func addEncounters(_ encounters: [EncounterExtractor.Encounter]) {
        for encounter in encounters {
            let text = protected.restore(encounter.text).text
            let key = Self.key(encounter.text)
            for line in [encounter.headingLine] + (encounter.reasonLine.map { [$0] } ?? []) {
                mentions.append(Mention(category: .events, fields: [text], key: key, line: line, date: encounter.date, fromStructure: true))
            }
            encounterWords[encounter.date, default: []].formUnion(key.split(separator: " ").map(String.init))
        }
    }

    /// The dated results as one timeline event per date ("Cr 1.32, WBC 5.9"): a dated result is a
    /// dated clinical event, already checked against its line.
    private func resultEvents(_ results: [ResultItem]) -> [TimelineItem] {
        var order: [String] = []
        var byDate: [String: [ResultItem]] = [:]
        for result in results {
            guard let date = result.date else { continue }
            if byDate[date] == nil { order.append(date) }
            byDate[date, default: []].append(result)
        }
        return order.map { date in
            let items = byDate[date]!
            let event = items.map { $0.name + " " + $0.value }.joined(separator: ", ")
            let cited = Array(Set(items.flatMap(\.citations))).sorted { ($0.lineStart, $0.lineEnd) < ($1.lineStart, $1.lineEnd) }
            return TimelineItem(text: "\(date): \(event)", date: date, event: event, citations: Array(cited.prefix(6)))
        }
    }

    /// A medication's start, stop or change as a line states it: from a model's mention or from the record's
    /// own statements about the drug (`MedicationTrail`).
    struct MedicationAction {
        var name: String
        var key: String
        var line: Int
        var date: String?
        var status: MedicationStatus
        var dose: String
        var started: Bool
    }

    private func action(of m: Mention) -> MedicationAction? {
        guard let line = lines[m.line], let status = m.medicationStatus else { return nil }
        let lower = " " + line.deidentified.lowercased() + " "
        return MedicationAction(name: m.fields[0], key: Self.drugKey(m), line: m.line, date: m.date, status: status,
                                dose: [m.fields[1], m.fields[2]].compactMap(Self.known).joined(separator: " "),
                                started: ItemVerifier.startCues.contains(where: lower.contains))
    }

    /// Medication starts, stops and changes that the cited line itself states, as events on their date. A line
    /// that also writes a month and year only ("stopped 12/2023") is left out: the stop may predate the note.
    private func medicationEvents(_ actions: [MedicationAction]) -> [TimelineItem] {
        var seen: Set<String> = []
        var events: [TimelineItem] = []
        for a in actions {
            guard let date = a.date, let line = lines[a.line] else { continue }
            let action: String
            switch a.status {
            case .stopped: action = "stopped"
            case .changed: action = "changed"
            case .current where a.started: action = "started"
            default: continue
            }
            if line.ownDate == nil, line.original.range(of: #"\b\d{1,2}/\d{2,4}\b"#, options: .regularExpression) != nil { continue }
            guard seen.insert(date + "|" + a.key + "|" + action).inserted else { continue }
            let event = action == "stopped" || a.dose.isEmpty ? "\(a.name) \(action)"
                : action == "changed" ? "\(a.name) changed to \(a.dose)" : "\(a.name) \(a.dose) started"
            events.append(TimelineItem(text: "\(date): \(event)", date: date, event: event, citations: [citation(a.line)]))
        }
        return events
    }

    /// One result per test, value and date: the test by its first word ("tac" and "tac trough"), the value by its
    /// number ("1.34" and "1.34 mg/dL"), as a list and a table of the same labs write them.
    static func resultKey(_ m: Mention) -> String {
        let date: String = m.date ?? ""
        let number = FactExtractor.normalizeNumber(String(m.fields[1].prefix { !$0.isWhitespace }))
        return (m.key.split(separator: " ").first.map(String.init) ?? m.key) + "|" + number + "|" + date
    }

    /// One event per date and description.
    static func eventKey(_ m: Mention) -> String {
        let date: String = m.date ?? ""
        return date + "|" + m.key
    }

    /// The statement that decides a medication's status: the latest, by date and then by line, of the model's
    /// verified mentions and the record's own statements about the drug (`MedicationTrail`). On one line, an
    /// explicit cue outranks the model's reading, and the model's reading outranks a bare list entry.
    /// The statement that decides a drug's status: the one the record makes as of the latest date, where a
    /// statement counts as of its note's date when that is later than the date it gives (a 2024 list's "warfarin -
    /// stopped 08/2023" says what is true in 2024); at one date, an explicit word (stopped, started) outranks the
    /// model's reading, which outranks a bare list entry (an imported fill history still listing the drug).
    static func latestStatement(_ group: [Mention], trail: [MedicationTrail.Statement], lines: RecordLines) -> MedicationTrail.Statement {
        // On a line the record's own sentence speaks for, the model's reading of the line alone is not needed.
        let spoken = Set(trail.filter(\.explicit).map(\.line))
        let fromModel = group.filter { !spoken.contains($0.line) }.map { m in
            MedicationTrail.Statement(line: m.line, date: m.date, status: m.medicationStatus ?? .current,
                                      dose: nil, explicit: false, started: false)
        }
        let ranked = fromModel.map { ($0, 1) } + trail.map { ($0, $0.explicit ? 2 : 0) }
        func asOf(_ statement: MedicationTrail.Statement) -> String { max(statement.date ?? "", lines[statement.line]?.contextDate ?? "") }
        return ranked.max { a, b in (asOf(a.0), a.1, a.0.line) < (asOf(b.0), b.1, b.0.line) }!.0
    }

    /// Medications are one item per drug: the first significant word when it names a drug on its own
    /// ("metoprolol succinate 50 mg" and "metoprolol"), else every significant word ("vitamin d3").
    /// A name written with its strength ("valsartan 80 mg tab", as a medication table's first column has it): the
    /// drug, and the strength as its dose.
    static func strengthApart(_ name: String) -> (name: String, strength: String?) {
        let extractor = FactExtractor(name)
        guard let dose = extractor.facts().first(where: { $0.kind == .dose }), dose.start > 0 else { return (name, nil) }
        let drug = extractor.scanner.text(0, dose.start).trimmingCharacters(in: .whitespaces.union(.punctuationCharacters))
        guard drug.contains(where: \.isLetter) else { return (name, nil) }
        return (drug, extractor.scanner.text(dose.start, dose.end))
    }

    static func drugKey(_ m: Mention) -> String {
        let words = ItemVerifier.significantWords(m.fields[0]).prefix { !$0.allSatisfy(\.isNumber) }
        guard let first = words.first else { return m.key }
        if ClinicalVocabulary.isDrugName(first), !ClinicalVocabulary.drugFamilies.contains(first) { return first }
        return words.joined(separator: " ")
    }

    /// Groups that name one problem in different words ("displaced distal radius fracture" and
    /// "left distal radius fracture, s/p fixation") as one, so that the latest mention decides its
    /// status: at least two shared words, making up three quarters of the shorter name.
    static func mergedSpellings(_ groups: [[Mention]]) -> [[Mention]] {
        var merged: [(words: Set<String>, mentions: [Mention])] = []
        for group in groups {
            let words = Set(group.last!.key.split(separator: " ").map(String.init))
            if let index = merged.firstIndex(where: { other in
                let shared = other.words.intersection(words).count
                return shared >= 2 && shared * 4 >= min(other.words.count, words.count) * 3
            }) {
                merged[index].words.formUnion(words)
                merged[index].mentions = (merged[index].mentions + group).sorted { ($0.date ?? "", $0.line) < ($1.date ?? "", $1.line) }
            } else {
                merged.append((words, group))
            }
        }
        return merged.map(\.mentions)
    }

    /// The last line of the record that says the problem has ended, in the problem's own clause.
    func resolution(of name: String) -> Int? {
        let words = ItemVerifier.significantWords(name)
        guard let first = words.first else { return nil }
        // A clause that holds most of the name's words is on a line that does; the clause is what is read.
        return lines.lines.last { line in
            let lower = line.original.lowercased()
            guard lower.contains(first) || words.count > 2 else { return false }
            // A list's label ending every entry after it ("Resolved: epistaxis; cellulitis").
            let label = lower.firstIndex(of: ":").map { String(lower[..<$0]) }.flatMap { $0.count <= 30 ? " " + $0 + " " : nil }
            let labelEnds = label.map { ItemVerifier.saysEnded($0) } ?? false
            return lower.split(separator: MedicationTrail.clauseBreak).contains { part in
                ItemVerifier.mentionsMost(words, in: String(part))
                    && (labelEnds || ItemVerifier.saysEnded(ItemVerifier.ownSegment(of: String(part), naming: first), problem: name))
            }
        }?.number
    }

    /// Days after its last mention by which an acute illness is taken to have run its course.
    static let acuteCourseDays = 90
    static let deliveryWords = ["delivered", "delivery", "postpartum", "post-partum", "cesarean", "c-section", "gave birth"]

    /// The lines that name (nearly) all of a problem's words: "diabetic" alone is not "diabetic ketoacidosis".
    func linesMentioning(_ name: String) -> [RecordLines.Line] {
        let words = ItemVerifier.significantWords(name)
        guard !words.isEmpty else { return [] }
        return lines.lines.filter { ItemVerifier.foundWords(words, in: $0.deidentified).count * 4 >= words.count * 3 }
    }

    /// The delivery line that ends a pregnancy: the first the record reports after the pregnancy's last
    /// forward-looking mention (a line naming the pregnancy with its delivery looks back); nil for another problem.
    func deliveryEnding(_ name: String) -> Int? {
        guard name.lowercased().contains("pregnan") else { return nil }
        let isDelivery = { (line: RecordLines.Line) in Self.deliveryWords.contains(where: line.original.lowercased().contains) }
        guard let last = linesMentioning(name).last(where: { !isDelivery($0) }) else { return nil }
        return lines.lines.first { $0.number > last.number && isDelivery($0) }?.number
    }

    /// An acute illness (`ItemVerifier.acuteWords`) that no line mentions in the last `acuteCourseDays` days of the
    /// record has run its course.
    func hasRunItsCourse(_ name: String, lastMentioned: String?, recordEnd: String?) -> Bool {
        let spelled = " " + name.lowercased() + " "
        guard !ItemVerifier.significantWords(name).isEmpty, ItemVerifier.acuteWords.contains(where: spelled.contains),
              !["chronic", "recurrent"].contains(where: spelled.contains), let end = recordEnd,
              let latest = (linesMentioning(name).compactMap(\.date) + [lastMentioned].compactMap { $0 }).max() else { return false }
        return RecordLines.day(latest, plus: Self.acuteCourseDays) < end
    }

    /// Mentions of one thing share a key: its significant words, lowercased.
    static func key(_ name: String) -> String {
        let words = ItemVerifier.significantWords(name)
        return words.isEmpty ? name.lowercased() : words.joined(separator: " ")
    }

    func citation(_ number: Int, from first: Int? = nil) -> Citation {
        let start = first ?? number
        let quote = (start...number).compactMap { lines[$0]?.original.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
        return Citation(lineStart: start, lineEnd: number, quote: quote)
    }

    /// Groups mentions by key in record order, oldest first by date (undated ones by position).
    private func groups(_ category: SummaryCategory, key: (Mention) -> String = { $0.key }) -> [[Mention]] {
        var order: [String] = []
        var byKey: [String: [Mention]] = [:]
        for m in mentions where m.category == category {
            let k = key(m)
            if byKey[k] == nil { order.append(k) }
            byKey[k, default: []].append(m)
        }
        return order.map { k in byKey[k]!.sorted { ($0.date ?? "", $0.line) < ($1.date ?? "", $1.line) } }
    }

    private func citations(_ group: [Mention]) -> [Citation] {
        struct Span: Hashable, Comparable {
            var first: Int, last: Int
            static func < (a: Span, b: Span) -> Bool { (a.first, a.last) < (b.first, b.last) }
        }
        let spans = Set(group.map { Span(first: $0.citedFrom ?? $0.line, last: $0.line) }).sorted()
        return spans.prefix(6).map { citation($0.last, from: $0.first) }
    }

    /// The group's citations, with `line` among them (in place of the sixth if there were six): the line that
    /// decided the item's status is always shown.
    private func citations(_ group: [Mention], including line: Int) -> [Citation] {
        let cited = citations(group)
        return cited.contains { $0.lineEnd == line } ? cited : Array(cited.prefix(5)) + [citation(line)]
    }

    static func known(_ value: String) -> String? { value == "?" || value.isEmpty ? nil : value }

    func summary(provenance: Provenance, timings: StageTimings, chunks: Int) -> RecordSummary {
        let trail = MedicationTrail(lines: lines)
        var medicationActions = mentions.filter { $0.category == .medications }.compactMap(action(of:))
        let medications = groups(.medications, key: Self.drugKey).map { group -> MedicationItem in
            let latest = group.last!
            let (name, strength) = Self.strengthApart(latest.fields[0])
            let key = Self.drugKey(latest)
            let statements = trail.statements(about: key.split(separator: " ").map(String.init))
            medicationActions += statements.filter(\.explicit).map {
                MedicationAction(name: name, key: key, line: $0.line, date: $0.date, status: $0.status, dose: $0.dose ?? "", started: $0.started)
            }
            let decided = Self.latestStatement(group, trail: statements, lines: lines)
            let dose = decided.dose ?? strength ?? group.reversed().lazy.compactMap { Self.known($0.fields[1]) }.first
            let frequency = group.reversed().lazy.compactMap { Self.known($0.fields[2]) }.first
            var parts: [String] = [name]
            if let dose { parts.append(dose) }
            if let frequency { parts.append(frequency) }
            let text = parts.joined(separator: " ") + " (" + decided.status.rawValue + ")"
            return MedicationItem(text: text, name: name, dose: dose, frequency: frequency, status: decided.status,
                                  date: decided.date, citations: citations(group, including: decided.line))
        }
        // A "problem" spelled as a test the record reports a value for ("Hgb", "creatinine clearance") is the test.
        let testNames = Set(mentions.filter { $0.category == .results }.compactMap { $0.key.split(separator: " ").first.map(String.init) })
        var unsupported = unsupported
        let problemGroups = groups(.problems).filter { group in
            let words = group.last!.key.split(separator: " ")
            guard words.count <= 2, let first = words.first, testNames.contains(String(first)) else { return true }
            unsupported.append(UnsupportedItem(category: "problems", text: group.last!.fields[0], reason: "a test's name, not a problem"))
            return false
        }
        let recordEnd = lines.lines.compactMap(\.date).max()
        let problems = Self.mergedSpellings(problemGroups).map { group -> ProblemItem in
            let latest = group.last!
            var status = latest.problemStatus ?? .active
            var cited = citations(group)
            // An acute problem ends in a later line the model did not list it from ("X resolved, labs back to baseline").
            if status == .active, let ended = resolution(of: latest.fields[0]),
               (lines[ended]?.date ?? "", ended) >= (latest.date ?? "", latest.line) {
                status = .resolved
                cited = citations(group, including: ended)
            }
            if status == .active, let delivery = deliveryEnding(latest.fields[0]) {
                status = .resolved
                cited = citations(group, including: delivery)
            } else if status == .active, hasRunItsCourse(latest.fields[0], lastMentioned: group.compactMap(\.date).max(), recordEnd: recordEnd) {
                status = .resolved
            }
            return ProblemItem(text: "\(latest.fields[0]) (\(status.rawValue))", name: latest.fields[0], status: status,
                               citations: cited)
        }
        let allergies = groups(.allergies).map { group -> AllergyItem in
            let latest = group.last!
            let reaction = group.reversed().lazy.compactMap { Self.known($0.fields[1]) }.first
            let type = group.contains { $0.allergyType == "allergy" } ? "allergy" : "intolerance"
            var text = latest.fields[0]
            if let reaction { text += ": " + reaction }
            if type == "intolerance" { text += " (intolerance)" }
            return AllergyItem(text: text, substance: latest.fields[0], reaction: reaction, type: type, citations: citations(group))
        }
        let results = groups(.results, key: Self.resultKey).map { group -> ResultItem in
            // The fullest spelling of the group: a name and a value with its unit.
            let first = group.max { ($0.fields[1].count, $0.fields[0].count) < ($1.fields[1].count, $1.fields[0].count) }!
            var text = first.fields[0] + " " + first.fields[1]
            if let date = first.date { text += " (" + date + ")" }
            return ResultItem(text: text,
                              name: first.fields[0], value: first.fields[1], date: first.date, citations: citations(group))
        }
        var timeline: [TimelineItem] = []
        var planned: [TimelineItem] = []
        for group in groups(.events, key: Self.eventKey) {
            let first = group.first!
            if !first.fromStructure, let words = encounterWords[first.date!],
               first.key.split(separator: " ").allSatisfy({ words.contains(String($0)) }) { continue }
            let item = TimelineItem(text: "\(first.date!): \(first.fields[0])", date: first.date!, event: first.fields[0],
                                    citations: citations(group))
            // Plan words count in the event's own sentence: "X stopped. Will start Y." reports X as done.
            let cited = ItemVerifier.clause(of: lines[first.line]?.deidentified.lowercased() ?? "",
                                            naming: first.key.split(separator: " ").first.map(String.init) ?? first.key)
            let lower = " " + cited + " "
            if ItemVerifier.eventPlanCues.contains(where: lower.contains) { planned.append(item) } else { timeline.append(item) }
        }
        timeline += resultEvents(results) + medicationEvents(medicationActions)
        timeline.sort { ($0.date, $0.citations.first?.lineStart ?? 0) < ($1.date, $1.citations.first?.lineStart ?? 0) }
        return RecordSummary(timeline: timeline, problems: problems, medications: medications, allergies: allergies,
                             results: results, planned: planned, unsupported: unsupported, provenance: provenance,
                             timings: timings, chunks: chunks)
    }
}
