import Crypto
import Foundation
import Inference

/// The SHA-256 of a model file, for a draft's provenance. A bundled model that `scripts/fetch-models.py`
/// verified (same size as its manifest entry) has its manifest hash; any other file is hashed, once per run.
public enum ModelFingerprint {
    public static func sha256(path: String, catalog: ModelCatalog = ModelCatalog()) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let name = URL(fileURLWithPath: path).lastPathComponent
        if let entry = catalog.entries.first(where: { $0.file == name && $0.bytes == size }),
           FileManager.default.fileExists(atPath: path + ".verified") {
            return entry.sha256
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DraftingError.model("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 8 << 20), !block.isEmpty { hasher.update(data: block) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
