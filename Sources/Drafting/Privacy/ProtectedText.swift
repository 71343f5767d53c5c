import Deidentification
import Foundation

/// A clinical text with every identifier replaced by a placeholder (`[NAME_1]`, `[DATE_3]`) before any model
/// sees it, and the means to put the originals back into a draft, locally, for the clinician's copy.
///
/// Lines are kept: an identifier that runs over a line break (an address on two lines) becomes one placeholder
/// per line, so line N of `deidentified` is line N of `original` and a citation made on the model's text points
/// at the same line of the record the user gave.
public struct ProtectedText: Sendable {
    public let original: String
    public let deidentified: String
    /// The identifiers found in `original`, in Unicode scalar offsets, split at line breaks.
    public let detections: [Detection]
    /// Placeholder -> original, for restoring; never leaves this process.
    public let originals: [String: VaultEntry]

    public init(_ text: String, deidentifier: Deidentifier) {
        let tokenized = TokenizedText(text)
        let spans = Self.splitAtLineBreaks(deidentifier.analyze(tokenized), in: tokenized.scalars)
        let tagger = PlaceholderTagger()
        original = text
        deidentified = tagger.render(tokenized, spans)
        detections = spans
        originals = tagger.originals
    }

    /// The draft with every placeholder it holds replaced by its original. Placeholders the model made up or
    /// mangled are listed as unknown (by offset) and left in place, visibly.
    public func restore(_ draft: String) -> Reidentifier.Result {
        Reidentifier(entries: originals).restore(draft)
    }

    /// The kinds of identifier that were replaced, with how many distinct values each had.
    public var replacedKinds: [PHIKind: Int] {
        var counts: [PHIKind: Int] = [:]
        for entry in originals.values { counts[entry.kind, default: 0] += 1 }
        return counts
    }

    static func splitAtLineBreaks(_ spans: [Detection], in scalars: [Unicode.Scalar]) -> [Detection] {
        var result: [Detection] = []
        for span in spans {
            var start = span.start
            for i in span.start..<span.end where scalars[i] == "\n" || scalars[i] == "\r" {
                if i > start { result.append(Detection(start: start, end: i, kind: span.kind, score: span.score, recognizer: span.recognizer)) }
                start = i + 1
            }
            if span.end > start { result.append(Detection(start: start, end: span.end, kind: span.kind, score: span.score, recognizer: span.recognizer)) }
        }
        return result
    }
}

/// The de-identifier the drafting tasks use: every Safe Harbor kind plus facility names, from the lexicons in
/// `$VELLUM_DEID_DATA` (or `.cache/deid-data`).
public enum DraftingDeidentifier {
    public static func load(lexiconDirectory: URL? = nil) throws -> Deidentifier {
        let lexicons = try Lexicons.load(directory: lexiconDirectory)
        return Deidentifier(registry: .default(lexicons: lexicons), kinds: Set(PHIKind.allCases))
    }
}
