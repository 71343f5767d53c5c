import ArgumentParser
import Deidentification
import Foundation

/// `vellum deid`: find protected health information and write it out as spans, tags, surrogates or
/// redactions; `vellum deid reidentify` restores originals in a draft from the encrypted vault.
struct Deid: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deid",
        abstract: "De-identify clinical text (all HIPAA Safe Harbor identifiers) and re-identify drafts locally.",
        discussion: """
            Offsets count Unicode scalars (what Python's str indexes), end exclusive.
            Labels: NAME ADDRESS CITY ZIP DATE AGE_OVER_89 PHONE FAX EMAIL SSN MRN HEALTH_PLAN_ID ACCOUNT LICENSE \
            VEHICLE DEVICE URL IP ID_OTHER EMPLOYER, and FACILITY (a quasi-identifier, not Safe Harbor).
            Logs and errors carry kinds and offsets, never patient text.
            """,
        subcommands: [DeidAnalyze.self, DeidReidentify.self],
        defaultSubcommand: DeidAnalyze.self
    )
}

extension OutputFormat: ExpressibleByArgument {}

struct DeidAnalyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find PHI in files or stdin (the default subcommand of `vellum deid`).",
        discussion: """
            --format spans prints a JSON array of {"start", "end", "label", "score", "recognizer"}; offsets \
            count Unicode scalars (what Python's str indexes), end exclusive. tagged writes [NAME_1]-style \
            placeholders (the same original always gets the same tag), surrogate writes realistic fakes that are \
            consistent per --patient-key with dates shifted by one per-patient offset, redact writes [REDACTED].
            Text outside the spans is copied byte for byte.

            --check is the gate for anything leaving the machine: it prints the kind and offsets of each Safe \
            Harbor identifier (never the text) and exits with status 1 when there is any.

            --jsonl serves batch callers: each input line is {"id": ..., "text": "...", "patient_key": "..."?} and \
            each answer is one line {"id": ..., "spans": [...]} (or "text" for the text formats, or "phi" and \
            "clean" with --check). Input is read as a stream in bounded memory; invalid UTF-8 is an error that \
            names its byte offset.
            """
    )

    @Argument(help: "Input files (default: standard input).")
    var files: [String] = []

    @Option(help: "Output: spans, tagged, surrogate or redact.")
    var format: OutputFormat = .spans

    @Flag(help: "Exit 1 when any Safe Harbor identifier is present, printing kinds and offsets only.")
    var check = false

    @Option(help: "Patient key for consistent surrogates and the per-patient date offset.")
    var patientKey: String?

    @Option(help: "Encrypted vault file that keeps placeholders/surrogates -> originals (tagged and surrogate).")
    var vault: String?

    @Option(help: "Vault key file (32 bytes, mode 0600, created if missing; default: <vault>.key).")
    var keyFile: String?

    @Flag(help: "Persistent mode: one JSON document per input line, one JSON answer per output line.")
    var jsonl = false

    @OptionGroup var lexiconOptions: LexiconOptions

    @Flag(help: "Run on context rules alone when the lexicons are missing (lower recall; says so on stderr).")
    var withoutLexicons = false

    @Flag(help: "Leave facility and organization names (quasi-identifiers) in the text.")
    var keepFacilities = false

    @Option(help: "Write each input's output to this folder (needed for text formats with several files).")
    var outputDirectory: String?

    @OptionGroup var nameModel: NameModelOptions

    func validate() throws {
        if format == .surrogate && patientKey == nil && !jsonl {
            throw ValidationError("--format surrogate needs --patient-key")
        }
        if vault != nil && !(format == .tagged || format == .surrogate) {
            throw ValidationError("--vault keeps tag or surrogate mappings: use it with --format tagged or surrogate")
        }
        if files.count > 1 && format != .spans && !check && outputDirectory == nil {
            throw ValidationError("several files in a text format need --output-directory")
        }
        if jsonl && !files.isEmpty { throw ValidationError("--jsonl reads standard input only") }
    }

    func run() throws {
        let lexiconSet: Lexicons
        do {
            lexiconSet = try lexiconOptions.load()
        } catch {
            guard withoutLexicons else { throw CommandError(error.description) }
            standardError("warning: \(error.description); running on context rules alone")
            lexiconSet = .empty
        }
        var kinds = Set(PHIKind.allCases)
        if keepFacilities { kinds.remove(.facility) }
        var registry = RecognizerRegistry.default(lexicons: lexiconSet)
        if let recognizer = try nameModel.recognizer(lexicons: lexiconSet) { registry.add(recognizer) }
        let deidentifier = Deidentifier(registry: registry, kinds: kinds)
        let vaultStore = try vault.map { try Vault.open(at: URL(fileURLWithPath: $0), keyFile: keyFile.map { URL(fileURLWithPath: $0) }) }
        let renderer = DocumentRenderer(format: format, lexicons: lexiconSet, vault: vaultStore, patientKey: patientKey)

        if jsonl {
            try JSONLinesSession(deidentifier: deidentifier, renderer: renderer, check: check).run()
        } else {
            var anyPHI = false
            let inputs: [String?] = files.isEmpty ? [nil] : files
            for file in inputs {
                let sink = try OutputSink(directory: outputDirectory, input: file, format: format, check: check)
                let source = file ?? "stdin"
                let found = try processStream(file: file, source: source, deidentifier: deidentifier, renderer: renderer,
                                              sink: sink, label: files.count > 1 && format == .spans && outputDirectory == nil ? file : nil)
                anyPHI = anyPHI || found
                sink.close()
            }
            if check && anyPHI { throw ExitCode(1) }
        }
        if let vaultStore {
            vaultStore.merge(renderer.newVaultEntries())
            try vaultStore.save()
        }
    }

    /// Streams one input through the de-identifier; returns whether Safe Harbor PHI was found.
    private func processStream(file: String?, source: String, deidentifier: Deidentifier, renderer: DocumentRenderer,
                               sink: OutputSink, label: String?) throws -> Bool {
        guard let handle = file.map({ FileHandle(forReadingAtPath: $0) }) ?? FileHandle.standardInput else {
            throw CommandError("cannot open \(source)")
        }
        let stream = StreamingDeidentifier(deidentifier: deidentifier)
        var decoder = UTF8StreamDecoder()
        var phi: [Detection] = []
        var firstSpan = true
        if !check && format == .spans { sink.write(label.map { "{\"file\": \(jsonString($0)), \"spans\": [" } ?? "[") }
        func emit(_ segments: [StreamingDeidentifier.Segment]) {
            for segment in segments {
                let safeHarbor = segment.detections.filter { $0.kind.isSafeHarbor }
                if check { phi += safeHarbor; continue }
                switch format {
                case .spans:
                    for d in segment.detections {
                        sink.write((firstSpan ? "\n  " : ",\n  ") + spanJSON(d))
                        firstSpan = false
                    }
                default:
                    sink.write(renderer.render(segment))
                }
            }
        }
        while true {
            let block = handle.readData(ofLength: 1 << 20)
            if block.isEmpty { break }
            var scalars: [Unicode.Scalar] = []
            do {
                try decoder.decode(block, into: &scalars)
            } catch {
                throw CommandError("\(source): \(error.description)")
            }
            emit(stream.feed(scalars))
        }
        do { try decoder.finish() } catch { throw CommandError("\(source): \(error.description)") }
        emit(stream.finish())
        if check {
            if phi.isEmpty {
                print("\(source): no Safe Harbor identifiers found")
            } else {
                print("\(source): \(phi.count) Safe Harbor identifier(s) found")
                for d in phi { print("  \(d.logDescription)") }
            }
            return !phi.isEmpty
        }
        if format == .spans { sink.write(firstSpan ? "]" : "\n]"); sink.write(label == nil ? "\n" : "}\n") }
        return false
    }
}

/// Renders committed segments in a text format, keeping tag and surrogate state across documents.
final class DocumentRenderer {
    let format: OutputFormat
    let lexicons: Lexicons
    let tagger: PlaceholderTagger
    private var surrogates: [String: SurrogateGenerator] = [:]
    let patientKey: String?

    init(format: OutputFormat, lexicons: Lexicons, vault: Vault?, patientKey: String?) {
        self.format = format
        self.lexicons = lexicons
        self.tagger = PlaceholderTagger(vault: vault)
        self.patientKey = patientKey
    }

    func generator(for key: String) -> SurrogateGenerator {
        if let g = surrogates[key] { return g }
        let g = SurrogateGenerator(patientKey: key, lexicons: lexicons)
        surrogates[key] = g
        return g
    }

    func render(_ segment: StreamingDeidentifier.Segment, patientKey override: String? = nil) -> String {
        let text = TokenizedText(scalars: segment.scalars)
        let local = segment.detections.map { d -> Detection in
            var l = d; l.start -= segment.offset; l.end -= segment.offset; return l
        }
        switch format {
        case .tagged: return tagger.render(text, local)
        case .surrogate: return generator(for: override ?? patientKey ?? "").render(text, local)
        case .redact: return Redactor.render(text, local)
        case .spans: return ""
        }
    }

    func newVaultEntries() -> [String: VaultEntry] {
        var all = tagger.originals
        for g in surrogates.values { all.merge(g.originals) { a, _ in a } }
        return all
    }
}

/// `--jsonl`: one JSON document per line in, one JSON answer per line out, flushed after each.
struct JSONLinesSession {
    let deidentifier: Deidentifier
    let renderer: DocumentRenderer
    let check: Bool

    func run() throws {
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            if line.isEmpty { continue }
            var answer: [String: Any] = [:]
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                answer["error"] = "line \(lineNumber): not a JSON object"
                write(answer)
                continue
            }
            answer["id"] = object["id"] ?? NSNull()
            guard let text = object["text"] as? String else {
                answer["error"] = "line \(lineNumber): missing string field \"text\""
                write(answer)
                continue
            }
            let tokenized = TokenizedText(text)
            if check {
                let phi = deidentifier.safeHarborIdentifiers(in: tokenized)
                answer["clean"] = phi.isEmpty
                answer["phi"] = phi.map { ["label": $0.kind.rawValue, "start": $0.start, "end": $0.end] as [String: Any] }
                write(answer)
                continue
            }
            let spans = deidentifier.analyze(tokenized)
            if renderer.format == .spans {
                answer["spans"] = spans.map(spanObject)
            } else {
                let key = object["patient_key"] as? String ?? renderer.patientKey
                if renderer.format == .surrogate && key == nil {
                    answer["error"] = "line \(lineNumber): surrogate format needs \"patient_key\" or --patient-key"
                } else {
                    let segment = StreamingDeidentifier.Segment(offset: 0, scalars: tokenized.scalars, detections: spans)
                    answer["text"] = renderer.render(segment, patientKey: key)
                }
            }
            write(answer)
        }
    }

    private func write(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

/// Where output goes: standard output, or one file per input in --output-directory. Writes are buffered.
final class OutputSink {
    private let handle: FileHandle
    private var buffer = Data()
    private let owned: Bool

    init(directory: String?, input: String?, format: OutputFormat, check: Bool) throws {
        guard let directory, !check else { handle = .standardOutput; owned = false; return }
        let name = URL(fileURLWithPath: input ?? "stdin").deletingPathExtension().lastPathComponent
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name + (format == .spans ? ".json" : ".txt"))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let h = FileHandle(forWritingAtPath: url.path) else {
            throw CommandError("cannot write \(url.path)")
        }
        handle = h
        owned = true
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        if !buffer.isEmpty { handle.write(buffer); buffer.removeAll(keepingCapacity: true) }
    }

    func close() {
        flush()
        if owned { try? handle.close() }
    }
}

struct DeidReidentify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reidentify",
        abstract: "Restore originals in a draft from the encrypted vault; unknown placeholders are reported.",
        discussion: """
            Reads the draft from a file or stdin and writes it with every known placeholder ([NAME_1]) and \
            surrogate replaced by its original. A placeholder the vault does not know is left in place and \
            listed on stderr with its offset (Unicode scalars), and the exit status is 3.
            """
    )

    @Argument(help: "Draft file (default: standard input).")
    var file: String?

    @Option(help: "Vault file written by `vellum deid --vault`.")
    var vault: String

    @Option(help: "Vault key file (default: <vault>.key).")
    var keyFile: String?

    func run() throws {
        guard FileManager.default.fileExists(atPath: vault) else { throw CommandError("vault \(vault) does not exist") }
        let store = try Vault.open(at: URL(fileURLWithPath: vault), keyFile: keyFile.map { URL(fileURLWithPath: $0) })
        let data: Data
        if let file {
            guard let d = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read \(file)") }
            data = d
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        var scalars: [Unicode.Scalar] = []
        var decoder = UTF8StreamDecoder()
        do {
            try decoder.decode(data, into: &scalars)
            try decoder.finish()
        } catch {
            throw CommandError("\(file ?? "stdin"): \(error.description)")
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        let result = Reidentifier(vault: store).restore(String(view))
        FileHandle.standardOutput.write(Data(result.text.utf8))
        if !result.unknown.isEmpty {
            for u in result.unknown { standardError("unknown placeholder \(u.placeholder) at offset \(u.offset)") }
            throw ExitCode(3)
        }
    }
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

func spanObject(_ d: Detection) -> [String: Any] {
    ["start": d.start, "end": d.end, "label": d.kind.rawValue, "score": (d.score * 100).rounded() / 100, "recognizer": d.recognizer]
}

func spanJSON(_ d: Detection) -> String {
    "{\"start\": \(d.start), \"end\": \(d.end), \"label\": \"\(d.kind.rawValue)\", \"score\": \(String(format: "%.2f", d.score)), \"recognizer\": \"\(d.recognizer)\"}"
}

func jsonString(_ s: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
    return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
}
