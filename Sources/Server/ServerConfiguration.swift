import Foundation

/// Where `vellum serve` listens and who may talk to it.
///
/// The server holds patient text in flight and writes to the practice's drafts store, so by default only programs
/// on this machine reach it (127.0.0.1). Listening anywhere else is a deliberate act: it needs an explicit flag
/// and a bearer token, or the server refuses to start.
public struct ServerConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Every route but `/health` needs `Authorization: Bearer <apiKey>` when set.
    public var apiKey: String?
    /// Largest request body accepted (413 past it): a long chart export fits with room to spare.
    public var maxBodyBytes: Int
    /// The name a client sees in `/v1/models` and sends back as `model`.
    public var modelName: String

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 8088
    /// The environment variable read for the token when `--api-key` is not given (keeps it out of `ps` output).
    public static let apiKeyVariable = "VELLUM_API_KEY"

    /// Checks the binding rules. `allowRemote` is the explicit flag a non-loopback `host` needs.
    public init(host: String = defaultHost, port: Int = defaultPort, apiKey: String?, allowRemote: Bool,
                maxBodyBytes: Int = 4_000_000, modelName: String) throws(ServerConfigurationError) {
        guard (0...65_535).contains(port) else { throw .invalidPort(port) }
        guard maxBodyBytes > 0 else { throw .invalidBodyLimit(maxBodyBytes) }
        if let apiKey, apiKey.trimmingCharacters(in: .whitespaces).isEmpty { throw .emptyAPIKey }
        if !Self.isLoopback(host) {
            guard allowRemote else { throw .remoteNeedsFlag(host: host) }
            guard apiKey != nil else { throw .remoteNeedsKey(host: host) }
        }
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.maxBodyBytes = maxBodyBytes
        self.modelName = modelName
    }

    /// True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}

public enum ServerConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalidPort(Int)
    case invalidBodyLimit(Int)
    case emptyAPIKey
    case remoteNeedsFlag(host: String)
    case remoteNeedsKey(host: String)

    public var description: String {
        switch self {
        case .invalidPort(let port): return "--port \(port) is not a TCP port (0-65535)"
        case .invalidBodyLimit(let bytes): return "the body size limit must be positive, not \(bytes)"
        case .emptyAPIKey: return "the API key is empty"
        case .remoteNeedsFlag(let host):
            return "refusing to listen on \(host): other machines could reach patient data; add --allow-remote (and an API key) if that is intended"
        case .remoteNeedsKey(let host):
            return "refusing to listen on \(host) without an API key: give --api-key or set \(ServerConfiguration.apiKeyVariable)"
        }
    }
}
