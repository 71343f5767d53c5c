import Deidentification
import Foundation
import Inference

/// One ICD-10-CM code suggested for the visit, with the sentence of the note that supports it.
public struct CodeSuggestion: Codable, Equatable, Sendable {
    public var code: String
    public var description: String
    /// Always true: a code that is not billable is never suggested (kept in the output so a reader need not trust that).
    public var billable: Bool
    /// The words of the note that name the condition.
    public var condition: String
    public var evidence: NoteEvidence
    /// The codes the model chose among (all from the table, all billable).
    public var candidates: [String]
    /// What documentation would allow a more specific code, when the suggested one is a default or unspecified code,
    /// or the note only suspects a diagnosis.
    public var moreSpecific: String?

    enum CodingKeys: String, CodingKey {
        case code, description, billable, condition, evidence, candidates, moreSpecific = "more_specific"
    }
}

// In an extension, so that the memberwise initializer stays.
extension CodeSuggestion {
    /// A code read from the note without the model (a status, a long-term drug): its own only candidate.
    init(readWithoutModel entry: ICD10Entry, condition: String, evidence: NoteEvidence) {
        self.init(code: entry.code, description: entry.description, billable: entry.billable, condition: condition, evidence: evidence,
                  candidates: [entry.code], moreSpecific: nil)
    }
}

/// The suggested office visit level with everything it rests on.
public struct EMSuggestion: Codable, Equatable, Sendable {
    public var code: String
    public var patient: PatientStatus
    public var patientEvidence: NoteEvidence?
    /// "mdm" or "time": which of the two gave the (higher) level.
    public var basis: String
    public var mdmLevel: MDMLevel
    public var mdmCode: String
    public var columns: [MDMColumnResult]
    public var timeMinutes: Int?
    public var timeEvidence: NoteEvidence?
    public var timeCode: String?
    /// What is missing for the next level up; nil at the highest level.
    public var nextLevel: String?

    enum CodingKeys: String, CodingKey {
        case code, patient, patientEvidence = "patient_evidence", basis, mdmLevel = "mdm_level", mdmCode = "mdm_code", columns,
             timeMinutes = "time_minutes", timeEvidence = "time_evidence", timeCode = "time_code", nextLevel = "next_level"
    }
}

/// `vellum code`'s result: diagnosis codes and the E/M level, each with its evidence, for a coder to confirm.
public struct CodingResult: Codable, Sendable {
    public static let confirmation = "Suggestions only: a certified coder or the physician confirms every code and the visit level before anything is billed."

    public var notice = DraftNotice.text
    public var confirmation = CodingResult.confirmation
    public var codeTable: String
    public var diagnoses: [CodeSuggestion]
    public var visit: EMSuggestion
    public var provenance: Provenance
    public var timings: StageTimings
    public var draftID: String?

    enum CodingKeys: String, CodingKey {
        case notice, confirmation, codeTable = "code_table", diagnoses, visit, provenance, timings, draftID = "draft_id"
    }
}

/// `vellum code`: ICD-10-CM codes and an office E/M level suggested from a visit note.
///
/// The note is de-identified first; everything after that reads the de-identified text, and only evidence
/// shown to the user is restored. For each clause of the assessment that may name a condition, the table is
/// searched by wording (`ConditionIndex`), and the model picks one of the candidate codes, or none, under a
/// grammar that allows nothing else: it cannot write a code the table does not have. Each pick is then checked
/// without the model: the code exists and is billable, and its evidence sentence, restored, is in the input at
/// the offsets given. Long-term drug use (Z79) is read from the drugs the note shows the patient taking, without
/// the model (`LongTermDrugUse`). The E/M level is not the model's: `MDMFinder` reads it from the documented elements.
public struct CodeSuggester: Sendable {
    public static let templateVersion = "code-1"
    public let table: ICD10Table
    let index: ConditionIndex

    public init(table: ICD10Table) {
        self.table = table
        index = ConditionIndex(table: table)
    }

    static let instructions = """
        You help a certified coder assign ICD-10-CM codes to one statement from the assessment and plan of an office visit note.
        Rules:
        - Choose the one candidate code whose wording the statement documents; prefer the most specific code the words support.
        - Choose none when the statement does not assess a condition (a test, a drug, a follow-up or an instruction) or the candidates do not fit.
        - Never choose a code for a condition the statement does not name.
        Answer with the code only.
        """

    func messages(_ phrase: ConditionPhrase, candidates: [ConditionIndex.Candidate]) -> [ChatMessage] {
        var list = ""
        for candidate in candidates { list += "\(candidate.entry.code): \(candidate.entry.description)\n" }
        list += "none: no code for this statement\n"
        let user = "Statement: \(phrase.sentence.text)\nCondition: \(phrase.text)\nCandidate codes:\n\(list)\nWhich code?"
        return [ChatMessage(role: .system, content: Self.instructions), ChatMessage(role: .user, content: user)]
    }

    static func grammar(for candidates: [ConditionIndex.Candidate]) throws -> Grammar {
        let alternatives = (candidates.map(\.entry.code) + ["none"]).map { "\"\($0)\"" }.joined(separator: " | ")
        return try Grammar(gbnf: "root ::= \(alternatives)")
    }

    public func suggest(_ input: ClinicalInput, deidentifier: Deidentifier, backend: some DraftingBackend,
                        modelSHA256: String?, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> CodingResult {
        var timings = StageTimings()
        let protected = timings.time(\.deidentify) { ProtectedText(input.text, deidentifier: deidentifier) }
        let note = VisitNoteText(protected.deidentified)
        let sex = PatientSex.stated(in: protected.deidentified)
        let locator = EvidenceLocator(protected: protected)

        var start = DispatchTime.now()
        let builder = PromptBuilder(model: backend.model)
        var diagnoses: [CodeSuggestion] = []
        var problems: [AssessedProblem] = []
        let phrases = note.sentences.filter(\.inAssessment).flatMap { ConditionPhrases.phrases(in: $0) }
        var sentencesAssessed = Set<Int>()
        var leadingPicks: [(sentence: Int, category: Substring, isDefault: Bool)] = []
        var foundFor = Set<String>()
        for (step, phrase) in phrases.enumerated() {
            progress?(step, phrases.count)
            guard !phrase.text.isEmpty, phrase.isLeading || sentencesAssessed.contains(phrase.sentence.start),
                  !(phrase.unlessFound.map { foundFor.contains("\(phrase.sentence.start) \($0)") } ?? false) else { continue }
            // A code already chosen for this sentence is not offered again: a clause and its parts ("type 2
            // diabetes and CKD", then "CKD") name it once, and the part may name a second condition.
            let chosen = Set(problems.filter { $0.sentence == phrase.sentence }.map(\.entry.code))
            var found = index.candidates(phrase: phrase.text, sentence: phrase.context, requiredWord: phrase.isHistory ? "history" : nil)
            if found.isEmpty, let head = phrase.head { found = index.candidates(phrase: head, sentence: phrase.context) }
            if !found.isEmpty { foundFor.insert("\(phrase.sentence.start) \(phrase.text)") }
            let candidates = found.filter { !chosen.contains($0.entry.code) && sex?.excludes($0.entry.description) != true }
            guard !candidates.isEmpty else { continue }
            var options = GenerationOptions(maxTokens: 12, sampling: .greedy)
            options.grammar = try Self.grammar(for: candidates)
            let result = try await backend.complete(prompt: builder.tokens(messages(phrase, candidates: candidates)), options: options)
            timings.count(result)
            var answer = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
            // A leading clause that is the very wording of one code ("gout", "hx kidney stones") names that condition;
            // the model's "none" is for statements that name none (a test, a drug, an instruction).
            if answer == "none", phrase.isLeading, let named = namedWhole(phrase, among: candidates) { answer = named }
            // The deterministic checks overrule the model: the answer must be one of the offered codes, in the
            // table, billable, and its sentence must be found in the input.
            guard answer != "none", candidates.contains(where: { $0.entry.code == answer }),
                  let entry = table[answer], entry.billable, let evidence = locator.evidence(for: phrase.sentence) else { continue }
            // A later clause that adds a detail ("recurrent", "moderate") to the condition the leading clause
            // was coded for names the same condition, not a second one of its category.
            // Unless it makes a default pick specific ("obesity", then "class 3"): both are kept, and the default
            // gives way below (`mostSpecific`).
            // A later clause that is a whole code's wording by itself ("old MI" after "CAD without angina") names a
            // second condition of the category, not a detail of the first.
            if !phrase.isLeading, leadingPicks.contains(where: { $0.sentence == phrase.sentence.start && $0.category == entry.code.prefix(3) && !$0.isDefault })
                && namedWhole(phrase, among: candidates) != entry.code
                || (!phrase.isLeading && Self.isDefault(entry.description)) {
                continue
            }
            // Two codes of one subcategory from one sentence ("chronic HFpEF from ... and ...", read whole and then
            // in part) are two readings of one condition: the first stands.
            if problems.contains(where: { $0.sentence == phrase.sentence && $0.entry.parent == entry.parent && $0.entry.code != entry.code }) {
                continue
            }
            if phrase.isLeading { leadingPicks.append((phrase.sentence.start, entry.code.prefix(3), Self.isDefault(entry.description))) }
            sentencesAssessed.insert(phrase.sentence.start)
            problems.append(AssessedProblem(sentence: phrase.sentence, phrase: phrase.text, entry: entry, isSymptom: table.isSymptom(entry.code)))
            if diagnoses.contains(where: { $0.code == entry.code }) { continue }
            diagnoses.append(CodeSuggestion(code: entry.code, description: entry.description, billable: entry.billable,
                                            condition: protected.restore(phrase.text).text, evidence: evidence,
                                            candidates: candidates.map(\.entry.code),
                                            moreSpecific: moreSpecific(entry, uncertain: phrases.first { $0.sentence == phrase.sentence && $0.uncertain != nil }?.uncertain,
                                                                       protected: protected)))
        }
        progress?(phrases.count, phrases.count)
        timings.generate = elapsed(since: start)
        diagnoses = Self.mostSpecific(diagnoses)
        diagnoses = hypertensionCombined(diagnoses)
        diagnoses = statusCodes(note, diagnoses: diagnoses, locator: locator)
        diagnoses += longTermDrugCodes(note, already: diagnoses.map(\.code), locator: locator)

        start = DispatchTime.now()
        let visit = VisitLevelCalculator.level(note: note, problems: problems, locate: locator.evidence(for:))
        timings.check = elapsed(since: start)
        return CodingResult(codeTable: table.source,
                            diagnoses: diagnoses, visit: visit,
                            provenance: Provenance(model: backend.modelPath, modelSHA256: modelSHA256, templateVersion: Self.templateVersion),
                            timings: timings)
    }

    /// The one code among `candidates` whose wording the clause alone states, every word of it and no other word, or
    /// nil.
    func namedWhole(_ phrase: ConditionPhrase, among candidates: [ConditionIndex.Candidate]) -> String? {
        let offered = Set(candidates.map(\.entry.code))
        let whole = index.candidates(phrase: phrase.text, sentence: phrase.text, requiredWord: phrase.isHistory ? "history" : nil)
            .filter { offered.contains($0.entry.code) && $0.termCoverage >= 1 - 1e-9 && $0.phraseCoverage >= 1 - 1e-9 }
        return whole.count == 1 ? whole[0].entry.code : nil
    }

    /// The Z79 codes for drugs the note shows the patient taking (`LongTermDrugUse`), read from the whole note,
    /// since a medication list or a plan line documents use wherever it stands.
    func longTermDrugCodes(_ note: VisitNoteText, already: [String], locator: EvidenceLocator) -> [CodeSuggestion] {
        let stated = LongTermDrugUse.statedBy(already)
        return LongTermDrugUse.uses(in: note.sentences).compactMap { use in
            guard !already.contains(use.code), !stated.contains(use.code), let entry = table[use.code], entry.billable,
                  let evidence = locator.evidence(for: use.sentence) else { return nil }
            return CodeSuggestion(readWithoutModel: entry, condition: use.drug, evidence: evidence)
        }
    }

    /// A hypertensive kidney code without the kidney disease gives way to what the note supports, and essential
    /// hypertension to the combination code for the kidney disease or heart failure coded beside it
    /// (`HypertensionCombination`), each keeping its evidence.
    func hypertensionCombined(_ picked: [CodeSuggestion]) -> [CodeSuggestion] {
        var diagnoses: [CodeSuggestion] = []
        for var diagnosis in picked {
            if let supported = HypertensionCombination.withoutKidneyDisease(diagnosis.code, codes: picked.map(\.code),
                                                                           evidence: diagnosis.evidence.quote),
               let entry = table[supported], entry.billable {
                // Already suggested on its own: the unsupported code goes, the other stands.
                if (picked + diagnoses).contains(where: { $0.code == entry.code }) { continue }
                diagnosis.code = entry.code
                diagnosis.description = entry.description
                diagnosis.moreSpecific = nil
            }
            diagnoses.append(diagnosis)
        }
        let evidence = { (code: String) in diagnoses.first { $0.code == code }?.evidence.quote ?? "" }
        guard let combined = HypertensionCombination.code(for: diagnoses.map(\.code), evidence: evidence), let entry = table[combined],
              entry.billable, !diagnoses.contains(where: { $0.code == combined }) else { return diagnoses }
        return diagnoses.map { diagnosis in
            guard diagnosis.code == HypertensionCombination.essential else { return diagnosis }
            var replaced = diagnosis
            replaced.code = entry.code
            replaced.description = entry.description
            replaced.candidates = [HypertensionCombination.essential, entry.code]
            replaced.moreSpecific = nil
            return replaced
        }
    }

    /// Status codes read from the whole note without the model: receptor status beside a breast cancer code
    /// (`ReceptorStatus`, which replaces any Z17 code the model picked), the BMI beside an obesity or overweight
    /// code (`BodyMassIndex`) and a history of smoking (`TobaccoHistory`).
    func statusCodes(_ note: VisitNoteText, diagnoses: [CodeSuggestion], locator: EvidenceLocator) -> [CodeSuggestion] {
        var result = diagnoses
        func add(_ code: String, _ sentence: NoteSentence, condition: String) {
            guard !result.contains(where: { $0.code == code }), let entry = table[code], entry.billable,
                  let evidence = locator.evidence(for: sentence) else { return }
            result.append(CodeSuggestion(readWithoutModel: entry, condition: condition, evidence: evidence))
        }
        if result.contains(where: { $0.code.hasPrefix("C50") }) {
            let receptors = ReceptorStatus.codes(in: note.sentences)
            if !receptors.isEmpty {
                result.removeAll { $0.code.hasPrefix("Z17") }
                for (code, sentence) in receptors { add(code, sentence, condition: "receptor status") }
            }
        }
        if let obesity = result.first(where: { $0.code.hasPrefix("E66") }), !result.contains(where: { $0.code.hasPrefix("Z68") }),
           BodyMassIndex.isAdult(note.sentences.map(\.text).joined(separator: " ")),
           let sentence = note.sentences.first(where: { $0.line == obesity.evidence.line && BodyMassIndex.value(in: $0.text) != nil })
            ?? note.sentences.first(where: { BodyMassIndex.value(in: $0.text) != nil }),
           let bmi = BodyMassIndex.value(in: sentence.text), let entry = BodyMassIndex.code(for: bmi, in: table) {
            add(entry.code, sentence, condition: "BMI")
        }
        if !result.contains(where: { $0.code.hasPrefix("F17") || $0.code == "Z72.0" }), let sentence = TobaccoHistory.sentence(in: note.sentences) {
            add(TobaccoHistory.code, sentence, condition: "former smoker")
        }
        return result
    }

    /// A code that says the note gave no more detail: "unspecified", "uncomplicated" or "without complications".
    static func isDefault(_ description: String) -> Bool {
        let lower = description.lowercased()
        return lower.contains("unspecified") || lower.contains("without complications") || lower.contains("uncomplicated")
    }

    /// A default code ("unspecified", "without complications") picked for one part of a sentence is dropped when
    /// a code of the same category was picked for the same sentence and says more: a combination code ("type 2
    /// diabetes with diabetic CKD") already states what the part ("type 2 diabetes") names, and a code is reported
    /// at its most specific.
    static func mostSpecific(_ diagnoses: [CodeSuggestion]) -> [CodeSuggestion] {
        diagnoses.filter { d in
            guard isDefault(d.description) else { return true }
            return !diagnoses.contains { other in
                other.code != d.code && !isDefault(other.description) && other.code.prefix(3) == d.code.prefix(3)
                    && other.evidence.start == d.evidence.start
            }
        }
    }

    /// What documentation would allow a more specific code than `entry`: its more specific siblings when it is
    /// an unspecified or default code, and a suspected diagnosis that would replace a symptom code once confirmed.
    func moreSpecific(_ entry: ICD10Entry, uncertain: String?, protected: ProtectedText) -> String? {
        var notes: [String] = []
        if let uncertain {
            let restored = protected.restore(uncertain).text
            notes.append("the note states '\(restored)' as uncertain; outpatient coding reports the documented condition or symptom until a diagnosis is confirmed, and a confirmed diagnosis would be coded instead")
        }
        let lower = entry.description.lowercased()
        let isDefault = Self.isDefault(entry.description) || lower.hasPrefix("other ") || lower.contains(" nos")
        if isDefault, let parent = table[entry.parent] {
            let siblings = table.children(of: parent.code).filter { $0.code != entry.code }
            if !siblings.isEmpty {
                var listed = siblings.prefix(4).map { "\($0.code) \($0.description)" }.joined(separator: "; ")
                if siblings.count > 4 { listed += "; and \(siblings.count - 4) more" }
                notes.append("\(entry.code) is the default under \(parent.code) (\(parent.description)); documenting the detail would allow a more specific code: \(listed)")
            }
        }
        return notes.isEmpty ? nil : notes.joined(separator: ". ")
    }
}

/// Maps a sentence of the de-identified note to the input the user gave: the same line (de-identification keeps
/// lines), the sentence with its identifiers restored, found there. A sentence that cannot be found is no evidence.
struct EvidenceLocator {
    let protected: ProtectedText
    let lineStarts: [Int]
    let lines: [String]

    init(protected: ProtectedText) {
        self.protected = protected
        var starts: [Int] = []
        var lines: [String] = []
        var offset = 0
        for line in protected.original.split(separator: "\n", omittingEmptySubsequences: false) {
            starts.append(offset)
            lines.append(String(line))
            offset += line.unicodeScalars.count + 1
        }
        lineStarts = starts
        self.lines = lines
    }

    func evidence(for sentence: NoteSentence) -> NoteEvidence? {
        guard sentence.line >= 1, sentence.line <= lines.count else { return nil }
        let restored = protected.restore(sentence.text)
        guard restored.unknown.isEmpty else { return nil }
        let line = lines[sentence.line - 1]
        guard let range = line.range(of: restored.text) else { return nil }
        let start = lineStarts[sentence.line - 1] + line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: range.lowerBound)
        return NoteEvidence(quote: restored.text, line: sentence.line, start: start, end: start + restored.text.unicodeScalars.count)
    }
}

/// Puts the E/M level together from the columns and the time.
enum VisitLevelCalculator {
    static func level(note: VisitNoteText, problems: [AssessedProblem], locate: @escaping (NoteSentence) -> NoteEvidence?) -> EMSuggestion {
        let finder = MDMFinder(note: note, locate: locate)
        let (risk, hospitalization) = finder.risk()
        let problemColumn = finder.problems(problems, hospitalization: hospitalization)
        let data = finder.data()
        let (patient, patientEvidence) = finder.patientStatus()
        let mdm = mdmLevel(problems: problemColumn.mdmLevel, data: data.mdmLevel, risk: risk.mdmLevel)
        let time = finder.totalTime()
        var timeLevel: MDMLevel?
        if let time { timeLevel = patient.level(forMinutes: time.minutes) }
        var level = mdm
        var basis = "mdm"
        if let timeLevel, timeLevel > mdm {
            level = timeLevel
            basis = "time"
        }
        let columns = [problemColumn, data, risk]
        var timeCode: String?
        if let timeLevel { timeCode = patient.code(for: timeLevel) }
        return EMSuggestion(code: patient.code(for: level), patient: patient, patientEvidence: patientEvidence, basis: basis,
                            mdmLevel: mdm, mdmCode: patient.code(for: mdm), columns: columns, timeMinutes: time?.minutes,
                            timeEvidence: time?.evidence, timeCode: timeCode,
                            nextLevel: nextLevel(after: level, columns: columns, patient: patient, timeMinutes: time?.minutes))
    }

    /// What the note would need for the level above `level`: two columns at the next MDM level, or the time.
    static func nextLevel(after level: MDMLevel, columns: [MDMColumnResult], patient: PatientStatus, timeMinutes: Int?) -> String? {
        guard let next = level.next else { return nil }
        var parts: [String] = []
        var met: [String] = []
        for column in columns {
            if column.mdmLevel >= next {
                met.append(column.column.rawValue)
            } else {
                parts.append("\(column.column.rawValue) (now \(column.level)) needs \(column.column.requirement(next))")
            }
        }
        var text = "\(patient.code(for: next)) needs two of three MDM columns at \(next.name)"
        if !met.isEmpty { text += " (already met: \(met.joined(separator: ", ")))" }
        text += ": " + parts.joined(separator: "; ")
        let minutes = patient.minutes(for: next)
        if let timeMinutes {
            text += "; or total time on the date of the encounter of at least \(minutes) minutes (documented: \(timeMinutes))"
        } else {
            text += "; or total time on the date of the encounter of at least \(minutes) minutes, documented as such"
        }
        return text
    }
}
