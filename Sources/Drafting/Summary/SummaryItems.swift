/// Where in the record an item comes from: 1-based, inclusive line numbers of the input as given.
public struct Citation: Codable, Equatable, Hashable, Sendable {
    public var lineStart: Int
    public var lineEnd: Int
    /// The cited line's text (identifiers restored: this is the clinician's copy).
    public var quote: String?

    enum CodingKeys: String, CodingKey {
        case lineStart = "line_start", lineEnd = "line_end", quote
    }

    public init(lineStart: Int, lineEnd: Int, quote: String? = nil) {
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.quote = quote
    }
}

public enum MedicationStatus: String, Codable, Sendable, CaseIterable {
    case current, stopped, changed, planned
}

public enum ProblemStatus: String, Codable, Sendable, CaseIterable {
    case active, resolved, historical
}

public struct MedicationItem: Codable, Equatable, Sendable {
    public var text: String
    public var name: String
    public var dose: String?
    public var frequency: String?
    public var status: MedicationStatus
    /// The date of the latest mention that set the status, ISO, where the record gives one.
    public var date: String?
    public var citations: [Citation]
}

public struct ProblemItem: Codable, Equatable, Sendable {
    public var text: String
    public var name: String
    public var status: ProblemStatus
    public var citations: [Citation]
}

public struct AllergyItem: Codable, Equatable, Sendable {
    public var text: String
    public var substance: String
    public var reaction: String?
    /// "allergy", or "intolerance" where the record calls it a side effect or intolerance.
    public var type: String
    public var citations: [Citation]
}

public struct ResultItem: Codable, Equatable, Sendable {
    public var text: String
    public var name: String
    public var value: String
    public var date: String?
    public var citations: [Citation]
}

public struct TimelineItem: Codable, Equatable, Sendable {
    public var text: String
    public var date: String
    public var event: String
    public var citations: [Citation]
}

/// Something the model said that the record does not support: listed apart, never shown as fact.
public struct UnsupportedItem: Codable, Equatable, Sendable {
    public var category: String
    public var text: String
    public var reason: String
}

/// `vellum summarize --json`.
public struct RecordSummary: Codable, Sendable {
    public var notice = DraftNotice.text
    public var timeline: [TimelineItem]
    public var problems: [ProblemItem]
    public var medications: [MedicationItem]
    public var allergies: [AllergyItem]
    public var results: [ResultItem]
    /// Procedures and tests the record plans, schedules or refers for but does not report done.
    public var planned: [TimelineItem]
    public var unsupported: [UnsupportedItem]
    public var provenance: Provenance
    public var timings: StageTimings
    public var chunks: Int
    /// The id the drafts store gave it, once saved.
    public var draftID: String?

    enum CodingKeys: String, CodingKey {
        case notice, timeline, problems, medications, allergies, results, planned, unsupported, provenance, timings, chunks
        case draftID = "draft_id"
    }
}
