import Deidentification
import Foundation
import Inference

/// `vellum draft referral`: a letter to a specialist from a visit note or summary. Each section is written
/// from the whole de-identified input with its own request at the end of the prompt, so the model service
/// reuses the evaluated input for every section after the first. Letterhead, addressee and signature stay
/// placeholders for the practice.
public struct ReferralDrafter: Sendable {
    public static let templateVersion = "referral-1"
    public var tokensPerSection: Int

    public init(tokensPerSection: Int = 160) { self.tokensPerSection = tokensPerSection }

    public static let sections: [NoteTemplate.Section] = [
        .init(title: "Reason for referral", guidance: "why the patient is referred, in one or two sentences"),
        .init(title: "Question for the specialist", guidance: "the specific question the referring clinician asks of the specialist, as a question"),
        .init(title: "Pertinent history", guidance: "the history that bears on the referral: the problem's course, relevant past history, and what has been tried"),
        .init(title: "Current medications", guidance: "each current medication with its dose and frequency exactly as the note gives them, one per \"- \" line"),
        .init(title: "Allergies", guidance: "each allergy the note states, with the reaction if given; if the note states none, write: Not documented."),
        .init(title: "Results", guidance: "examination findings and test results that bear on the referral, with values and dates exactly as written"),
    ]

    static let instructions = """
        You write one section of a referral letter to a specialist from the referring clinician's note, for the clinician to review.
        Rules:
        - Use only what the note states. Never add a drug, dose, frequency, number, date, side, diagnosis or finding that is not in it.
        - Keep every number, dose, frequency and date exactly as given.
        - Keep placeholders such as [NAME_1] or [DATE_2] exactly as written.
        - If the note says nothing for this section, write: Not documented.
        - Write short plain sentences or "- " lines. No heading, no greeting, no signature.
        """

    func messages(note: String, section: NoteTemplate.Section) -> [ChatMessage] {
        [
            ChatMessage(role: .system, content: Self.instructions),
            ChatMessage(role: .user, content: "Clinician's note:\n<<<\n\(note)\n>>>\n\nWrite the \(section.title) section of the referral letter: \(section.guidance)."),
        ]
    }

    public func draft(_ input: ClinicalInput, deidentifier: Deidentifier, backend: some DraftingBackend,
                      modelSHA256: String?, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> SectionedDraft {
        var timings = StageTimings()
        let protected = timings.time(\.deidentify) { ProtectedText(input.text, deidentifier: deidentifier) }

        let requests = Self.sections.map {
            SectionWriter.Request(title: $0.title, messages: messages(note: protected.deidentified, section: $0))
        }
        let written = try await SectionWriter(tokensPerSection: tokensPerSection)
            .write(requests, protected: protected, backend: backend, timings: &timings, progress: progress)

        let checkStart = DispatchTime.now()
        let layout = SectionedText(header: "[PRACTICE LETTERHEAD]\n\nTo: [SPECIALIST NAME AND ADDRESS]\nRe: Referral\n\n",
                                   sections: written.sections,
                                   footer: "\n\nThank you for seeing this patient.\n\n[REFERRING CLINICIAN NAME AND SIGNATURE]")
        let findings = layout.findings(source: input.text, unknown: written.unknown)
        timings.check += elapsed(since: checkStart)
        return SectionedDraft(task: .referral, text: layout.text, sections: written.sections, findings: findings,
                              removedUndocumented: written.removedUndocumented, clausesAsWritten: written.clausesAsWritten,
                              provenance: Provenance(model: backend.modelPath, modelSHA256: modelSHA256, templateVersion: Self.templateVersion),
                              timings: timings)
    }
}
