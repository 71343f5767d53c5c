import Foundation

/// A labeled span as gold files and prediction files write it: Unicode-scalar offsets, end exclusive.
///
/// `text` is optional and redundant: when present, loading checks it against the document so that an offset
/// error in a hand-written gold file cannot pass unnoticed. `role` (gold NAME spans only, optional) says whose
/// name it is, e.g. "patient", "relative", "staff" or "clinician", so recall can be reported per role.
public struct LabeledSpan: Codable, Hashable, Sendable {
    public var start: Int
    public var end: Int
    public var label: PHIKind
    public var text: String?
    public var role: String?

    public init(start: Int, end: Int, label: PHIKind, text: String? = nil, role: String? = nil) {
        self.start = start
        self.end = end
        self.label = label
        self.text = text
        self.role = role
    }

    public init(_ detection: Detection) {
        self.init(start: detection.start, end: detection.end, label: detection.kind)
    }

    public var range: Range<Int> { start..<end }
}

/// One document of an evaluation corpus with its gold spans (sorted by start, disjoint).
public struct GoldDocument: Sendable {
    /// The file name without extension, e.g. `007-radiology-report`.
    public var id: String
    public var text: String
    public var scalars: [Unicode.Scalar]
    public var spans: [LabeledSpan]

    /// Builds a document, validating the spans against the text. `source` names the gold file in errors.
    public init(id: String, text: String, spans: [LabeledSpan], source: String? = nil) throws {
        let scalars = Array(text.unicodeScalars)
        let where_ = source ?? id
        let sorted = spans.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        for (index, span) in spans.enumerated() {
            guard span.start >= 0, span.start < span.end, span.end <= scalars.count else {
                throw EvaluationError.spanOutOfRange(file: where_, index: index, start: span.start, end: span.end,
                                                     documentLength: scalars.count)
            }
            if let expected = span.text {
                let found = String(String.UnicodeScalarView(scalars[span.start..<span.end]))
                guard found == expected else {
                    throw EvaluationError.spanTextMismatch(file: where_, index: index, start: span.start,
                                                           end: span.end, expected: expected, found: found)
                }
            }
        }
        for (previous, current) in zip(sorted, sorted.dropFirst()) where current.start < previous.end {
            throw EvaluationError.overlappingSpans(file: where_, first: previous.range, second: current.range)
        }
        self.id = id
        self.text = text
        self.scalars = scalars
        self.spans = sorted
    }
}

/// A folder of `NNN-<style>.txt` documents, each with a `.json` gold file `{"spans": [...]}`.
public struct GoldCorpus: Sendable {
    public var documents: [GoldDocument]

    public init(documents: [GoldDocument]) {
        self.documents = documents
    }

    public var characterCount: Int { documents.reduce(0) { $0 + $1.scalars.count } }

    /// Loads every `.txt` in `directory` (sorted by name) with its `.json` gold file.
    ///
    /// Throws ``EvaluationError`` naming the file and field at fault: a missing gold file, invalid UTF-8 or
    /// JSON, an unknown label, offsets outside the document, `text` that differs from the document, overlaps.
    public static func load(directory: URL) throws -> GoldCorpus {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw EvaluationError.unreadable(file: directory.path, reason: error.localizedDescription)
        }
        let textFiles = names.filter { $0.hasSuffix(".txt") }.sorted()
        guard !textFiles.isEmpty else { throw EvaluationError.emptyCorpus(directory: directory.path) }
        var documents: [GoldDocument] = []
        for textFile in textFiles {
            let id = String(textFile.dropLast(".txt".count))
            let textURL = directory.appendingPathComponent(textFile)
            let goldURL = directory.appendingPathComponent("\(id).json")
            guard FileManager.default.fileExists(atPath: goldURL.path) else {
                throw EvaluationError.missingGold(document: id, expected: goldURL.path)
            }
            let text = try readUTF8(textURL)
            let gold = try decode(GoldFile.self, from: goldURL)
            documents.append(try GoldDocument(id: id, text: text, spans: gold.spans, source: goldURL.lastPathComponent))
        }
        return GoldCorpus(documents: documents)
    }

    private struct GoldFile: Decodable {
        var spans: [LabeledSpan]
    }
}

/// What went wrong reading a corpus or a predictions file; every case names the file and the place.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case invalidUTF8(file: String, byteOffset: Int)
    case invalidJSON(file: String, reason: String)
    case emptyCorpus(directory: String)
    case missingGold(document: String, expected: String)
    case spanOutOfRange(file: String, index: Int, start: Int, end: Int, documentLength: Int)
    case spanTextMismatch(file: String, index: Int, start: Int, end: Int, expected: String, found: String)
    case overlappingSpans(file: String, first: Range<Int>, second: Range<Int>)
    case predictionsMissingDocument(file: String, document: String)
    case predictionsUnknownDocument(file: String, document: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "\(file): cannot read (\(reason))"
        case let .invalidUTF8(file, byteOffset): "\(file): invalid UTF-8 at byte \(byteOffset)"
        case let .invalidJSON(file, reason): "\(file): invalid JSON (\(reason))"
        case let .emptyCorpus(directory): "\(directory): no .txt documents"
        case let .missingGold(document, expected): "\(document): no gold file at \(expected)"
        case let .spanOutOfRange(file, index, start, end, length):
            "\(file): spans[\(index)] offsets \(start)..<\(end) outside the document's \(length) scalars"
        case let .spanTextMismatch(file, index, start, end, expected, found):
            "\(file): spans[\(index)] at \(start)..<\(end) covers \(found.debugDescription), gold text says \(expected.debugDescription)"
        case let .overlappingSpans(file, first, second):
            "\(file): spans \(first.lowerBound)..<\(first.upperBound) and \(second.lowerBound)..<\(second.upperBound) overlap"
        case let .predictionsMissingDocument(file, document):
            "\(file): no predictions for corpus document \(document) (write an empty array for none)"
        case let .predictionsUnknownDocument(file, document):
            "\(file): predictions for \(document), which is not in the corpus"
        }
    }
}

func readUTF8(_ url: URL) throws -> String {
    let data: Data
    do {
        data = try Data(contentsOf: url)
    } catch {
        throw EvaluationError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    var iterator = data.makeIterator()
    var decoder = UTF8()
    var offset = 0
    // Find the first bad byte so the error can point at it; String(decoding:) would silently repair.
    loop: while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): offset += UTF8.width(scalar)
        case .emptyInput: break loop
        case .error: throw EvaluationError.invalidUTF8(file: url.path, byteOffset: offset)
        }
    }
    return String(decoding: data, as: UTF8.self)
}

func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
    let data: Data
    do {
        data = try Data(contentsOf: url)
    } catch {
        throw EvaluationError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    do {
        return try JSONDecoder().decode(type, from: data)
    } catch let DecodingError.dataCorrupted(context) {
        throw EvaluationError.invalidJSON(file: url.path, reason: describe(context))
    } catch let DecodingError.keyNotFound(key, context) {
        throw EvaluationError.invalidJSON(file: url.path, reason: "missing \(key.stringValue) at \(path(context))")
    } catch let DecodingError.typeMismatch(_, context) {
        throw EvaluationError.invalidJSON(file: url.path, reason: describe(context))
    } catch let DecodingError.valueNotFound(_, context) {
        throw EvaluationError.invalidJSON(file: url.path, reason: describe(context))
    } catch {
        throw EvaluationError.invalidJSON(file: url.path, reason: "\(error)")
    }
}

private func path(_ context: DecodingError.Context) -> String {
    let components = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
    return components.isEmpty ? "top level" : components.joined()
}

private func describe(_ context: DecodingError.Context) -> String {
    "\(context.debugDescription) at \(path(context))"
}
