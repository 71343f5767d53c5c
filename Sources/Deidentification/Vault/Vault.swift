import Crypto
import Foundation

/// One original value kept by the vault.
public struct VaultEntry: Codable, Sendable, Equatable {
    public var original: String
    public var kind: PHIKind
    public init(original: String, kind: PHIKind) {
        self.original = original
        self.kind = kind
    }
}

/// The mapping from placeholders and surrogates back to the original values, kept on this machine and
/// encrypted at rest with AES-GCM (swift-crypto).
///
/// The key is 32 random bytes in a key file that only its owner may read (mode 0600); it is created on first
/// use. The vault file holds a magic line and one AES-GCM sealed box (nonce, ciphertext, tag) of the JSON
/// mapping, so tampering or a wrong key is detected when it is opened.
///
/// ```swift
/// let vault = try Vault.open(at: vaultURL, keyFile: keyURL)     // empty if the file does not exist yet
/// vault.merge(tagger.originals)
/// try vault.save()
/// let restored = Reidentifier(vault: vault).restore(draft)      // unknown placeholders are reported
/// ```
public final class Vault {
    public let url: URL
    private let key: SymmetricKey
    public private(set) var entries: [String: VaultEntry]

    static let magic = Data("VELLUM-VAULT-1\n".utf8)

    init(url: URL, key: SymmetricKey, entries: [String: VaultEntry]) {
        self.url = url
        self.key = key
        self.entries = entries
    }

    /// Opens the vault at `url` (an empty vault if the file does not exist), with the key in `keyFile`
    /// (created with mode 0600 if missing). The default key file is `url` + ".key".
    public static func open(at url: URL, keyFile: URL? = nil) throws(VaultError) -> Vault {
        let key = try loadOrCreateKey(at: keyFile ?? url.appendingPathExtension("key"))
        guard FileManager.default.fileExists(atPath: url.path) else { return Vault(url: url, key: key, entries: [:]) }
        guard let data = try? Data(contentsOf: url) else { throw .unreadable(path: url.path) }
        guard data.starts(with: magic) else { throw .notAVault(path: url.path) }
        let sealed: AES.GCM.SealedBox
        let plain: Data
        do {
            sealed = try AES.GCM.SealedBox(combined: data.dropFirst(magic.count))
        } catch {
            throw .corrupt(path: url.path)
        }
        do {
            plain = try AES.GCM.open(sealed, using: key)
        } catch {
            throw .wrongKeyOrTampered(path: url.path)
        }
        guard let entries = try? JSONDecoder().decode([String: VaultEntry].self, from: plain) else {
            throw .corrupt(path: url.path)
        }
        return Vault(url: url, key: key, entries: entries)
    }

    /// Adds mappings (replacement -> original); later documents keep earlier entries.
    public func merge(_ newEntries: [String: VaultEntry]) {
        entries.merge(newEntries) { existing, _ in existing }
    }

    /// Encrypts and writes the vault atomically, readable by its owner only.
    public func save() throws(VaultError) {
        let plain: Data
        let sealed: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            plain = try encoder.encode(entries)
            guard let combined = try AES.GCM.seal(plain, using: key).combined else { throw VaultError.corrupt(path: url.path) }
            sealed = combined
        } catch {
            throw .unwritable(path: url.path)
        }
        do {
            try (Self.magic + sealed).write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        } catch {
            throw .unwritable(path: url.path)
        }
    }

    static func loadOrCreateKey(at url: URL) throws(VaultError) -> SymmetricKey {
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path) {
            guard let attributes = try? fm.attributesOfItem(atPath: url.path),
                  let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else { throw .unreadable(path: url.path) }
            // Like ssh with private keys: refuse a key others can read.
            guard mode & 0o077 == 0 else { throw .keyPermissions(path: url.path, mode: mode) }
            guard let data = try? Data(contentsOf: url) else { throw .unreadable(path: url.path) }
            guard data.count == 32 else { throw .badKey(path: url.path, bytes: data.count) }
            return SymmetricKey(data: data)
        }
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        guard fm.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw .unwritable(path: url.path)
        }
        // createFile honours the umask; set the mode explicitly.
        try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        return key
    }
}

/// Why a vault could not be used. Messages carry paths, never vault contents.
public enum VaultError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case unwritable(path: String)
    case notAVault(path: String)
    case corrupt(path: String)
    case wrongKeyOrTampered(path: String)
    case keyPermissions(path: String, mode: Int)
    case badKey(path: String, bytes: Int)

    public var description: String {
        switch self {
        case let .unreadable(path): return "cannot read \(path)"
        case let .unwritable(path): return "cannot write \(path)"
        case let .notAVault(path): return "\(path) is not a Vellum vault (bad magic)"
        case let .corrupt(path): return "vault \(path) is corrupt"
        case let .wrongKeyOrTampered(path): return "vault \(path) does not open with this key (wrong key or tampered file)"
        case let .keyPermissions(path, mode): return "key file \(path) has mode \(String(mode, radix: 8)); it must be readable by its owner only (chmod 600)"
        case let .badKey(path, bytes): return "key file \(path) holds \(bytes) bytes; expected 32"
        }
    }
}
