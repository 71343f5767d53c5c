import Crypto
import Foundation

/// SHA-256 as lowercase hex, the form every hash in the store and the audit log takes.
public enum SHA256Hex {
    public static func of(_ text: String) -> String { of(Data(text.utf8)) }

    public static func of(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func isValid(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Times are stored as ISO 8601 UTC text with milliseconds (`2026-12-03T07:48:14.123Z`), readable with the
/// `sqlite3` tool and ordered as text.
enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func text(_ date: Date) -> String { style.format(date) }

    static func date(_ text: String) -> Date? { try? style.parse(text) }
}

/// Where the drafts database and the practice's data policy live: `$VELLUM_DATA_DIR`, else
/// `$XDG_DATA_HOME/vellum`, else `~/.local/share/vellum`.
public enum DataDirectory {
    public static let environmentVariable = "VELLUM_DATA_DIR"
    public static let databaseFileName = "drafts.sqlite"
    public static let policyFileName = "policy.json"

    public static func url(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let override = environment[environmentVariable], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("vellum", isDirectory: true)
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".local/share/vellum", isDirectory: true)
    }

    public static func databaseURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        url(environment: environment).appendingPathComponent(databaseFileName)
    }

    public static func policyURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        url(environment: environment).appendingPathComponent(policyFileName)
    }
}
