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

    /// Saves the result as an unsigned draft and says so on standard error: nothing is final until signed.
    func save(_ result: inout some StorableDraft, input: ClinicalInput) throws {
        let record = try result.save(to: DraftStore.openDefault(), input: input, keepInput: keepInput, actor: actor.name)
        printError("saved as draft \(record.id) (unsigned; review, then `vellum sign \(record.id) --by NAME`)")
    }

    func readInput(_ path: String) throws -> ClinicalInput {
        do { return try ClinicalInput.read(path: path, maximumBytes: maxInputBytes) } catch { throw CommandError(error.description) }
    }

    /// Everything a task needs, loaded once.
    func prepare() throws -> (Deidentifier, ModelService, String) {
        let deidentifier: Deidentifier
        do {
            deidentifier = Deidentifier(registry: .default(lexicons: try lexiconOptions.load()), kinds: Set(PHIKind.allCases))
        } catch {
            throw CommandError("de-identification lexicons: \(error.description)")
        }
        let path = try modelOptions.resolvedPath()
        let backend = ModelService(model: try LanguageModel(path: path), contextLength: modelOptions.context,
                                   threads: modelOptions.threads, queueCapacity: 1)
        return (deidentifier, backend, try ModelFingerprint.sha256(path: path))
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
        subcommands: [DraftNote.self])
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
        try options.save(&note, input: input)
        if options.json { try options.printJSON(note) } else { writeOut(note.markedText) }
        printError(String(format: "note: %.1f s (model %.1f s: %d prompt + %d generated tokens), %d finding(s)",
                          note.timings.deidentify + note.timings.generate + note.timings.check, note.timings.generate,
                          note.timings.promptTokens, note.timings.generatedTokens, note.findings.count))
    }
}
