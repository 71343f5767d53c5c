import Foundation

/// Everything the store refuses, each naming what and where. None carries patient text: drafts are named by id,
/// texts by hash, findings of the de-identifier by kind and count.
public enum DraftStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notADraftID(String)
    case unknownDraft(DraftID, database: String)
    case alreadySigned(DraftID, by: String, at: Date)
    case closed(DraftID, status: DraftStatus)
    case versionChanged(DraftID, read: Int, latest: Int)
    case notSigned(DraftID, status: DraftStatus)
    case newerSchema(found: Int, supported: Int, database: String)
    case corrupt(database: String, reason: String)
    case sqlite(database: String, reason: String)
    case inputHashMismatch
    case findingOutOfRange(index: Int, start: Int, end: Int, textLength: Int)
    case emptyName(String)
    case invalidDestination(String)
    case exportRefused(DraftID, destination: String, reason: String)
    case policyMissing(path: String)
    case policyInvalid(path: String, reason: String)
    case policyExists(path: String)

    public var description: String {
        switch self {
        case .notADraftID(let text):
            return "'\(text.prefix(24))' is not a draft id (expected d-000042 or 42)"
        case .unknownDraft(let id, let database):
            return "no draft \(id) in \(database)"
        case .alreadySigned(let id, let by, let at):
            return "\(id) was already signed by \(by) at \(Timestamp.text(at)); a signed draft never changes " +
                "(`vellum amend \(id) FILE` starts a new draft that refers to it)"
        case .closed(let id, .signed):
            return "\(id) is signed and cannot change; `vellum amend \(id) FILE` starts a new draft that refers to it"
        case .closed(let id, let status):
            return "\(id) is \(status.rawValue) and cannot change"
        case .versionChanged(let id, let read, let latest):
            return "\(id) was not signed: version \(read) was read but version \(latest) is the latest; read it first"
        case .notSigned(let id, let status):
            return "\(id) is \(status.rawValue), not signed: only signed drafts are exported"
        case .newerSchema(let found, let supported, let database):
            return "\(database) has schema version \(found), newer than this vellum knows (\(supported)); " +
                "upgrade vellum, the file was left untouched"
        case .corrupt(let database, let reason):
            return "\(database) is not a readable drafts database (\(reason)); the file was left untouched"
        case .sqlite(let database, let reason):
            return "\(database): \(reason)"
        case .inputHashMismatch:
            return "the kept input does not hash to inputSHA256"
        case .findingOutOfRange(let index, let start, let end, let length):
            return "finding \(index) spans \(start)..<\(end), outside the text's \(length) scalars"
        case .emptyName(let field):
            return "\(field) must not be empty"
        case .invalidDestination(let name):
            return "'\(name.prefix(64))' is not a destination name (letters, digits, '.', '_' and '-', at most 64)"
        case .exportRefused(let id, let destination, let reason):
            return "export of \(id) to \(destination) refused: \(reason)"
        case .policyMissing(let path):
            return "no data policy at \(path); `vellum policy init` writes one"
        case .policyInvalid(let path, let reason):
            return "\(path) is not a valid data policy: \(reason)"
        case .policyExists(let path):
            return "\(path) already exists; pass --force to replace it"
        }
    }
}
