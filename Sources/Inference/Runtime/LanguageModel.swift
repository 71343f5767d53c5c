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

    public init(path: String) throws {
        file = try GGUFFile(path: path)
        architecture = try ArchitectureRegistry.load(file)
        tokenizer = try Tokenizer(file: file)
        // Our own pool splits the rows of each product across threads; OpenBLAS must not add its own on top.
        QuantKernels.setBLASThreads(1)
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
