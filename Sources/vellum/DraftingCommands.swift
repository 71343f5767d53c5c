import ArgumentParser
import Deidentification
import DraftStore
import Drafting
import Foundation
import Inference
import ModelService

/// What every drafting command shares: the model, the lexicons for de-identification, and how results are
/// printed. The work itself is in the Drafting library, which the server calls the same way.
struct DraftingOptions: ParsableArguments {
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var lexiconOptions: LexiconOptions

    @Flag(help: "Print JSON instead of text for a person.")
    var json = false

    @Option(help: "Largest input accepted, in bytes.")
    var maxInputBytes: Int = ClinicalInput.defaultMaximumBytes

    @Flag(help: "Keep the input itself with the saved draft (by default only its SHA-256 is kept).")
    var keepInput = false

    @OptionGroup var actor: ActorOptions

    @OptionGroup var deidPass: DraftingDeidOptions

    /// Saves the result as an unsigned draft and says so on standard error: nothing is final until signed.
    func save(_ result: inout some StorableDraft, input: ClinicalInput) throws {
        let record = try result.save(to: DraftStore.openDefault(), input: input, keepInput: keepInput, actor: actor.name)
        printError("saved as draft \(record.id) (unsigned; review, then `vellum sign \(record.id) --by NAME`)")
    }

    func readInput(_ path: String) throws -> ClinicalInput {
        do { return try ClinicalInput.read(path: path, maximumBytes: maxInputBytes) } catch { throw CommandError(error.description) }
    }

    /// Everything a task needs, loaded once. The de-identifier's model pass runs on the drafting model itself (its
    /// own session), before the model service generates anything: one copy of the weights, used in turn.
    func prepare() throws -> (Deidentifier, ModelService, String) {
        let (model, path) = try loadLanguageModel()
        let lexicons = try loadLexicons()
        var registry = RecognizerRegistry.default(lexicons: lexicons)
        if !deidPass.fastDeid {
            registry.add(ModelMentionRecognizer(languageModel: model, threads: modelOptions.threads, lexicons: lexicons))
        }
        let deidentifier = Deidentifier(registry: registry, kinds: Set(PHIKind.allCases))
        return (deidentifier, service(model), try ModelFingerprint.sha256(path: path))
    }

    /// The rules-only de-identifier: for checks made before any model is loaded.
    func loadDeidentifier() throws -> Deidentifier {
        Deidentifier(registry: .default(lexicons: try loadLexicons()), kinds: Set(PHIKind.allCases))
    }

    private func loadLexicons() throws -> Lexicons {
        do { return try lexiconOptions.load() } catch { throw CommandError("de-identification lexicons: \(error.description)") }
    }

    private func loadLanguageModel() throws -> (LanguageModel, String) {
        let path = try modelOptions.resolvedPath()
        return (try LanguageModel(path: path), path)
    }

    private func service(_ model: LanguageModel) -> ModelService {
        ModelService(model: model, contextLength: modelOptions.context, threads: modelOptions.threads, queueCapacity: 1)
    }

    /// The model service on the chosen model, and the model file's SHA-256 for provenance.
    func loadModel() throws -> (ModelService, String) {
        let (model, path) = try loadLanguageModel()
        return (service(model), try ModelFingerprint.sha256(path: path))
    }

    /// Saves a fact-checked draft, prints it (JSON, or the text with its findings marked), and one line of
    /// figures on standard error.
    func finish<D: StorableDraft & CheckedDraft & Encodable>(_ draft: inout D, input: ClinicalInput, label: String,
                                                             timings: StageTimings, extra: String = "") throws {
        try save(&draft, input: input)
        if json { try printJSON(draft) } else { writeOut(draft.markedText) }
        printError(String(format: "%@: %.1f s (model %.1f s: %d prompt + %d generated tokens), %d finding(s)%@", label,
                          timings.deidentify + timings.generate + timings.check, timings.generate, timings.promptTokens,
                          timings.generatedTokens, draft.findings.count, extra))
    }

    func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        writeOut(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
    }
}

/// A progress bar on standard error, drawn only when standard error is a terminal.
struct ProgressBar: Sendable {
    let label: String
    let enabled = isatty(2) == 1

    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let width = 30, filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

struct Summarize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarize a patient record: timeline, problems, medications, allergies, key results, each with its source lines.",
        discussion: """
            The record is de-identified before the model sees it; identifiers are restored only in this output. \
            Every item cites the input's lines (1-based); an item no line supports is listed apart, never as fact. \
            The output is a draft for a clinician to review.
            """)

    @OptionGroup var options: DraftingOptions
    @Argument(help: "The record: a text file, or - for standard input.")
    var file: String

    func run() async throws {
        let input = try options.readInput(file)
        let (deidentifier, backend, sha) = try options.prepare()
        let bar = ProgressBar(label: "summarizing")
        var summary = try await RecordSummarizer().summarize(input, deidentifier: deidentifier, backend: backend,
                                                             modelSHA256: sha, progress: bar.update)
        try options.save(&summary, input: input)
        if options.json { try options.printJSON(summary) } else { writeOut(summary.markdown) }
        printError(String(format: "summary: %d chunk(s), %.1f s (de-identify %.2f s, model %.1f s: %d prompt + %d generated tokens)",
                          summary.chunks, summary.timings.deidentify + summary.timings.generate + summary.timings.check,
                          summary.timings.deidentify, summary.timings.generate, summary.timings.promptTokens,
                          summary.timings.generatedTokens))
    }
}

struct Draft: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draft clinical paperwork from an input, for a clinician to review and sign.",
        subcommands: [DraftNote.self, DraftLetter.self, DraftReferral.self, DraftAppeal.self, DraftFrontDesk.self])
}

struct DraftNote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Draft a note (SOAP, or your template's sections) from a clinician's shorthand, with a fact check.",
        discussion: """
            The fact check lists every drug, dose, frequency, number, date, side and negation in the draft that \
            the input does not support, marked [?like this?N] in the text. A status the input never gives \
            (smoking, alcohol, allergies, pregnancy) is left out, never filled in as "denies" or "none".
            --template names a text file whose heading lines ("HPI:", "## Exam") are the note's sections; the lines \
            under a heading say what belongs there.
            """)

    @OptionGroup var options: DraftingOptions
    @Option(help: "A note template: heading lines define the sections.")
    var template: String?
    @Argument(help: "The shorthand: a text file, or - for standard input.")
    var file: String

    func run() async throws {
        let input = try options.readInput(file)
        var noteTemplate = NoteTemplate.soap
        if let template {
            let templateInput = try options.readInput(template)
            do { noteTemplate = try NoteTemplate.parse(templateInput.text, source: template) } catch { throw CommandError(error.description) }
        }
        let (deidentifier, backend, sha) = try options.prepare()
        let bar = ProgressBar(label: "drafting")
        var note = try await NoteDrafter(template: noteTemplate).draft(input, deidentifier: deidentifier, backend: backend,
                                                                       modelSHA256: sha, progress: bar.update)
        try options.finish(&note, input: input, label: "note", timings: note.timings)
    }
}

struct DraftLetter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letter",
        abstract: "Draft a plain-language letter to the patient from a visit note or a summary, with its reading grade.",
        discussion: """
            The letter aims at reading grade 8 or below (Flesch-Kincaid, reported): everyday words are chosen, and a \
            medical term that stays is explained in brackets. Greeting and signature are placeholders. The fact check \
            marks every drug, dose, number, date or finding the input does not support.
            """)

    @OptionGroup var options: DraftingOptions
    @Argument(help: "The visit note or summary: a text file, or - for standard input.")
    var file: String

    func run() async throws {
        let input = try options.readInput(file)
        let (deidentifier, backend, sha) = try options.prepare()
        var letter = try await PatientLetterDrafter().draft(input, deidentifier: deidentifier, backend: backend, modelSHA256: sha,
                                                            progress: ProgressBar(label: "drafting").update)
        try options.finish(&letter, input: input, label: "letter", timings: letter.timings,
                           extra: String(format: ", reading grade %.1f (target %.0f or below)", letter.readingGrade.grade, letter.gradeTarget))
    }
}

struct DraftReferral: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral",
        abstract: "Draft a referral letter: reason, question for the specialist, history, medications, allergies, results.",
        discussion: """
            Every section is taken from the input and fact-checked; letterhead, addressee and signature are placeholders.
            """)

    @OptionGroup var options: DraftingOptions
    @Argument(help: "The visit note or summary: a text file, or - for standard input.")
    var file: String

    func run() async throws {
        let input = try options.readInput(file)
        let (deidentifier, backend, sha) = try options.prepare()
        var letter = try await ReferralDrafter().draft(input, deidentifier: deidentifier, backend: backend, modelSHA256: sha,
                                                       progress: ProgressBar(label: "drafting").update)
        try options.finish(&letter, input: input, label: "referral", timings: letter.timings)
    }
}

struct DraftAppeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appeal",
        abstract: "Draft a prior-authorization appeal, criterion by criterion, from the rationale, the denial and the payer's criteria.",
        discussion: """
            Each numbered criterion gets the rationale's passage that documents it, quoted with its line, or a plain \
            statement that documentation is missing. No criterion is called met without a quoted passage.
            """)

    @OptionGroup var options: DraftingOptions
    @Option(help: "The denial letter (a text file).")
    var denial: String
    @Option(help: "The payer's criteria as pasted: a numbered list (a text file).")
    var criteria: String
    @Argument(help: "The clinical rationale (a visit note or summary): a text file, or - for standard input.")
    var file: String

    func run() async throws {
        let input = try options.readInput(file)
        let denialInput = try options.readInput(denial)
        let criteriaInput = try options.readInput(criteria)
        let payerCriteria: PayerCriteria
        do { payerCriteria = try PayerCriteria.parse(criteriaInput.text, source: criteria) } catch { throw CommandError(error.description) }
        let (deidentifier, backend, sha) = try options.prepare()
        var appeal = try await AppealDrafter().draft(rationale: input, denial: denialInput, criteria: payerCriteria,
                                                     deidentifier: deidentifier, backend: backend, modelSHA256: sha,
                                                     progress: ProgressBar(label: "checking criteria").update)
        let met = appeal.criteria.filter { $0.status == .met }.count, partial = appeal.criteria.filter { $0.status == .partial }.count
        try options.finish(&appeal, input: input, label: "appeal", timings: appeal.timings,
                           extra: ", \(met) of \(appeal.criteria.count) criteria documented" + (partial > 0 ? ", \(partial) in part" : ""))
    }
}

struct DraftFrontDesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontdesk",
        abstract: "Draft a reusable front-desk message template with merge fields ({{patient_first_name}}, ...).",
        discussion: """
            The request must be generic: one that holds a name, date, phone number or any other identifier is \
            refused (exit 1) with the kinds and offsets found, never the text. Merge fields: \
            \(FrontDeskDrafter.mergeFields.joined(separator: ", ")).
            """)

    @OptionGroup var options: DraftingOptions
    @Option(help: "The kind of message: \(FrontDeskKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: FrontDeskKind
    @Argument(help: "The request: a text file, or - for standard input.")
    var file: String

    func run() async throws {
        let input = try options.readInput(file)
        // The request is checked before a model is loaded: a refusal needs none.
        let deidentifier = try options.loadDeidentifier()
        let found = FrontDeskDrafter.identifiers(in: input.text, deidentifier: deidentifier)
        if !found.isEmpty { try refuse(FrontDeskRefusal(source: input.source, found: found)) }
        let (backend, sha) = try options.loadModel()
        var template: FrontDeskTemplate
        do {
            template = try await FrontDeskDrafter().draft(request: input, kind: kind, deidentifier: deidentifier, backend: backend,
                                                          modelSHA256: sha)
        } catch let refusal as FrontDeskRefusal {
            try refuse(refusal)
        }
        try options.finish(&template, input: input, label: "template", timings: template.timings)
    }

    func refuse(_ refusal: FrontDeskRefusal) throws -> Never {
        if options.json { try options.printJSON(refusal) }
        throw CommandError(refusal.description)
    }
}

extension FrontDeskKind: ExpressibleByArgument {}
