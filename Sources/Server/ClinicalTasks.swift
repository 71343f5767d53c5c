import Deidentification
import DraftStore
import Drafting
import Foundation
import Inference
import ModelService

/// What every task endpoint takes: the clinician's text and a few task options.
public struct TaskRequest: Decodable, Sendable {
    public var text: String
    /// Keep the input itself with the saved draft (by default only its SHA-256 is kept), as `--keep-input`.
    public var keepInput: Bool?
    /// Who is acting, for the audit log.
    public var actor: String?
    /// Task-specific text, e.g. a note template (heading lines are sections) or a de-identification format.
    public var template: String?
    public var format: String?
    /// For an appeal: the denial letter and the payer's criteria as pasted (a numbered list).
    public var denial: String?
    public var criteria: String?
    /// For a front-desk template: reminder, reply, scheduling, refill, directions or notice.
    public var kind: String?

    public init(text: String, keepInput: Bool? = nil, actor: String? = nil, template: String? = nil, format: String? = nil,
                denial: String? = nil, criteria: String? = nil, kind: String? = nil) {
        self.text = text
        self.keepInput = keepInput
        self.actor = actor
        self.template = template
        self.format = format
        self.denial = denial
        self.criteria = criteria
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey {
        case text, actor, template, format, denial, criteria, kind
        case keepInput = "keep_input"
    }
}

/// Everything a task runs with, loaded once per server.
public struct TaskEnvironment: Sendable {
    public private(set) var deidentifier: Deidentifier
    public let service: ModelService
    /// The lexicons of the model-assisted de-identification pass, run on the service's model before a task reads
    /// its text; nil for the rules alone.
    public let modelPassLexicons: Lexicons?
    /// What the drafters generate with: the service, or the service streaming its text to one request's page.
    public var backend: any DraftingBackend
    public let modelSHA256: String?
    public let store: DraftStore
    /// The audit log's actor when a request names none.
    public let defaultActor: String
    public let maxInputBytes: Int

    public init(deidentifier: Deidentifier, service: ModelService, modelSHA256: String?, store: DraftStore,
                defaultActor: String, maxInputBytes: Int = ClinicalInput.defaultMaximumBytes, modelPassLexicons: Lexicons? = nil) {
        self.deidentifier = deidentifier
        self.service = service
        self.modelPassLexicons = modelPassLexicons
        backend = service
        self.modelSHA256 = modelSHA256
        self.store = store
        self.defaultActor = defaultActor
        self.maxInputBytes = maxInputBytes
    }

    /// This environment with the model-assisted pass's findings in `text` added to its de-identifier, when the
    /// pass is on. The pass runs as one call in the service's queue (its session, its thread), so it takes its
    /// turn with every other request instead of sharing the model with a generation under way.
    func withModelPass(over text: String) async throws -> TaskEnvironment {
        guard let lexicons = modelPassLexicons else { return self }
        let found = try await service.perform { session in
            ModelMentionRecognizer(model: RuntimeChatModel(session: session), lexicons: lexicons).analyze(TokenizedText(text))
        }
        var environment = self
        environment.deidentifier = deidentifier.adding(PrecomputedDetections([text: found]))
        return environment
    }

    /// This environment with the model's text reported to `onText` as the drafters generate it.
    func streaming(_ onText: @escaping @Sendable (DraftTextEvent) -> Void) -> TaskEnvironment {
        var environment = self
        environment.backend = StreamingBackend(service: service, onText: onText)
        return environment
    }
}

/// A task's answer: the JSON the command line prints with `--json`, and what the workspace marks in it.
public struct TaskOutput: Sendable {
    /// Exactly `vellum <task> --json`'s output.
    public var json: Data
    /// Spans of `highlightedText` to mark, in UTF-16 offsets.
    public var highlights: [Highlight]
    /// The text the highlights are in (the draft, or the input for de-identification).
    public var highlightedText: String
}

/// One clinical task the server offers at `POST /api/tasks/<name>` (JSON) and `.../stream` (progress events).
///
/// Adding a task is one entry in `TaskEndpoint.standard`, e.g. for a drafter that returns a `StorableDraft`:
/// ```swift
/// .draft("letter", "Draft a letter to ...") { input, request, env, progress in
///     try await LetterDrafter().draft(input, deidentifier: env.deidentifier, backend: env.backend,
///                                     modelSHA256: env.modelSHA256, progress: progress)
/// }
/// ```
public struct TaskEndpoint: Sendable {
    public typealias Progress = @Sendable (Int, Int) -> Void
    public let name: String
    public let summary: String
    public let run: @Sendable (TaskRequest, TaskEnvironment, @escaping Progress) async throws -> TaskOutput

    public init(name: String, summary: String,
                run: @escaping @Sendable (TaskRequest, TaskEnvironment, @escaping Progress) async throws -> TaskOutput) {
        self.name = name
        self.summary = summary
        self.run = run
    }

    /// A drafting task: validates the text as `ClinicalInput`, runs `produce`, saves the result as an unsigned
    /// draft (as the command line does), and answers its JSON with the fact check's findings highlighted.
    public static func draft<Result: StorableDraft & Encodable & Sendable>(
        _ name: String, _ summary: String,
        produce: @escaping @Sendable (ClinicalInput, TaskRequest, TaskEnvironment, @escaping Progress) async throws -> Result
    ) -> TaskEndpoint {
        TaskEndpoint(name: name, summary: summary) { request, environment, progress in
            let input = try clinicalInput(request, environment)
            let environment = try await environment.withModelPass(over: input.text)
            var result = try await produce(input, request, environment, progress)
            try result.save(to: environment.store, input: input, keepInput: request.keepInput ?? false,
                            actor: request.actor ?? environment.defaultActor)
            return TaskOutput(json: try JSONOutput.encode(result), highlights: Highlight.findings(result.storedFindings, in: result.storedText),
                              highlightedText: result.storedText)
        }
    }

    static func clinicalInput(_ request: TaskRequest, _ environment: TaskEnvironment) throws -> ClinicalInput {
        do {
            return try ClinicalInput.validate(Data(request.text.utf8), source: "text", maximumBytes: environment.maxInputBytes)
        } catch {
            throw APIError.badRequest(error.description, param: "text")
        }
    }

    /// The tasks this build serves. Tasks built elsewhere register here with one entry each.
    public static let standard: [TaskEndpoint] = [
        .deidentify,
        .draft("summarize", "Summarize a record: timeline, problems, medications, allergies, results, each citing its lines.") {
            input, _, environment, progress in
            try await RecordSummarizer().summarize(input, deidentifier: environment.deidentifier, backend: environment.backend,
                                                   modelSHA256: environment.modelSHA256, progress: progress)
        },
        .draft("note", "Draft a note (SOAP, or the template's sections) from shorthand, with a fact check.") {
            input, request, environment, progress in
            var template = NoteTemplate.soap
            if let text = request.template {
                do { template = try NoteTemplate.parse(text, source: "template") } catch {
                    throw APIError.badRequest("\(error)", param: "template")
                }
            }
            return try await NoteDrafter(template: template).draft(input, deidentifier: environment.deidentifier,
                                                                   backend: environment.backend,
                                                                   modelSHA256: environment.modelSHA256, progress: progress)
        },
        .draft("letter", "Draft a plain-language letter to the patient from a visit note or summary, with its reading grade.") {
            input, _, environment, progress in
            try await PatientLetterDrafter().draft(input, deidentifier: environment.deidentifier, backend: environment.backend,
                                                   modelSHA256: environment.modelSHA256, progress: progress)
        },
        .draft("referral", "Draft a referral letter: reason, question, history, medications, allergies, results.") {
            input, _, environment, progress in
            try await ReferralDrafter().draft(input, deidentifier: environment.deidentifier, backend: environment.backend,
                                              modelSHA256: environment.modelSHA256, progress: progress)
        },
        .draft("appeal", "Draft a prior-authorization appeal criterion by criterion (fields: text = rationale, denial, criteria).") {
            input, request, environment, progress in
            let denial = try companionInput(request.denial, field: "denial", environment)
            let criteriaText = try companionInput(request.criteria, field: "criteria", environment)
            let criteria: PayerCriteria
            do { criteria = try PayerCriteria.parse(criteriaText.text, source: "criteria") } catch {
                throw APIError.badRequest("\(error)", param: "criteria")
            }
            return try await AppealDrafter().draft(rationale: input, denial: denial, criteria: criteria,
                                                   deidentifier: environment.deidentifier, backend: environment.backend,
                                                   modelSHA256: environment.modelSHA256, progress: progress)
        },
        .draft("frontdesk", "Draft a reusable front-desk message with merge fields from a generic request (field: kind).") {
            input, request, environment, _ in
            guard let kind = request.kind.flatMap(FrontDeskKind.init(rawValue:)) else {
                let kinds = FrontDeskKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.badRequest("kind: expected one of \(kinds)", param: "kind")
            }
            do {
                return try await FrontDeskDrafter().draft(request: input, kind: kind, deidentifier: environment.deidentifier,
                                                          backend: environment.backend, modelSHA256: environment.modelSHA256)
            } catch let refusal as FrontDeskRefusal {
                // The kinds and offsets, never the text: the same refusal the command line gives.
                throw APIError(status: .unprocessableContent, message: refusal.description, type: "phi_in_request", param: "text")
            }
        },
        .draft("code", "Suggest ICD-10-CM codes and the office E/M level for a visit note, each with its evidence.") {
            input, _, environment, progress in
            let table: ICD10Table
            do { table = try icd10Table.get() } catch { throw APIError(status: .internalServerError, message: "\(error)", type: "server_error") }
            return try await CodeSuggester(table: table).suggest(input, deidentifier: environment.deidentifier, backend: environment.backend,
                                                                 modelSHA256: environment.modelSHA256, progress: progress)
        },
    ]

    /// The ICD-10-CM table, read once per server (98,505 rows) on the first coding request, not per request.
    static let icd10Table = Result { () throws -> ICD10Table in try ICD10Table.load() }

    /// A second text a task takes beside `text` (an appeal's denial letter and criteria), checked the same way.
    static func companionInput(_ text: String?, field: String, _ environment: TaskEnvironment) throws -> ClinicalInput {
        guard let text else { throw APIError.badRequest("\(field): required for this task", param: field) }
        do {
            return try ClinicalInput.validate(Data(text.utf8), source: field, maximumBytes: environment.maxInputBytes)
        } catch {
            throw APIError.badRequest(error.description, param: field)
        }
    }
}

/// `vellum deid --format spans` for one text: the spans as the command line prints them, and the text rendered
/// with tags or redactions (no surrogates: those need a patient key and a vault, which stay on the command line).
public struct DeidentifiedText: Codable, Sendable {
    public struct Span: Codable, Equatable, Sendable {
        public var start: Int
        public var end: Int
        public var label: String
        public var score: Double
        public var recognizer: String
    }
    public var spans: [Span]
    public var format: String
    public var text: String
}

extension TaskEndpoint {
    public static let deidentify = TaskEndpoint(
        name: "deidentify", summary: "Find the identifiers in a text (Unicode scalar offsets) and tag or redact them."
    ) { request, environment, _ in
        let input = try clinicalInput(request, environment)
        let tokenized = TokenizedText(input.text)
        let detections = try await environment.withModelPass(over: input.text).deidentifier.analyze(tokenized)
        let format = request.format ?? "tagged"
        let rendered: String
        switch format {
        case "tagged": rendered = PlaceholderTagger().render(tokenized, detections)
        case "redact": rendered = Redactor.render(tokenized, detections)
        default: throw APIError.badRequest("format: expected tagged or redact", param: "format")
        }
        let spans = detections.map {
            DeidentifiedText.Span(start: $0.start, end: $0.end, label: $0.kind.rawValue, score: ($0.score * 100).rounded() / 100,
                                  recognizer: $0.recognizer)
        }
        let offsets = TextOffsets(input.text)
        let highlights = detections.map {
            Highlight(range: offsets.utf16(start: $0.start, end: $0.end), kind: $0.kind.rawValue, note: $0.recognizer)
        }
        return TaskOutput(json: try JSONOutput.encode(DeidentifiedText(spans: spans, format: format, text: rendered)),
                          highlights: highlights, highlightedText: input.text)
    }
}
