import GGUF
import Quants

/// A weight matrix used as `y = W·x (+ b)`, read in place from the memory-mapped file.
///
/// GGUF stores W as `rows` rows of `cols` elements (ggml's ne0 = cols, the input width), each row a whole
/// number of quant blocks, so one row's dot product never needs another row's bytes.
public struct Linear: @unchecked Sendable {
    public let name: String
    public let type: GGMLType
    /// Output width (ne1).
    public let rows: Int
    /// Input width (ne0).
    public let cols: Int
    public let data: UnsafeRawPointer
    /// Optional F32 bias of `rows` values (Qwen2's q/k/v projections).
    public let bias: UnsafePointer<Float>?

    public var rowBytes: Int { type.byteCount(elements: cols)! }
}

/// Looks tensors up by their GGUF names and checks each one's shape and type before the model uses it.
public struct WeightLoader {
    public let file: GGUFFile

    public init(file: GGUFFile) { self.file = file }

    private func tensor(_ name: String) throws -> GGUFTensorInfo {
        guard let info = file.tensor(named: name) else { throw GGUFError.missingTensor(name) }
        return info
    }

    public func has(_ name: String) -> Bool { file.tensor(named: name) != nil }

    /// `<name>.weight` as a `rows x cols` matrix, with `<name>.bias` when the file has one.
    public func linear(_ name: String, rows: Int, cols: Int) throws -> Linear {
        let weight = try tensor("\(name).weight")
        guard weight.shape == [cols, rows] else {
            throw ModelError.tensorShape(name: weight.name, expected: [cols, rows], found: weight.shape)
        }
        guard QuantKernels.supports(weight.type) else {
            throw ModelError.unsupportedTensorType(name: weight.name, type: weight.type.description)
        }
        var bias: UnsafePointer<Float>?
        if has("\(name).bias") { bias = try vector("\(name).bias", count: rows) }
        return Linear(name: name, type: weight.type, rows: rows, cols: cols,
                      data: file.tensorData(weight), bias: bias)
    }

    /// A one-dimensional F32 tensor (norm weights, biases). The data section is aligned, so the
    /// pointer is suitably aligned for Float.
    public func vector(_ name: String, count: Int) throws -> UnsafePointer<Float> {
        let info = try tensor(name)
        guard info.shape == [count] else {
            throw ModelError.tensorShape(name: name, expected: [count], found: info.shape)
        }
        guard info.type == .f32 else { throw ModelError.unsupportedTensorType(name: name, type: info.type.description) }
        return file.tensorData(info).assumingMemoryBound(to: Float.self)
    }
}

extension Linear {
    /// `output[t] = W·input[t] (+ bias)` for `count` input vectors laid out back to back.
    ///
    /// One vector (decode) takes the quantized path: the activation is quantized once to the weight's
    /// `vec_dot_type`, then each thread runs the integer dot over its share of rows. Several vectors
    /// (prefill) go through the batched kernel, which reads each weight row once for all of them.
    func apply(_ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>,
               scratch: Scratch, pool: ThreadPool) {
        if count == 1 {
            let activation = scratch.activation
            QuantKernels.quantizeActivation(input, count: cols, for: type, into: activation)
            pool.parallelFor(rows) { range, _ in
                QuantKernels.matVec(type: type, weights: data, cols: cols, rows: range,
                                    activation: UnsafeRawPointer(activation), into: output)
            }
        } else {
            pool.parallelFor(rows) { range, thread in
                QuantKernels.matMul(type: type, weights: data, cols: cols, rows: range,
                                    input: input, batch: count, output: output, outputStride: rows,
                                    scratch: scratch.tile(thread), scratchCount: scratch.tileFloats)
            }
        }
        if let bias {
            for t in 0..<count {
                let row = output + t * rows
                for r in 0..<rows { row[r] += bias[r] }
            }
        }
    }
}

/// Per-model scratch memory for the matrix kernels, allocated once so a decode step allocates nothing.
final class Scratch {
    /// Holds one quantized activation vector of the widest input.
    let activation: UnsafeMutableRawPointer
    /// One dequantized weight tile per thread for the batched path.
    let tiles: UnsafeMutablePointer<Float>
    let tileFloats: Int
    let threads: Int

    init(maxCols: Int, threads: Int) {
        // Large enough for the activation format of any weight type at the widest input (rounded up to whole
        // super-blocks, since the K types pack 256 values per block).
        let widest = (maxCols + 255) / 256 * 256
        let bytes = QuantKernels.supportedWeightTypes.map { QuantKernels.activationBytes(for: $0, count: widest) }.max()!
        activation = .allocate(byteCount: bytes, alignment: 64)
        tileFloats = QuantKernels.matMulScratchCount(cols: maxCols)
        self.threads = threads
        tiles = .allocate(capacity: tileFloats * threads)
    }

    func tile(_ thread: Int) -> UnsafeMutablePointer<Float> { tiles + thread * tileFloats }

    deinit {
        activation.deallocate()
        tiles.deallocate()
    }
}
