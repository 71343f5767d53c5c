import Deidentification
import Foundation

/// A clinical text as the user gave it (a file or standard input), checked before anything runs on it:
/// readable, valid UTF-8, not a binary file, not empty, within the configured size. Every refusal names the
/// source and, where there is one, the byte offset; none quotes the text (it may hold PHI).
public struct ClinicalInput: Sendable {
    /// Where the text came from, for messages: a path or "stdin".
    public let source: String
    public let text: String

    /// The longest input accepted by default: a long chart export is a few hundred thousand characters; past
    /// this a file is far more likely to be the wrong file than a record.
    public static let defaultMaximumBytes = 2_000_000

    public init(source: String, text: String) {
        self.source = source
        self.text = text
    }

    /// Reads `path` ("-" for standard input) and validates it.
    public static func read(path: String, maximumBytes: Int = defaultMaximumBytes) throws(DraftingError) -> ClinicalInput {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .input(source: path, "no such file")
            }
            guard !isDirectory.boolValue else { throw .input(source: path, "is a directory, not a text file") }
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw .input(source: path, "cannot be read (permissions?)")
            }
            data = contents
        }
        return try validate(data, source: path == "-" ? "stdin" : path, maximumBytes: maximumBytes)
    }

    /// Validates raw bytes as a clinical text.
    public static func validate(_ data: Data, source: String, maximumBytes: Int = defaultMaximumBytes) throws(DraftingError) -> ClinicalInput {
        guard data.count <= maximumBytes else {
            throw .input(source: source, "is \(data.count) bytes, over the limit of \(maximumBytes) bytes; split the record or raise the limit")
        }
        // A NUL byte never occurs in text: this is a binary file (an image, a PDF, a word-processor file).
        if let nul = data.firstIndex(of: 0) {
            throw .input(source: source, "looks like a binary file (NUL byte at offset \(nul - data.startIndex)); give plain text")
        }
        var decoder = UTF8StreamDecoder()
        var scalars: [Unicode.Scalar] = []
        do {
            try decoder.decode(data, into: &scalars)
            try decoder.finish()
        } catch {
            throw .input(source: source, error.description)
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        let text = String(view)
        guard text.contains(where: { !$0.isWhitespace }) else { throw .input(source: source, "is empty") }
        return ClinicalInput(source: source, text: text)
    }
}

/// Everything the drafting layer refuses, with where: the message never holds patient text.
public enum DraftingError: Error, CustomStringConvertible, Equatable, Sendable {
    case input(source: String, String)
    case model(String)
    case template(source: String, String)

    public var description: String {
        switch self {
        case .input(let source, let message): return "\(source): \(message)"
        case .model(let message): return "model: \(message)"
        case .template(let source, let message): return "template \(source): \(message)"
        }
    }
}
