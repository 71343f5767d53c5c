import Foundation

/// The kind of paperwork a draft is; each has its own prompt template in the drafting layer.
public enum DraftTask: String, CaseIterable, Codable, Sendable, Comparable {
    case summary, note, letter, referral, appeal, frontdesk, coding

    public static func < (lhs: DraftTask, rhs: DraftTask) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a draft is in review: `draft` (as generated) -> `edited` (a clinician changed it) -> `signed` (final and
/// immutable), or `discarded` (never signed). Signed and discarded drafts are closed: nothing about them changes.
public enum DraftStatus: String, CaseIterable, Codable, Sendable {
    case draft, edited, signed, discarded

    public var isClosed: Bool { self == .signed || self == .discarded }
}

/// A draft's id as people type and read it: `d-000042`, the database's row number, zero-padded to six digits (it
/// simply grows past 999999).
///
/// Sequential rather than random because the store is one file on one machine, so numbers never collide, and a
/// clinician can read `d-000042` over the phone, sort a list by it and see at a glance which draft is newer. The
/// number is not a secret: access to the drafts is access to the machine.
public struct DraftID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    public let number: Int64

    public init(_ number: Int64) { self.number = number }

    /// Accepts `d-000042`, `d-42`, `D-42` and `42`.
    public init?(_ text: String) {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        if digits.lowercased().hasPrefix("d-") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let number = Int64(digits), number > 0 else { return nil }
        self.number = number
    }

    public var description: String {
        let digits = String(number)
        return "d-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    public static func < (lhs: DraftID, rhs: DraftID) -> Bool { lhs.number < rhs.number }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = DraftID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a draft id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One fact the drafting layer's fact check could not find in the input. `start` and `end` count Unicode scalars
/// of the generated text (end exclusive), as the de-identifier's spans do.
public struct StoredFinding: Codable, Sendable, Hashable {
    public var kind: String
    public var text: String
    public var start: Int
    public var end: Int

    public init(kind: String, text: String, start: Int, end: Int) {
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
    }
}

/// What the drafting layer hands to ``DraftStore/create(_:actor:)`` for each generated draft.
///
/// ```swift
/// let draft = NewDraft(task: .note, modelName: "qwen2.5-coder-1.5b-instruct", modelSHA256: model.sha256,
///                      templateVersion: "note-v3", input: transcript, keepInput: false,
///                      text: generated, findings: factCheck.unsupported)
/// let record = try DraftStore.openDefault().create(draft, actor: "dr.ruiz")
/// print(record.id)   // d-000042
/// ```
public struct NewDraft: Codable, Sendable, Hashable {
    public var task: DraftTask
    public var modelName: String
    /// SHA-256 of the model file, lowercase hex.
    public var modelSHA256: String
    public var templateVersion: String
    /// SHA-256 of the input's UTF-8 bytes, lowercase hex; kept whether or not the input itself is.
    public var inputSHA256: String
    /// The input itself, only when the user opted in to keeping it.
    public var input: String?
    public var text: String
    public var findings: [StoredFinding]

    public init(task: DraftTask, modelName: String, modelSHA256: String, templateVersion: String,
                inputSHA256: String, input: String?, text: String, findings: [StoredFinding]) {
        self.task = task
        self.modelName = modelName
        self.modelSHA256 = modelSHA256
        self.templateVersion = templateVersion
        self.inputSHA256 = inputSHA256
        self.input = input
        self.text = text
        self.findings = findings
    }

    /// Hashes `input` and keeps it only when `keepInput` is true.
    public init(task: DraftTask, modelName: String, modelSHA256: String, templateVersion: String,
                input: String, keepInput: Bool, text: String, findings: [StoredFinding]) {
        self.init(task: task, modelName: modelName, modelSHA256: modelSHA256, templateVersion: templateVersion,
                  inputSHA256: SHA256Hex.of(input), input: keepInput ? input : nil, text: text, findings: findings)
    }
}

/// A draft as listed: everything but its texts.
public struct DraftRecord: Codable, Sendable, Hashable {
    public var id: DraftID
    public var task: DraftTask
    public var status: DraftStatus
    public var modelName: String
    public var modelSHA256: String
    public var templateVersion: String
    public var inputSHA256: String
    /// Whether the input was kept (see ``DraftDetail/input``).
    public var inputKept: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// How many versions the text has; version 1 is what the model generated.
    public var versionCount: Int
    /// Findings of the generated text (version 1): the model's unsupported facts, whatever the edits did.
    public var findingCount: Int
    /// The signed draft this one changes (a signed draft never changes itself).
    public var amends: DraftID?
    public var signature: Signature?
}

/// Who signed which text and when. `textSHA256` is the SHA-256 of the exact signed text's UTF-8 bytes.
public struct Signature: Codable, Sendable, Hashable {
    public var signedBy: String
    public var signedAt: Date
    public var version: Int
    public var textSHA256: String
    /// Scalar-level edit distance from the generated text to the signed one, as a percentage of the longer.
    public var editPercent: Double
}

/// One version of a draft's text. Versions are only ever added.
public struct DraftVersion: Codable, Sendable, Hashable {
    public var version: Int
    public var text: String
    public var textSHA256: String
    public var actor: String
    public var createdAt: Date
    /// The fact check of this text against the draft's input; `nil` when it was not checked (an edit saved
    /// without the input at hand, an amendment).
    public var findings: [StoredFinding]?
}

/// A draft with its texts, what ``DraftStore/show(_:actor:)`` returns.
public struct DraftDetail: Codable, Sendable, Hashable {
    public var record: DraftRecord
    public var versions: [DraftVersion]
    /// The generated text's findings (version 1's); each version carries its own.
    public var findings: [StoredFinding]
    public var input: String?

    /// The latest version's text: the signed text once the draft is signed.
    public var text: String { versions.last?.text ?? "" }
}
