import Deidentification
import Foundation
import Inference

/// A prior-authorization appeal: the payer's criteria one by one, each with the record's evidence (quoted,
/// with its line) or a plain statement that the documentation is missing.
public struct PriorAuthAppeal: Codable, Sendable, CheckedDraft {
    /// `met`: every required part quoted; `partial`: some parts quoted, others (`missingParts`) not found;
    /// `missing`: nothing found.
    public enum Status: String, Codable, Sendable { case met, partial, missing }

    public struct Evidence: Codable, Equatable, Sendable {
        /// The passage of the clinical rationale, as the clinician's copy shows it (identifiers restored).
        public var quote: String
        /// 1-based line of the rationale.
        public var line: Int
        /// Unicode scalar offsets of the quote in the rationale, end exclusive.
        public var start: Int
        public var end: Int
    }

    public struct CriterionResult: Codable, Equatable, Sendable {
        public var number: Int
        public var criterion: String
        /// `met` only with at least one evidence passage; never from the model's word alone.
        public var status: Status
        public var evidence: [Evidence]
        /// The required parts of the criterion, in its words, that no quoted passage documents (`partial` only).
        public var missingParts: [String] = []
    }

    public var notice = DraftNotice.text
    public var text: String
    public var policy: String
    public var denialReason: String?
    public var criteria: [CriterionResult]
    public var findings: [Finding]
    public var provenance: Provenance
    public var timings: StageTimings
    public var draftID: String?

    enum CodingKeys: String, CodingKey {
        case notice, text, policy, denialReason = "denial_reason", criteria, findings, provenance, timings, draftID = "draft_id"
    }
}

/// `vellum draft appeal`: an appeal built criterion by criterion. For each of the payer's criteria the passages
/// of the rationale that may document it (`EvidencePassages.isEvidence`: they name its subject, a drug of the
/// class it names, say, and do not negate it) are offered to the model, which may only answer with their numbers
/// or NONE (a grammar allows nothing else). A criterion is written as met only with a quoted passage, otherwise
/// as missing documentation, so the appeal cannot claim what the record does not show. The model sees the
/// de-identified rationale only.
public struct AppealDrafter: Sendable {
    public static let templateVersion = "appeal-1"
    /// Passages offered per criterion: enough for a criterion documented in several places, few enough that a
    /// small model reads them all.
    public var candidatesPerCriterion: Int

    public init(candidatesPerCriterion: Int = 6) { self.candidatesPerCriterion = candidatesPerCriterion }

    static let instructions = """
        You check a patient's record against one criterion of an insurance policy, for a clinician writing an appeal.
        Answer with the numbers of the passages that show the criterion is met, separated by commas, or NONE.
        Rules:
        - A passage counts only if it states the fact the criterion asks for. A plan, an order or a referral is not evidence that something was done.
        - A passage that says something was not done, is absent or negative for the criterion's subject does not show it is met.
        - When unsure, answer NONE: a missing item is reported to the clinician, a wrong one misleads the payer.
        """

    public func draft(rationale: ClinicalInput, denial: ClinicalInput, criteria: PayerCriteria, deidentifier: Deidentifier,
                      backend: some DraftingBackend, modelSHA256: String?,
                      progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> PriorAuthAppeal {
        var timings = StageTimings()
        let protected = timings.time(\.deidentify) { ProtectedText(rationale.text, deidentifier: deidentifier) }
        let passages = EvidencePassages.split(protected.deidentified)

        var start = DispatchTime.now()
        let builder = PromptBuilder(model: backend.model)
        let originalLines = rationale.text.split(separator: "\n", omittingEmptySubsequences: false)
        let lineStarts = Self.lineStarts(rationale.text)
        var results: [PriorAuthAppeal.CriterionResult] = []
        // The clinician's copy of each passage, restored once: quotes come from it, and recency is judged on it
        // because dates are placeholders in the model's copy.
        let restored = passages.map { passage in
            var copy = passage
            copy.text = protected.restore(passage.text).text
            return copy
        }
        let visit = EvidenceRecency.visitDate(of: rationale.text, passages: restored)
        let side = EvidencePassages.requestSide(of: rationale.text)
        let policyWords = EvidencePassages.policyWords(criteria.criteria.map(\.text))
        let letters = rationale.text.filter(\.isLetter)
        let recordIsUpperCase = letters.filter(\.isUppercase).count * 10 >= letters.count * 9
        for (index, criterion) in criteria.criteria.enumerated() {
            progress?(index, criteria.criteria.count)
            let recency = EvidenceRecency(criterion.text)
            let candidates = EvidencePassages.candidates(for: criterion.text, in: passages, limit: candidatesPerCriterion)
                .filter { EvidencePassages.isEvidence(passages[$0].text, criterion: criterion.text, inPlanSection: passages[$0].inPlanSection,
                                                      policyWords: policyWords) }
                .filter { candidate in
                    let text = restored[candidate].text
                    if let recency, let visit, recency.excludes(text, reference: visit) { return false }
                    return EvidencePassages.meetsTimeLimits(text, criterion: criterion.text, visit: visit)
                        && !EvidencePassages.isAboutOtherSide(text, requestSide: side, criterion: criterion.text)
                        && !EvidencePassages.isLabelOnly(text, recordIsUpperCase: recordIsUpperCase)
                }
            var chosen: [Int] = []
            if !candidates.isEmpty {
                let listing = candidates.enumerated().map { "\($0.offset + 1). \(passages[$0.element].text)" }.joined(separator: "\n")
                var options = GenerationOptions(maxTokens: 16, sampling: .greedy)
                options.grammar = try Grammar(gbnf: Self.answerGrammar(count: candidates.count))
                let result = try await backend.complete(prompt: builder.tokens([
                    ChatMessage(role: .system, content: Self.instructions),
                    ChatMessage(role: .user, content: "Criterion: \(criterion.text)\n\nPassages from the record:\n\(listing)\n\nWhich passages show the criterion is met?"),
                ]), options: options)
                timings.count(result)
                chosen = Self.parseAnswer(result.text, count: candidates.count).map { candidates[$0] }
            }
            let undocumented = chosen.isEmpty ? [] : EvidencePassages.undocumentedParts(of: criterion.text, passages: chosen.map { passages[$0].text })
            let evidence = chosen.compactMap { passageIndex -> PriorAuthAppeal.Evidence? in
                let passage = passages[passageIndex]
                let quote = restored[passageIndex].text
                guard passage.line <= originalLines.count,
                      let range = originalLines[passage.line - 1].range(of: quote) else { return nil }
                let lineText = originalLines[passage.line - 1]
                let startInLine = lineText.unicodeScalars.distance(from: lineText.unicodeScalars.startIndex, to: range.lowerBound)
                let startOffset = lineStarts[passage.line - 1] + startInLine
                return PriorAuthAppeal.Evidence(quote: quote, line: passage.line, start: startOffset, end: startOffset + quote.unicodeScalars.count)
            }
            let status: PriorAuthAppeal.Status = evidence.isEmpty ? .missing : undocumented.isEmpty ? .met : .partial
            results.append(.init(number: criterion.number, criterion: criterion.text, status: status, evidence: evidence,
                                 missingParts: status == .partial ? undocumented : []))
        }
        progress?(criteria.criteria.count, criteria.criteria.count)
        timings.generate = elapsed(since: start)

        start = DispatchTime.now()
        let denialReason = Self.denialReason(denial.text)
        let text = Self.letter(policy: criteria.title, denialReason: denialReason, results: results)
        let sources = [rationale.text, denial.text, criteria.criteria.map(\.text).joined(separator: "\n"), criteria.title]
        let findings = FactChecker().check(draft: text, source: sources.joined(separator: "\n"))
        timings.check = elapsed(since: start)
        return PriorAuthAppeal(text: text, policy: criteria.title, denialReason: denialReason, criteria: results, findings: findings,
                               provenance: Provenance(model: backend.modelPath, modelSHA256: modelSHA256, templateVersion: Self.templateVersion),
                               timings: timings)
    }

    /// "NONE", or up to four distinct passage numbers 1...count separated by ", ".
    static func answerGrammar(count: Int) -> String {
        let numbers = (1...count).map { "\"\($0)\"" }.joined(separator: " | ")
        return "root ::= \"NONE\" | n (\", \" n){0,3}\nn ::= \(numbers)"
    }

    /// Zero-based candidate indices named in an answer, in order, without repeats.
    static func parseAnswer(_ answer: String, count: Int) -> [Int] {
        var seen: [Int] = []
        for part in answer.split(whereSeparator: { $0 == "," || $0 == " " }) {
            if let n = Int(part), (1...count).contains(n), !seen.contains(n - 1) { seen.append(n - 1) }
        }
        return seen
    }

    /// The denial letter's sentence that gives its reason, by the words payers use for it; nil when none does.
    static func denialReason(_ denial: String) -> String? {
        let cues = ["reason", "does not meet", "do not meet", "not met", "not medically necessary", "denied because", "does not establish",
                    "not covered", "insufficient"]
        for line in denial.split(separator: "\n") {
            for sentence in EvidencePassages.sentences(String(line)) where cues.contains(where: { sentence.lowercased().contains($0) }) {
                return sentence
            }
        }
        return nil
    }

    static func letter(policy: String, denialReason: String?, results: [PriorAuthAppeal.CriterionResult]) -> String {
        var text = "[PRACTICE LETTERHEAD]\n\nTo: [PAYER APPEALS DEPARTMENT]\n"
        text += policy.isEmpty ? "Re: Appeal of a prior-authorization denial\n\n" : "Re: Appeal of a prior-authorization denial - \(policy)\n\n"
        text += "We ask you to reconsider the denial in your letter (copy attached)."
        if let denialReason { text += " It states: \"\(denialReason)\"" }
        text += " Each of your criteria is answered below from the patient's clinical documentation.\n"
        for result in results {
            text += "\nCriterion \(result.number): \(result.criterion)\n"
            for evidence in result.evidence { text += "Documented: \"\(evidence.quote)\" (clinical note, line \(evidence.line))\n" }
            switch result.status {
            case .met: break
            case .partial:
                text += "Documentation missing for: \(result.missingParts.joined(separator: "; ")). Add it, or explain why it does not apply, before sending.\n"
            case .missing:
                text += "Documentation missing: the clinical documentation provided does not show this. Add it, or explain why it does not apply, before sending.\n"
            }
        }
        func numbers(_ status: PriorAuthAppeal.Status) -> String {
            results.filter { $0.status == status }.map { String($0.number) }.joined(separator: ", ")
        }
        text += "\n"
        if !numbers(.met).isEmpty { text += "Criteria documented above: \(numbers(.met)). " }
        if !numbers(.partial).isEmpty { text += "Criteria partly documented: \(numbers(.partial)). " }
        if !numbers(.missing).isEmpty { text += "Criteria not yet documented: \(numbers(.missing)). " }
        text += "We ask that the request be approved on this documentation.\n\nSincerely,\n\n[CLINICIAN NAME AND SIGNATURE]"
        return text
    }

    /// Unicode scalar offset where each line of `text` starts.
    static func lineStarts(_ text: String) -> [Int] {
        var starts = [0]
        for (offset, scalar) in text.unicodeScalars.enumerated() where scalar == "\n" { starts.append(offset + 1) }
        return starts
    }
}
