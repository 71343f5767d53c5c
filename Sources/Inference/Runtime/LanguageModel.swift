import Foundation
import GGUF
import Quants
import Synchronization
import Tokenization

/// A loaded model: the mapped file, its architecture's weights (views into the map) and its tokenizer.
/// Immutable and shareable; generation state lives in `Session`.
public final class LanguageModel: @unchecked Sendable {
    public let file: GGUFFile
    public let architecture: any Architecture
    public let tokenizer: Tokenizer
    public var name: String { (try? file.string("general.name")) ?? file.path }
    /// The types of the file's matrices the kernels multiply (what a session's activation scratch is sized for).
    public var matrixTypes: [GGMLType] {
        Array(Set(file.tensors.lazy.filter { $0.shape.count >= 2 && QuantKernels.supports($0.type) }.map(\.type)))
    }
    /// Guarded because sessions may be created from several threads at once (a service beside the CLI's own).
    private let pools = Mutex<[Int: ThreadPool]>([:])
    private let constraintVocabularyStorage = Mutex<TokenVocabulary?>(nil)

    /// The token bytes and trie that grammars are matched against, built on first use (about a second for a
    /// 150k-token vocabulary) and shared by every constrained generation on this model.
    public var constraintVocabulary: TokenVocabulary {
        constraintVocabularyStorage.withLock { storage in
            if let vocabulary = storage { return vocabulary }
            let vocabulary = TokenVocabulary(tokenizer: tokenizer, size: architecture.shape.vocabularySize)
            storage = vocabulary
            return vocabulary
        }
    }

    /// Loads the model at `path`, its weights held as `residency` says (by default as `VELLUM_WEIGHTS` asks, see
    /// `weightResidency`).
    public init(path: String, residency: FileResidency? = nil) throws {
        // A VELLUM_KERNELS value this CPU cannot run is reported here, before any product needs a path.
        _ = try QuantKernels.pathFromEnvironment()
        file = try GGUFFile(path: path, residency: residency ?? Self.weightResidency(environment: ProcessInfo.processInfo.environment))
        architecture = try ArchitectureRegistry.load(file)
        tokenizer = try Tokenizer(file: file)
        // Rule: one token text per embedding row (llama.cpp creates token_embd with exactly n_vocab rows).
        // With fewer texts the model can produce ids that are no token; with more, the tokenizer can produce
        // ids past the embedding.
        guard tokenizer.vocabularySize == architecture.shape.vocabularySize else {
            throw ModelError.vocabularyMismatch(tokens: tokenizer.vocabularySize, embeddingRows: architecture.shape.vocabularySize)
        }
        // Our own pool splits the rows of each product across threads; OpenBLAS must not add its own on top.
        QuantKernels.setBLASThreads(1)
    }

    /// The environment variable that chooses where a model's weights live: `huge-pages` or `mapped`.
    public static let residencyVariable = "VELLUM_WEIGHTS"

    /// `VELLUM_WEIGHTS` if set. Otherwise huge pages where the kernel gives them on request, for decoding speed
    /// (see `FileResidency.hugePages`); a practice that runs several processes on one model and is short of
    /// memory sets `mapped`, so they share one copy.
    public static func weightResidency(environment: [String: String]) throws(ModelError) -> FileResidency {
        if let value = environment[residencyVariable], !value.isEmpty {
            guard let residency = FileResidency(rawValue: value) else {
                throw .badSetting(variable: residencyVariable, value: value, allowed: FileResidency.allCases.map(\.rawValue))
            }
            return residency
        }
        return FileResidency.transparentHugePagesOnRequest() ? .hugePages : .mapped
    }

    /// One persistent pool per thread count, shared by this model's sessions. Sessions on different threads
    /// may share it: their jobs take turns (see `ThreadPool.run`).
    func threadPool(_ threads: Int) -> ThreadPool {
        pools.withLock { pools in
            if let pool = pools[threads] { return pool }
            let pool = ThreadPool(threadCount: threads)
            pools[threads] = pool
            return pool
        }
    }
}
