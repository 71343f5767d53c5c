import Deidentification
import Foundation
import Inference

/// A letter to a patient about their visit, in plain language, with its reading grade and the fact check.
public struct PatientLetter: Codable, Sendable, CheckedDraft {
    public var notice = DraftNotice.text
    public var text: String
    public var readingGrade: ReadingGrade
    /// The grade a patient letter aims at or below.
    public var gradeTarget: Double
    /// Medical terms kept in the letter and explained in brackets after their first use.
    public var explainedTerms: [String]
    /// Whether the first draft read above the target and was rewritten in simpler sentences.
    public var rewritten: Bool
    public var findings: [Finding]
    public var provenance: Provenance
    public var timings: StageTimings
    public var draftID: String?

    enum CodingKeys: String, CodingKey {
        case notice, text, readingGrade = "reading_grade", gradeTarget = "grade_target", explainedTerms = "explained_terms",
             rewritten, findings, provenance, timings, draftID = "draft_id"
    }
}

/// `vellum draft letter`: a letter to the patient from a visit note or a summary. The model writes the body
/// from the de-identified input under a grammar that keeps it plain paragraphs; formal words are then swapped
/// for everyday ones; a body that still reads above grade 8 is rewritten once in shorter sentences (kept only
/// when it reads easier and states nothing new the fact check objects to); medical terms that stay are
/// explained in brackets. The greeting and signature are left as placeholders for the practice to fill.
public struct PatientLetterDrafter: Sendable {
    public static let templateVersion = "letter-1"
    public static let gradeTarget = 8.0
    public var maxTokens: Int

    public init(maxTokens: Int = 450) { self.maxTokens = maxTokens }

    static let instructions = """
        You write a letter to a patient about their recent visit, from the clinician's note, for the clinician to review.
        Rules:
        - Write for a reader at grade 6: short sentences of under 15 words, everyday words (say "high blood pressure", not "hypertension").
        - If you must keep a medical word, explain it in brackets right after it.
        - Say what was found, what the plan is, what the patient should do, and when to come back or call.
        - Use only facts from the note. Keep every medicine name, dose, number and date exactly as written.
        - Keep placeholders such as [NAME_1] or [DATE_2] exactly as written.
        - Write only the body: no greeting, no signature, no headings, no lists of more than five lines.
        """

    static let rewriteInstructions = """
        Rewrite the letter below for a patient who reads at grade 5. Use shorter sentences (under 12 words) and everyday words.
        Keep every fact, medicine name, dose, number, date and placeholder exactly as written. Add nothing. Write only the body.
        """

    /// Plain paragraphs, lines and blank lines only: no Markdown headings, emphasis, code or tables.
    static let grammar = #"""
        root ::= para ("\n\n" para)*
        para ::= line ("\n" line)*
        line ::= [^\n#*`|] [^\n#*`|]*
        """#

    public func draft(_ input: ClinicalInput, deidentifier: Deidentifier, backend: some DraftingBackend,
                      modelSHA256: String?, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> PatientLetter {
        var timings = StageTimings()
        let protected = timings.time(\.deidentify) { ProtectedText(input.text, deidentifier: deidentifier) }

        var start = DispatchTime.now()
        let builder = PromptBuilder(model: backend.model)
        var options = GenerationOptions(maxTokens: maxTokens, sampling: .greedy)
        options.grammar = try Grammar(gbnf: Self.grammar)
        progress?(0, 2)
        let first = try await backend.complete(prompt: builder.tokens([
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: "Clinician's note:\n<<<\n\(protected.deidentified)\n>>>\n\nWrite the body of the letter to the patient."),
        ]), options: options)
        timings.count(first)
        var body = PlainLanguage.simplify(SectionWriter.cleanSection(first.text, title: "Letter"))
        var rewritten = false
        progress?(1, 2)
        let firstGrade = ReadingGrade(body).grade
        if firstGrade > Self.gradeTarget {
            let second = try await backend.complete(prompt: builder.tokens([
                ChatMessage(role: .system, content: Self.rewriteInstructions),
                ChatMessage(role: .user, content: "Letter:\n<<<\n\(body)\n>>>"),
            ]), options: options)
            timings.count(second)
            let simpler = PlainLanguage.simplify(SectionWriter.cleanSection(second.text, title: "Letter"))
            // The rewrite is kept only when it reads easier and adds no statement the first body did not
            // already have unsupported: simpler words are no gain if a dose changed on the way.
            let checker = FactChecker()
            if ReadingGrade(simpler).grade < firstGrade,
               checker.check(draft: simpler, source: protected.deidentified).count <= checker.check(draft: body, source: protected.deidentified).count {
                body = simpler
                rewritten = true
            }
        }
        progress?(2, 2)
        timings.generate = elapsed(since: start)

        start = DispatchTime.now()
        let explained = PlainLanguage.explainTerms(in: body)
        let restored = protected.restore(explained.text)
        let layout = LetterLayout(greeting: "Dear [PATIENT NAME],\n\n", body: restored.text,
                                  closing: "\n\nSincerely,\n\n[CLINICIAN NAME AND SIGNATURE]")
        let findings = layout.findings(source: input.text, unknown: restored.unknown)
        timings.check = elapsed(since: start)
        return PatientLetter(text: layout.text, readingGrade: ReadingGrade(restored.text), gradeTarget: Self.gradeTarget,
                             explainedTerms: explained.explained, rewritten: rewritten, findings: findings,
                             provenance: Provenance(model: backend.modelPath, modelSHA256: modelSHA256, templateVersion: Self.templateVersion),
                             timings: timings)
    }
}

/// A letter's text: fixed greeting and closing around a generated body, with the fact check placed in the whole.
struct LetterLayout {
    let text: String
    let bodyStart: Int

    init(greeting: String, body: String, closing: String) {
        text = greeting + body + closing
        bodyStart = greeting.unicodeScalars.count
    }

    func findings(source: String, unknown: [Reidentifier.UnknownPlaceholder]) -> [Finding] {
        DraftCheck.findings(in: text, source: source, unknownPlaceholders: unknown.map { ($0.placeholder, bodyStart + $0.offset) })
    }
}
