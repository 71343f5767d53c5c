import Deidentification
import Foundation
import Inference

/// The kinds of front-desk message the practice reuses.
public enum FrontDeskKind: String, CaseIterable, Codable, Sendable {
    case reminder, reply, scheduling, refill, directions, notice

    var purpose: String {
        switch self {
        case .reminder: return "a reminder sent to patients before a visit or when something is due"
        case .reply: return "a reply to a patient's message or question"
        case .scheduling: return "a message inviting patients to book, change or confirm an appointment"
        case .refill: return "a message about a prescription refill request"
        case .directions: return "directions and arrival instructions for the practice"
        case .notice: return "a notice to patients about the practice (hours, closures, policies)"
        }
    }
}

/// A reusable front-desk message: generic text with merge fields, never a patient's details.
public struct FrontDeskTemplate: Codable, Sendable, CheckedDraft {
    public var notice = DraftNotice.text
    public var kind: FrontDeskKind
    public var text: String
    /// The merge fields the template uses, in order of first use (`patient_first_name`, ...).
    public var mergeFields: [String]
    /// What the fact check and the identifier check found; an identifier in a template is a finding too.
    public var findings: [Finding]
    public var provenance: Provenance
    public var timings: StageTimings
    public var draftID: String?

    enum CodingKeys: String, CodingKey {
        case notice, kind, text, mergeFields = "merge_fields", findings, provenance, timings, draftID = "draft_id"
    }
}

/// A request that holds protected health information: refused, with where and what kind, never the text.
public struct FrontDeskRefusal: Error, Codable, Equatable, Sendable, CustomStringConvertible {
    public struct Found: Codable, Equatable, Sendable {
        public var kind: String
        public var start: Int
        public var end: Int
    }

    public var source: String
    public var found: [Found]

    public init(source: String, found: [Found]) {
        self.source = source
        self.found = found
    }

    public var description: String {
        let list = found.map { "\($0.kind) at \($0.start)-\($0.end)" }.joined(separator: ", ")
        return "\(source): the request holds protected health information (\(list)); a front-desk template must be generic. Describe the message without names, dates, numbers or contact details; the template's merge fields stand for them."
    }
}

/// `vellum draft frontdesk`: a generic, reusable message with merge fields, from a request that must itself be
/// generic. The request is checked with the de-identifier's Safe Harbor check first and refused if it holds
/// any identifier. The model writes under a grammar in which a merge field can only be one of the catalogue's,
/// and digits only as the numbers the request itself gives (a duration, a count), so the template cannot
/// carry an invented phone number or date; the result is checked again for identifiers and against the request.
public struct FrontDeskDrafter: Sendable {
    public static let templateVersion = "frontdesk-1"
    /// The merge fields a practice's messaging system fills per patient or per practice.
    public static let mergeFields = [
        "patient_first_name", "patient_last_name", "appointment_date", "appointment_time", "clinician_name", "practice_name",
        "practice_phone", "practice_address", "portal_url", "medication_name", "visit_type",
    ]
    public var maxTokens: Int

    public init(maxTokens: Int = 220) { self.maxTokens = maxTokens }

    static func instructions(kind: FrontDeskKind) -> String {
        """
        You write a short, reusable message template for a medical practice's front desk: \(kind.purpose).
        Rules:
        - Never write a real name, date, time, phone number, address or other detail of a person. Use merge fields instead:
          \(mergeFields.map { "{{\($0)}}" }.joined(separator: ", ")).
        - Plain, friendly language that any patient understands. At most 120 words.
        - Include everything the request asks for, and nothing it does not (no medical advice).
        - Write only the message text.
        """
    }

    /// The Safe Harbor identifiers in a request; empty means it may be used.
    public static func identifiers(in request: String, deidentifier: Deidentifier) -> [FrontDeskRefusal.Found] {
        deidentifier.safeHarborIdentifiers(in: TokenizedText(request)).map { .init(kind: $0.kind.rawValue, start: $0.start, end: $0.end) }
    }

    /// Text with merge fields from the catalogue, and digits only as the request's own numbers.
    static func grammar(allowedNumbers: [String]) -> String {
        let fields = mergeFields.map { "\"\($0)\"" }.joined(separator: " | ")
        var rules = "root ::= piece+\npiece ::= [^{}0-9] | field"
        if !allowedNumbers.isEmpty {
            rules += " | number\nnumber ::= " + allowedNumbers.map { "\"\($0)\"" }.joined(separator: " | ")
        }
        return rules + "\nfield ::= \"{{\" (\(fields)) \"}}\""
    }

    /// The digit runs of the request, in order of first use.
    static func numbers(in request: String) -> [String] {
        var found: [String] = []
        var current = ""
        for c in request + " " {
            if c.isASCII && c.isNumber { current.append(c); continue }
            if !current.isEmpty, !found.contains(current) { found.append(current) }
            current = ""
        }
        return found
    }

    public func draft(request: ClinicalInput, kind: FrontDeskKind, deidentifier: Deidentifier, backend: some DraftingBackend,
                      modelSHA256: String?) async throws -> FrontDeskTemplate {
        var timings = StageTimings()
        var start = DispatchTime.now()
        let found = Self.identifiers(in: request.text, deidentifier: deidentifier)
        timings.deidentify = elapsed(since: start)
        guard found.isEmpty else { throw FrontDeskRefusal(source: request.source, found: found) }

        start = DispatchTime.now()
        var options = GenerationOptions(maxTokens: maxTokens, sampling: .greedy)
        options.grammar = try Grammar(gbnf: Self.grammar(allowedNumbers: Self.numbers(in: request.text)))
        let result = try await backend.complete(prompt: PromptBuilder(model: backend.model).tokens([
            ChatMessage(role: .system, content: Self.instructions(kind: kind)),
            ChatMessage(role: .user, content: "Request:\n<<<\n\(request.text)\n>>>\n\nWrite the \(kind.rawValue) template."),
        ]), options: options)
        timings.count(result)
        let text = SectionWriter.cleanSection(result.text, title: kind.rawValue)
        timings.generate = elapsed(since: start)

        start = DispatchTime.now()
        var findings = FactChecker().check(draft: text, source: request.text)
        let merged = Self.mergeFieldsMasked(text)
        for identifier in deidentifier.safeHarborIdentifiers(in: TokenizedText(merged)) {
            let scalars = Array(text.unicodeScalars)[identifier.start..<identifier.end]
            findings.append(Finding(kind: .identifier, text: String(String.UnicodeScalarView(scalars)), start: identifier.start,
                                    end: identifier.end, reason: "looks like a \(identifier.kind.rawValue); a template must use a merge field"))
        }
        findings.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        timings.check = elapsed(since: start)
        return FrontDeskTemplate(kind: kind, text: text, mergeFields: Self.fieldsUsed(in: text), findings: findings,
                                 provenance: Provenance(model: backend.modelPath, modelSHA256: modelSHA256, templateVersion: Self.templateVersion),
                                 timings: timings)
    }

    /// The template with each merge field blanked to spaces of the same length (offsets kept), so the identifier
    /// check looks at the words only and "{{patient_first_name}}" is not itself read as a name.
    static func mergeFieldsMasked(_ text: String) -> String {
        var result = text
        for field in mergeFields {
            let token = "{{\(field)}}"
            result = result.replacingOccurrences(of: token, with: String(repeating: " ", count: token.count))
        }
        return result
    }

    static func fieldsUsed(in text: String) -> [String] {
        var used: [(String.Index, String)] = []
        for field in mergeFields {
            if let range = text.range(of: "{{\(field)}}") { used.append((range.lowerBound, field)) }
        }
        return used.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
