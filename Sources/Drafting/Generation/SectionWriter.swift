import Foundation
import Inference

/// One titled part of a draft (a note's Subjective, a referral's Current medications).
public struct DraftSection: Codable, Equatable, Sendable {
    public var title: String
    public var text: String

    public init(title: String, text: String) {
        self.title = title
        self.text = text
    }
}

/// Writes a draft one section at a time, each from its own prompt with its own token budget, then makes the
/// sections safe to show: statuses the input never gives are left out, identifiers are restored locally, and
/// the assembled text is checked against the input. Notes and letters share it, so every sectioned draft gets
/// the same filter, restoration and fact check.
struct SectionWriter: Sendable {
    /// A section to write: its prompt, or nil when the input has nothing for it ("Not documented." without
    /// asking the model).
    struct Request {
        var title: String
        var messages: [ChatMessage]?
        /// The input's clauses this section is written from (de-identified): the model rewrites them one
        /// numbered line each and each rewrite is checked against its own clause (`ClauseRewriter`). Empty for a
        /// section written as free text from the whole input.
        var clauses: [String] = []
        /// Clause rewrites as "- " lines (a plan) rather than one paragraph.
        var bulleted = false
    }

    /// A placeholder the model wrote that the input never had, by section and offset within the section.
    struct UnknownPlaceholder {
        var placeholder: String
        var section: Int
        var offset: Int
    }

    struct Output {
        var sections: [DraftSection]
        var unknown: [UnknownPlaceholder]
        var removedUndocumented: Int
        /// Clauses whose rewrite was refused, so the draft shows them as the clinician wrote them.
        var clausesAsWritten: Int
    }

    var tokensPerSection: Int

    func write(_ requests: [Request], protected: ProtectedText, backend: some DraftingBackend, timings: inout StageTimings,
               progress: (@Sendable (Int, Int) -> Void)?) async throws -> Output {
        var start = DispatchTime.now()
        let builder = PromptBuilder(model: backend.model)
        var sections: [DraftSection] = []
        var clausesAsWritten = 0
        for (index, request) in requests.enumerated() {
            progress?(index, requests.count)
            guard let messages = request.messages else {
                sections.append(DraftSection(title: request.title, text: "Not documented."))
                continue
            }
            let byClause = !request.clauses.isEmpty
            let options = byClause
                ? GenerationOptions(maxTokens: ClauseRewriter.tokensPerClause * request.clauses.count, sampling: .greedy,
                                    grammar: try ClauseRewriter.grammar(clauseCount: request.clauses.count))
                : GenerationOptions(maxTokens: tokensPerSection, sampling: .greedy, stopStrings: ["\n\n\n"])
            let result = try await backend.complete(prompt: builder.tokens(messages), options: options)
            timings.count(result)
            let text: String
            if byClause {
                let assembled = ClauseRewriter.assemble(result.text, clauses: request.clauses, bulleted: request.bulleted)
                clausesAsWritten += assembled.asWritten
                text = assembled.text
            } else {
                text = Self.cleanSection(result.text, title: request.title)
            }
            sections.append(DraftSection(title: request.title, text: text))
        }
        progress?(requests.count, requests.count)
        timings.generate += elapsed(since: start)

        start = DispatchTime.now()
        var removed = 0
        var unknown: [UnknownPlaceholder] = []
        for i in sections.indices {
            let (kept, dropped) = UndocumentedStatusFilter.apply(to: sections[i].text, source: protected.original)
            removed += dropped
            let restored = protected.restore(kept.isEmpty ? "Not documented." : kept)
            sections[i].text = restored.text
            unknown += restored.unknown.map { UnknownPlaceholder(placeholder: $0.placeholder, section: i, offset: $0.offset) }
        }
        timings.check += elapsed(since: start)
        return Output(sections: sections, unknown: unknown, removedUndocumented: removed, clausesAsWritten: clausesAsWritten)
    }

    /// Drops a heading the model repeated, code fences and surrounding blank lines.
    static func cleanSection(_ text: String, title: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        lines.removeAll { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") || $0.trimmingCharacters(in: .whitespaces) == ">>>" }
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        if let first = lines.first {
            let bare = first.trimmingCharacters(in: CharacterSet(charactersIn: " #*:")).lowercased()
            if bare == title.lowercased() {
                lines.removeFirst()
            } else if first.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " #*")).hasPrefix(title.lowercased() + ":") {
                lines[0] = String(first.drop(while: { $0 != ":" }).dropFirst()).trimmingCharacters(in: CharacterSet(charactersIn: " *"))
            }
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A draft's text laid out from its sections: an optional header, "TITLE:\n text" per section separated by
/// blank lines, an optional footer; with where each section's text starts (Unicode scalars), so that findings
/// made per section can be placed in the whole.
struct SectionedText {
    let text: String
    let sectionStarts: [Int]

    init(header: String = "", sections: [DraftSection], footer: String = "") {
        var text = header
        var starts: [Int] = []
        var offset = header.unicodeScalars.count
        for (index, section) in sections.enumerated() {
            let separator = index == 0 ? "" : "\n\n"
            let heading = "\(separator)\(section.title.uppercased()):\n"
            offset += heading.unicodeScalars.count
            starts.append(offset)
            text += heading + section.text
            offset += section.text.unicodeScalars.count
        }
        self.text = text + footer
        sectionStarts = starts
    }

    /// The fact check of the assembled text against `source`, plus every placeholder the model made up.
    func findings(source: String, unknown: [SectionWriter.UnknownPlaceholder]) -> [Finding] {
        DraftCheck.findings(in: text, source: source,
                            unknownPlaceholders: unknown.map { ($0.placeholder, sectionStarts[$0.section] + $0.offset) })
    }
}

/// The check every draft gets before anyone sees it.
enum DraftCheck {
    /// The fact check of `text` against `source`, plus a finding for each placeholder the model wrote that
    /// stands for no identifier of the input (at its scalar offset in `text`), in text order.
    static func findings(in text: String, source: String, unknownPlaceholders: [(placeholder: String, start: Int)]) -> [Finding] {
        var findings = FactChecker().check(draft: text, source: source)
        for (placeholder, start) in unknownPlaceholders {
            findings.append(Finding(kind: .identifier, text: placeholder, start: start,
                                    end: start + placeholder.unicodeScalars.count, reason: "placeholder not in the input"))
        }
        return findings.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }
}

/// A draft the fact check has looked at: its notice, text and findings, which a terminal shows marked in place.
public protocol CheckedDraft {
    var notice: String { get }
    var text: String { get }
    var findings: [Finding] { get }
}

extension CheckedDraft {
    /// The draft as the clinician reads it in a terminal: every unsupported fact marked in place as
    /// `[?text?N]`, and the list of findings after the text.
    public var markedText: String {
        var scalars = Array(text.unicodeScalars)
        // Insert from the end so earlier offsets stay valid; overlapping findings mark the outer span once.
        var lastStart = Int.max
        for (index, finding) in findings.enumerated().reversed() where finding.end <= lastStart && finding.end <= scalars.count {
            scalars.insert(contentsOf: "?\(index + 1)]".unicodeScalars, at: finding.end)
            scalars.insert(contentsOf: "[?".unicodeScalars, at: finding.start)
            lastStart = finding.start
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        var out = "\(notice)\n\n\(String(view))\n"
        if findings.isEmpty {
            out += "\nFact check: every drug, dose, frequency, number, date, side and negation is in the input.\n"
        } else {
            out += "\nFact check: \(findings.count) statement(s) the input does not support; check before signing:\n"
            for (index, f) in findings.enumerated() { out += "  \(index + 1). \(f.kind.rawValue) \"\(f.text)\": \(f.reason)\n" }
        }
        return out
    }
}
