import Deidentification
import Foundation

/// The practice's data policy (`policy.json` in the data directory): which destinations are covered by a business
/// associate agreement, and what the others may receive.
///
/// ```json
/// {
///   "version": 1,
///   "practice": "Riverside Family Practice",
///   "agreement_destinations": ["ehr", "billing"],
///   "other_destinations": "deidentified-only"
/// }
/// ```
public struct DataPolicy: Codable, Sendable, Hashable {
    /// What a destination without an agreement may receive.
    public enum OtherDestinations: String, Codable, Sendable, CaseIterable {
        /// Only text in which the de-identifier's check (`vellum deid --check`) finds no Safe Harbor identifier.
        case deidentifiedOnly = "deidentified-only"
        /// Nothing.
        case refuse
    }

    public static let currentVersion = 1

    public var version: Int
    public var practice: String
    public var agreementDestinations: [String]
    public var otherDestinations: OtherDestinations

    enum CodingKeys: String, CodingKey {
        case version, practice
        case agreementDestinations = "agreement_destinations"
        case otherDestinations = "other_destinations"
    }

    public init(practice: String, agreementDestinations: [String], otherDestinations: OtherDestinations = .deidentifiedOnly) {
        version = Self.currentVersion
        self.practice = practice
        self.agreementDestinations = agreementDestinations
        self.otherDestinations = otherDestinations
    }

    public func coversWithAgreement(_ destination: String) -> Bool { agreementDestinations.contains(destination) }

    public static func load(from url: URL = DataDirectory.policyURL()) throws -> DataPolicy {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DraftStoreError.policyMissing(path: url.path)
        }
        let policy: DataPolicy
        do {
            policy = try JSONDecoder().decode(DataPolicy.self, from: data)
        } catch let error as DecodingError {
            throw DraftStoreError.policyInvalid(path: url.path, reason: Self.reason(error))
        }
        guard policy.version <= currentVersion else {
            throw DraftStoreError.policyInvalid(path: url.path, reason: "version \(policy.version) is newer than this vellum's \(currentVersion)")
        }
        for destination in policy.agreementDestinations where !isDestinationName(destination) {
            throw DraftStoreError.policyInvalid(path: url.path, reason: DraftStoreError.invalidDestination(destination).description)
        }
        return policy
    }

    /// Writes the policy as indented JSON; an existing file is replaced only with `overwrite`.
    public func write(to url: URL = DataDirectory.policyURL(), overwrite: Bool = false) throws {
        if !overwrite && FileManager.default.fileExists(atPath: url.path) { throw DraftStoreError.policyExists(path: url.path) }
        for destination in agreementDestinations where !Self.isDestinationName(destination) {
            throw DraftStoreError.invalidDestination(destination)
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try JSONOutput.encode(self).write(to: url, options: .atomic)
    }

    /// Destination names go into the audit log, so they are plain labels (`ehr`, `payer-portal`), not addresses.
    static func isDestinationName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
    }

    private static func reason(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not JSON of the expected shape" : "\"\(path)\" has the wrong type or value"
        @unknown default: return "not JSON of the expected shape"
        }
    }
}

/// JSON as the CLI and the server print it: sorted keys, ISO 8601 times, indented.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value) + Data("\n".utf8)
    }
}

/// A draft cleared to leave the machine: the signed text and why it may go.
public struct ExportedDraft: Codable, Sendable, Hashable {
    public var id: DraftID
    public var destination: String
    public var text: String
    public var textSHA256: String
    /// True when the destination is covered by a business associate agreement; false when the text passed the
    /// de-identifier's check instead.
    public var coveredByAgreement: Bool
}

extension DraftStore {
    /// The de-identifier of `vellum deid --check`, with the lexicons from `$VELLUM_DEID_DATA` or `.cache/deid-data`.
    public static func standardDeidentifier() throws -> Deidentifier {
        Deidentifier.standard(lexicons: try Lexicons.load())
    }

    /// Clears the signed text of `id` for `destination` under `policy`, and audits the attempt either way.
    ///
    /// A destination with a business associate agreement receives the signed text. Any other receives it only when
    /// the policy allows de-identified text and `deidentifier` finds no Safe Harbor identifier; otherwise the export
    /// is refused with the kinds found (never the text). `deidentifier` is called only when a check is needed.
    public func export(_ id: DraftID, to destination: String, policy: DataPolicy, actor: String,
                       deidentifier: () throws -> Deidentifier = DraftStore.standardDeidentifier) throws -> ExportedDraft {
        guard !actor.trimmingCharacters(in: .whitespaces).isEmpty else { throw DraftStoreError.emptyName("actor") }
        guard DataPolicy.isDestinationName(destination) else { throw DraftStoreError.invalidDestination(destination) }
        let (signature, text) = try read { db -> (Signature, String) in
            let record = try self.record(db, id)
            guard let signature = record.signature else { throw DraftStoreError.notSigned(id, status: record.status) }
            let text = try String.fetchOne(db, sql: "SELECT text FROM draft_version WHERE draft_id = ? AND version = ?",
                                           arguments: [id.number, signature.version]) ?? ""
            return (signature, text)
        }
        let hash = SHA256Hex.of(text)
        var refusal: String?
        let agreement = policy.coversWithAgreement(destination)
        if !agreement {
            switch policy.otherDestinations {
            case .refuse:
                refusal = "the policy sends drafts only to destinations with a business associate agreement"
            case .deidentifiedOnly:
                do {
                    let found = try deidentifier().safeHarborIdentifiers(in: TokenizedText(text))
                    if !found.isEmpty {
                        let counts = Dictionary(grouping: found, by: { (detection: Detection) in detection.kind }).sorted { $0.key < $1.key }
                        refusal = "no business associate agreement, and the text holds Safe Harbor identifiers: " +
                            counts.map { "\($0.key.rawValue) x\($0.value.count)" }.joined(separator: ", ")
                    }
                } catch {
                    refusal = "no business associate agreement, and the de-identifier could not run: \(error)"
                }
            }
        }
        let rule = agreement ? "agreement" : policy.otherDestinations.rawValue
        try write { db in
            try AuditLog.append(AuditRecord(action: refusal == nil ? .exported : .exportRefused, actor: actor, draftID: id,
                                            version: signature.version, textSHA256: hash,
                                            detail: "to=\(destination) rule=\(rule)"), at: timestamp(), db: db)
        }
        if let refusal { throw DraftStoreError.exportRefused(id, destination: destination, reason: refusal) }
        return ExportedDraft(id: id, destination: destination, text: text, textSHA256: hash, coveredByAgreement: agreement)
    }
}
