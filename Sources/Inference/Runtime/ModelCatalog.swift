import Foundation

/// The bundled models named in `models/manifest.json`, and where their fetched files live.
///
/// `--model` takes either a path to any GGUF file or a bundled model's name. The manifest is found from
/// `VELLUM_ROOT`, else by walking up from the executable and from the working directory; fetched files
/// live in `VELLUM_MODELS_DIR`, else `<root>/.cache/models` (what `scripts/fetch-models.py` fills).
public struct ModelCatalog: Sendable {
    public struct Entry: Sendable, Decodable {
        public let name: String
        public let file: String
        public let architecture: String
        public let quantization: String?
        public let license: String
        public let sha256: String
        public let bytes: Int
        public let reference: String?
    }

    private struct Manifest: Decodable {
        let `default`: String
        let models: [Entry]
    }

    public let root: URL?
    public let modelsDirectory: URL?
    public let defaultModel: String?
    public let entries: [Entry]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let root = Self.findRoot(environment: environment)
        self.root = root
        if let dir = environment["VELLUM_MODELS_DIR"], !dir.isEmpty {
            modelsDirectory = URL(fileURLWithPath: dir)
        } else {
            modelsDirectory = root?.appendingPathComponent(".cache/models")
        }
        if let root, let data = try? Data(contentsOf: root.appendingPathComponent("models/manifest.json")),
           let manifest = try? JSONDecoder().decode(Manifest.self, from: data) {
            defaultModel = manifest.default
            entries = manifest.models
        } else {
            defaultModel = nil
            entries = []
        }
    }

    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The file for `nameOrPath`: an existing path as given, else a bundled model's fetched file.
    public func resolve(_ nameOrPath: String) throws -> String {
        if FileManager.default.fileExists(atPath: nameOrPath) { return nameOrPath }
        guard let entry = entry(named: nameOrPath), let dir = modelsDirectory else {
            throw ModelError.modelNotFound(nameOrPath, known: entries.map(\.name))
        }
        let path = dir.appendingPathComponent(entry.file).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CatalogError.notFetched(name: entry.name, expectedPath: path)
        }
        return path
    }

    private static func findRoot(environment: [String: String]) -> URL? {
        if let root = environment["VELLUM_ROOT"], !root.isEmpty { return URL(fileURLWithPath: root) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let starts = [executable.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for start in starts {
            var dir = start.standardizedFileURL
            while true {
                if FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/manifest.json").path) {
                    return dir
                }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }
}

public enum CatalogError: Error, CustomStringConvertible {
    case notFetched(name: String, expectedPath: String)

    public var description: String {
        switch self {
        case let .notFetched(name, path):
            return "bundled model '\(name)' is not fetched yet (expected at \(path)); run scripts/fetch-models.py \(name)"
        }
    }
}
