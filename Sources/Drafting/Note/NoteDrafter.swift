import Deidentification
import DraftStore
import Foundation
import Inference

/// A draft written in sections (a note, a referral letter): its sections, the whole text as the clinician reads
/// it (identifiers restored), and every fact the input does not support.
public struct SectionedDraft: Codable, Sendable, CheckedDraft {
    public typealias Section = DraftSection

    public var task: DraftTask
    public var notice = DraftNotice.text
    public var text: String
    public var sections: [Section]
    public var findings: [Finding]
    /// Sentences left out because they stated a status (smoking, allergies, ...) the input never gives.
    public var removedUndocumented: Int
    /// Clauses of the input shown as the clinician wrote them because their rewrite lost or changed a fact.
    public var clausesAsWritten = 0
    public var provenance: Provenance
    public var timings: StageTimings
    /// The id the drafts store gave it, once saved.
    public var draftID: String?

    enum CodingKeys: String, CodingKey {
        case task, notice, text, sections, findings, removedUndocumented = "removed_undocumented",
             clausesAsWritten = "clauses_as_written", provenance, timings, draftID = "draft_id"
    }
}

public typealias DraftedNote = SectionedDraft

/// `vellum draft note`: a note in the template's sections from a clinician's shorthand. The shorthand is
/// sorted into the parts of a note first (`ShorthandRouter`), and each section is generated on its own from
/// its own clauses, one numbered sentence per clause (`ClauseRewriter`), each checked against its clause and
/// replaced by the clause as written when it lost or changed a fact; a section the shorthand gives nothing for
/// is not written at all.
public struct NoteDrafter: Sendable {
    public static let templateVersion = "note-2"
    public var template: NoteTemplate
    public var tokensPerSection: Int

    public init(template: NoteTemplate = .soap, tokensPerSection: Int = 200) {
        self.template = template
        self.tokensPerSection = tokensPerSection
    }

    static let instructions = """
        You write one section of a clinical note from the clinician's shorthand for that section, for the clinician to review.
        Rules:
        - Use only what the shorthand states. Never add a drug, dose, frequency, number, date, side or finding that is not in it.
        - Keep every number, dose and frequency exactly as given; expand an abbreviation only when its meaning is certain (bid = twice daily).
        - Keep placeholders such as [NAME_1] or [DATE_2] exactly as written.
        - If the shorthand says nothing for this section, write: Not documented.
        - Never write that the patient denies something, or that something is none or normal, unless the shorthand says so.
        - Write short plain sentences or "- " lines. No heading, no commentary.
        """

    /// The messages for one section: the section's own clauses of the shorthand (`ShorthandRouter`), or the
    /// whole shorthand for a heading that names no usual part of a note.
    func messages(_ notes: String, section: NoteTemplate.Section) -> [ChatMessage] {
        [
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: "Shorthand for the \(section.title) section:\n<<<\n\(notes)\n>>>\n\nWrite the \(section.title) section: \(section.guidance)."),
        ]
    }

    /// What each section is written from: its routed clauses, in input order (also what the written section
    /// must keep); the whole shorthand, with no clauses to keep, for a heading that names no usual part; nil
    /// where the shorthand has nothing for it (the section says "Not documented." without asking the model).
    func notes(for section: NoteTemplate.Section, shorthand: String, routed: [NotePart: [String]]) -> (text: String, clauses: [String])? {
        let parts = NotePart.parts(forHeading: section.title)
        if parts.isEmpty { return (shorthand, []) }
        var clauses: [String] = []
        for part in NotePart.allCases where parts.contains(part) {
            for clause in routed[part] ?? [] where !clauses.contains(clause) { clauses.append(clause) }
        }
        return clauses.isEmpty ? nil : (clauses.joined(separator: "\n"), clauses)
    }

    public func draft(_ input: ClinicalInput, deidentifier: Deidentifier, backend: some DraftingBackend,
                      modelSHA256: String?, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> DraftedNote {
        var timings = StageTimings()
        let protected = timings.time(\.deidentify) { ProtectedText(input.text, deidentifier: deidentifier) }

        let routed = ShorthandRouter.route(protected.deidentified)
        let requests = template.sections.map { section in
            guard let notes = notes(for: section, shorthand: protected.deidentified, routed: routed) else {
                return SectionWriter.Request(title: section.title, messages: nil)
            }
            if notes.clauses.isEmpty {
                return SectionWriter.Request(title: section.title, messages: messages(notes.text, section: section))
            }
            let request = ClauseRewriter.request(clauses: notes.clauses, title: section.title, guidance: section.guidance)
            return SectionWriter.Request(title: section.title, messages: [ChatMessage(role: .system, content: Self.instructions),
                                                                          ChatMessage(role: .user, content: request)],
                                         clauses: notes.clauses, bulleted: NotePart.parts(forHeading: section.title) == [.plan])
        }
        let written = try await SectionWriter(tokensPerSection: tokensPerSection)
            .write(requests, protected: protected, backend: backend, timings: &timings, progress: progress)

        let checkStart = DispatchTime.now()
        let layout = SectionedText(sections: written.sections)
        let findings = layout.findings(source: input.text, unknown: written.unknown)
        timings.check += elapsed(since: checkStart)
        return SectionedDraft(task: .note, text: layout.text, sections: written.sections, findings: findings,
                           removedUndocumented: written.removedUndocumented, clausesAsWritten: written.clausesAsWritten,
                           provenance: Provenance(model: backend.modelPath, modelSHA256: modelSHA256, templateVersion: Self.templateVersion),
                           timings: timings)
    }
}

/// Leaves out sentences that state a status the input never gives (smoking, alcohol, drug use, allergies,
/// pregnancy): a model fills such slots with "denies" or "none" out of habit, which would put an assessment
/// nobody made into the record.
enum UndocumentedStatusFilter {
    static func apply(to text: String, source: String) -> (String, Int) {
        let lowerSource = source.lowercased()
        let absent = ClinicalVocabulary.undocumentedStatusSubjects.filter { _, stems in !stems.contains { lowerSource.contains($0) } }
        guard !absent.isEmpty else { return (text, 0) }
        var removed = 0
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var kept: [String] = []
            for sentence in sentences(String(line)) {
                let lower = sentence.lowercased()
                let mentions = absent.contains { _, stems in stems.contains { lower.contains($0) } }
                if mentions && !FactChecker.saysNotDocumented(lower) { removed += 1; continue }
                kept.append(sentence)
            }
            let joined = kept.joined(separator: " ").trimmingCharacters(in: .whitespaces)
            // A bullet whose only sentence went goes with it.
            if joined.isEmpty || joined == "-" || joined == "*" { if !line.trimmingCharacters(in: .whitespaces).isEmpty { continue } }
            lines.append(kept.isEmpty ? String(line) : joined)
        }
        return (lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines), removed)
    }

    /// Splits a line after ". ", keeping a bullet marker with its first sentence.
    static func sentences(_ line: String) -> [String] {
        var result: [String] = []
        var current = ""
        let chars = Array(line)
        for (i, c) in chars.enumerated() {
            current.append(c)
            if (c == "." || c == ";") && (i + 1 == chars.count || chars[i + 1] == " ") {
                result.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { result.append(current.trimmingCharacters(in: .whitespaces)) }
        return result
    }
}
