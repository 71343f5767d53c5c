import Deidentification
import Foundation
import Inference
import Tokenization

/// `vellum summarize`: a dated timeline, problems, medications with status, allergies and key results of a
/// record of any length, every item citing the lines it comes from.
///
/// The record is de-identified, cut into chunks of whole lines that fit the context, and each chunk is asked
/// for each category on its own (`SummaryCategory`). Every answer is checked against the line it cites
/// (`ItemVerifier`); mentions of one thing across chunks are merged, and the latest dated mention decides a
/// medication's or problem's status, so a drug stopped in 2024 is not current. What no line supports is
/// listed apart as unsupported.
public struct RecordSummarizer: Sendable {
    public static let templateVersion = "summary-1"
    /// Record tokens per chunk: small enough that a 1.5B model still reads every line.
    public var chunkTokens: Int
    public var tokensPerAnswer: Int

    public init(chunkTokens: Int = 1200, tokensPerAnswer: Int = 320) {
        self.chunkTokens = chunkTokens
        self.tokensPerAnswer = tokensPerAnswer
    }

    public func summarize(_ input: ClinicalInput, deidentifier: Deidentifier, backend: some DraftingBackend,
                          modelSHA256: String?, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> RecordSummary {
        var timings = StageTimings()
        let protected = timings.time(\.deidentify) { ProtectedText(input.text, deidentifier: deidentifier) }
        let lines = RecordLines(protected)

        var start = DispatchTime.now()
        let builder = PromptBuilder(model: backend.model)
        let chunks = chunk(lines, tokenizer: backend.model.tokenizer)
        var collector = MentionCollector(lines: lines, protected: protected)
        var grammars: [SummaryCategory: Grammar] = [:]
        for category in SummaryCategory.allCases { grammars[category] = try Grammar(gbnf: category.grammar) }
        let steps = chunks.count * SummaryCategory.allCases.count
        for (chunkIndex, range) in chunks.enumerated() {
            let text = range.map { "L\($0): \(lines[$0]!.deidentified)" }.joined(separator: "\n")
            for (categoryIndex, category) in SummaryCategory.allCases.enumerated() {
                progress?(chunkIndex * SummaryCategory.allCases.count + categoryIndex, steps)
                let prompt = builder.tokens(ExtractionPrompts.messages(chunk: text, firstLine: range.lowerBound,
                                                                       lastLine: range.upperBound, category: category))
                // The grammar keeps every answer in the line format, so each line parses.
                let options = GenerationOptions(maxTokens: tokensPerAnswer, sampling: .greedy, grammar: grammars[category])
                let result = try await backend.complete(prompt: prompt, options: options)
                timings.count(result)
                let verifier = ItemVerifier(lines: lines, range: range)
                for item in ExtractionPrompts.parse(result.text, category: category) {
                    collector.add(item, category: category, verifier: verifier)
                }
            }
        }
        collector.addLabLines(LabLineExtractor.results(in: lines) + LabListExtractor.results(in: lines) + ProseResultExtractor.results(in: lines))
        collector.addMedicationLines(MedicationLineExtractor.entries(in: lines))
        collector.addProblemLines(ProblemListExtractor.entries(in: lines))
        collector.addEncounters(EncounterExtractor.encounters(in: lines))
        progress?(steps, steps)
        timings.generate = elapsed(since: start)

        start = DispatchTime.now()
        var summary = collector.summary(provenance: Provenance(model: backend.modelPath, modelSHA256: modelSHA256,
                                                               templateVersion: Self.templateVersion),
                                        timings: timings, chunks: chunks.count)
        timings.check = elapsed(since: start)
        summary.timings = timings
        return summary
    }

    /// Consecutive line ranges of at most `chunkTokens` record tokens each (a longer single line is a chunk of
    /// its own, cut by the context check of the session if it cannot fit).
    func chunk(_ lines: RecordLines, tokenizer: Tokenizer) -> [ClosedRange<Int>] {
        var chunks: [ClosedRange<Int>] = []
        var first = 1, tokens = 0
        for line in lines.lines {
            let count = tokenizer.encode("L\(line.number): \(line.deidentified)\n", addBOS: false).count
            if tokens + count > chunkTokens && line.number > first {
                chunks.append(first...(line.number - 1))
                first = line.number
                tokens = 0
            }
            tokens += count
        }
        if first <= lines.lines.count { chunks.append(first...lines.lines.count) }
        // Chunks of blank lines only carry nothing to extract.
        return chunks.filter { range in range.contains { !(lines[$0]?.deidentified.trimmingCharacters(in: .whitespaces).isEmpty ?? true) } }
    }
}
