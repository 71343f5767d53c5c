import Deidentification
import Foundation
import Inference

/// A drafted note: its sections, the whole text as the clinician reads it (identifiers restored), and every
/// fact the input does not support.
public struct DraftedNote: Codable, Sendable {
    public struct Section: Codable, Equatable, Sendable {
        public var title: String
        public var text: String
    }

    public var notice = DraftNotice.text
    public var text: String
    public var sections: [Section]
    public var findings: [Finding]
    /// Sentences left out because they stated a status (smoking, allergies, ...) the input never gives.
    public var removedUndocumented: Int
    public var provenance: Provenance
    public var timings: StageTimings
    /// The id the drafts store gave it, once saved.
    public var draftID: String?

    enum CodingKeys: String, CodingKey {
        case notice, text, sections, findings, removedUndocumented = "removed_undocumented", provenance, timings, draftID = "draft_id"
    }
}

/// `vellum draft note`: a note in the template's sections from a clinician's shorthand. The shorthand is
/// sorted into the parts of a note first (`ShorthandRouter`), and each section is generated on its own from
/// its own clauses, with its own token budget: a runaway section ends at its budget or at a repeated line
/// without taking the others' share, and a section the shorthand gives nothing for is not written at all.
public struct NoteDrafter: Sendable {
    public static let templateVersion = "note-1"
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
    func messages(notes: String, section: NoteTemplate.Section) -> [ChatMessage] {
        [
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: "Shorthand for the \(section.title) section:\n<<<\n\(notes)\n>>>\n\nWrite the \(section.title) section: \(section.guidance)."),
        ]
    }

    /// What each section is written from: its routed clauses, in input order; nil where the shorthand has
    /// nothing for it (the section says "Not documented." without asking the model).
    func notes(for section: NoteTemplate.Section, shorthand: String, routed: [NotePart: [String]]) -> String? {
        let parts = NotePart.parts(forHeading: section.title)
        if parts.isEmpty { return shorthand }
        var clauses: [String] = []
        for part in NotePart.allCases where parts.contains(part) {
            for clause in routed[part] ?? [] where !clauses.contains(clause) { clauses.append(clause) }
        }
        return clauses.isEmpty ? nil : clauses.joined(separator: "\n")
    }

    public func draft(_ input: ClinicalInput, deidentifier: Deidentifier, backend: some DraftingBackend,
                      modelSHA256: String?, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> DraftedNote {
        var timings = StageTimings()
        var start = DispatchTime.now()
        let protected = ProtectedText(input.text, deidentifier: deidentifier)
        timings.deidentify = elapsed(since: start)

        start = DispatchTime.now()
        let builder = PromptBuilder(model: backend.model)
        let routed = ShorthandRouter.route(protected.deidentified)
        var sections: [DraftedNote.Section] = []
        for (index, section) in template.sections.enumerated() {
            progress?(index, template.sections.count)
            guard let notes = notes(for: section, shorthand: protected.deidentified, routed: routed) else {
                sections.append(.init(title: section.title, text: "Not documented."))
                continue
            }
            let prompt = builder.tokens(messages(notes: notes, section: section))
            let options = GenerationOptions(maxTokens: tokensPerSection, sampling: .greedy, stopStrings: ["\n\n\n"])
            let result = try await backend.complete(prompt: prompt, options: options)
            timings.promptTokens += result.promptTokensEvaluated
            timings.generatedTokens += result.ids.count
            sections.append(.init(title: section.title, text: Self.cleanSection(result.text, title: section.title)))
        }
        progress?(template.sections.count, template.sections.count)
        timings.generate = elapsed(since: start)

        start = DispatchTime.now()
        var removed = 0
        for i in sections.indices {
            let (kept, dropped) = UndocumentedStatusFilter.apply(to: sections[i].text, source: input.text)
            sections[i].text = kept.isEmpty ? "Not documented." : kept
            removed += dropped
        }
        // Restore identifiers per section, then check the assembled text against the original input.
        var unknown: [(placeholder: String, section: Int, offset: Int)] = []
        for i in sections.indices {
            let restored = protected.restore(sections[i].text)
            sections[i].text = restored.text
            unknown += restored.unknown.map { ($0.placeholder, i, $0.offset) }
        }
        let text = Self.assemble(sections)
        var findings = FactChecker().check(draft: text, source: input.text)
        for u in unknown {
            let sectionStart = Self.offset(ofSection: u.section, in: sections)
            let start = sectionStart + u.offset
            findings.append(Finding(kind: .identifier, text: u.placeholder, start: start,
                                    end: start + u.placeholder.unicodeScalars.count, reason: "placeholder not in the input"))
        }
        findings.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        timings.check = elapsed(since: start)
        return DraftedNote(text: text, sections: sections, findings: findings, removedUndocumented: removed,
                           provenance: Provenance(model: backend.modelPath, modelSHA256: modelSHA256, templateVersion: Self.templateVersion),
                           timings: timings)
    }

    /// "SUBJECTIVE:\n...\n\nOBJECTIVE:\n..." — headings in capitals, sections separated by a blank line.
    static func assemble(_ sections: [DraftedNote.Section]) -> String {
        sections.map { "\($0.title.uppercased()):\n\($0.text)" }.joined(separator: "\n\n")
    }

    /// Scalar offset where section `index`'s text starts in `assemble(sections)`.
    static func offset(ofSection index: Int, in sections: [DraftedNote.Section]) -> Int {
        var offset = 0
        for i in 0..<index { offset += "\(sections[i].title.uppercased()):\n\(sections[i].text)\n\n".unicodeScalars.count }
        return offset + "\(sections[index].title.uppercased()):\n".unicodeScalars.count
    }

    /// Drops a heading the model repeated, code fences and surrounding blank lines.
    static func cleanSection(_ text: String, title: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        lines.removeAll { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") || $0.trimmingCharacters(in: .whitespaces) == ">>>" }
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        if let first = lines.first {
            let bare = first.trimmingCharacters(in: CharacterSet(charactersIn: " #*:")).lowercased()
            if bare == title.lowercased() { lines.removeFirst() }
            else if first.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " #*")).hasPrefix(title.lowercased() + ":") {
                lines[0] = String(first.drop(while: { $0 != ":" }).dropFirst()).trimmingCharacters(in: CharacterSet(charactersIn: " *"))
            }
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
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
