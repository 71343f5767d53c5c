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

/// Looks tensors up by their GGUF names and checks each one's shape and type before the model uses it, keeping
/// the names it handed out (`unusedTensors`).
public struct WeightLoader {
    public let file: GGUFFile
    private let used = UsedTensorNames()

    public init(file: GGUFFile) { self.file = file }

    private final class UsedTensorNames {
        var names: Set<String> = []
    }

    private func tensor(_ name: String) throws -> GGUFTensorInfo {
        guard let info = file.tensor(named: name) else { throw GGUFError.missingTensor(name) }
        used.names.insert(name)
        return info
    }

    /// The file's tensors that no `linear` or `vector` call has asked for, in file order.
    public var unusedTensors: [String] { file.tensors.map(\.name).filter { !used.names.contains($0) } }

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

extension WeightLoader {
    /// `<block>.attn_q`, `attn_k` and `attn_v`, applied together: `[q | k | v]`.
    func fusedQKV(block: String, shape: ModelShape) throws -> FusedLinear {
        let d = shape.embeddingLength
        return FusedLinear([try linear("\(block).attn_q", rows: shape.queryDim, cols: d),
                            try linear("\(block).attn_k", rows: shape.kvDim, cols: d),
                            try linear("\(block).attn_v", rows: shape.kvDim, cols: d)])
    }

    /// `<block>.ffn_gate` and `ffn_up`, applied together: `[gate | up]`.
    func fusedGateUp(block: String, shape: ModelShape) throws -> FusedLinear {
        FusedLinear([try linear("\(block).ffn_gate", rows: shape.feedForwardLength, cols: shape.embeddingLength),
                     try linear("\(block).ffn_up", rows: shape.feedForwardLength, cols: shape.embeddingLength)])
    }
}

extension Linear {
    /// `output[t] = W·input[t] (+ bias)` for `count` input vectors laid out back to back; output row t
    /// starts at `output + t * outputStride` (default: `rows`, i.e. packed).
    ///
    /// Each activation vector is quantized once to the weight's `vec_dot_type` (as llama.cpp does), then
    /// each thread runs the integer dot over its share of rows. With several vectors (prefill),
    /// `matMulQuantized` unpacks each weight row once and multiplies it with every token (VNNI outer
    /// products); the alternative `.blas` path dequantizes weight tiles to F32 and calls sgemm.
    func apply(_ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>,
               outputStride: Int? = nil, scratch: Scratch, pool: ThreadPool) {
        let stride = outputStride ?? rows
        if count == 1 {
            QuantKernels.quantizeActivation(input, count: cols, for: type, into: scratch.activations)
            pool.run(MatVecJob(parts: CollectionOfOne(self), offsets: CollectionOfOne(0), slots: CollectionOfOne(0),
                               totalRows: rows, activations: UnsafeRawPointer(scratch.activations),
                               slotBytes: 0, output: output, pool: pool))
        } else if scratch.batchedProduct == .blas {
            pool.parallelFor(rows) { range, thread in
                QuantKernels.matMul(type: type, weights: data, cols: cols, rows: range,
                                    input: input, batch: count, output: output, outputStride: stride,
                                    scratch: scratch.tile(thread), scratchCount: scratch.tileFloats)
            }
        } else {
            let activationStride = Scratch.activationStride(type: type, cols: cols)
            let activations = scratch.activations
            pool.parallelFor(count) { tokens, _ in
                for t in tokens {
                    QuantKernels.quantizeActivation(input + t * cols, count: cols, for: type,
                                                    into: activations + t * activationStride)
                }
            }
            // Each thread unpacks its rows once into 16-row panels and multiplies every token with them.
            pool.parallelFor(rows) { range, _ in
                QuantKernels.matMulQuantized(type: type, weights: data, cols: cols, rows: range,
                                             activations: UnsafeRawPointer(activations), activationStride: activationStride,
                                             tokens: count, output: output, outputStride: stride)
            }
        }
        addBias(to: output, count: count, stride: stride)
    }

    func addBias(to output: UnsafeMutablePointer<Float>, count: Int, stride: Int) {
        guard let bias else { return }
        for t in 0..<count {
            let row = output + t * stride
            for r in 0..<rows { row[r] += bias[r] }
        }
    }
}

/// Several matrices applied to the same input, their outputs side by side: `[q | k | v]` or `[gate | up]`.
///
/// For one token this is a single parallel job over all their rows, with the input quantized once per
/// activation format; separately it would be three jobs and three quantizations per layer, which on a
/// small model costs more than the products themselves.
struct FusedLinear: @unchecked Sendable {
    let parts: [Linear]
    /// Where each part's rows start in the concatenated output.
    let offsets: [Int]
    /// For each part, which slot of prepared activations it reads.
    let formatOfPart: [Int]
    /// One weight type per slot: the input is prepared once for each.
    let formats: [GGMLType]
    let rows: Int

    init(_ parts: [Linear]) {
        precondition(!parts.isEmpty && Set(parts.map(\.cols)).count == 1, "fused parts share their input width")
        self.parts = parts
        var offsets: [Int] = [], formats: [GGMLType] = [], formatOfPart: [Int] = []
        var total = 0
        for part in parts {
            offsets.append(total)
            total += part.rows
            if let index = formats.firstIndex(where: { Self.sharesPacking($0, part.type) }) {
                formatOfPart.append(index)
            } else {
                formatOfPart.append(formats.count)
                formats.append(part.type)
            }
        }
        self.offsets = offsets
        self.formats = formats
        self.formatOfPart = formatOfPart
        rows = total
    }

    /// Whether two weight types consume byte-identical prepared activations (same `vec_dot_type` and the same
    /// kernel packing after it).
    static func sharesPacking(_ a: GGMLType, _ b: GGMLType) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case (.q4_K, .q5_K), (.q5_K, .q4_K): return true   // both prepare through Q4_K's packing
        default: return false
        }
    }

    /// `output[t] = [W_0·input[t] | W_1·input[t] | ...]`, each output row `rows` wide.
    func apply(_ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>, _ state: RunState) {
        let scratch = state.scratch, pool = state.pool
        guard count == 1 else {
            for (part, offset) in zip(parts, offsets) {
                part.apply(input, count: count, into: output + offset, outputStride: rows, scratch: scratch, pool: pool)
            }
            return
        }
        let cols = parts[0].cols
        let slot = scratch.activationSlotBytes
        for (index, type) in formats.enumerated() {
            QuantKernels.quantizeActivation(input, count: cols, for: type, into: scratch.activations + index * slot)
        }
        pool.run(MatVecJob(parts: parts, offsets: offsets, slots: formatOfPart, totalRows: rows,
                           activations: UnsafeRawPointer(scratch.activations), slotBytes: slot, output: output,
                           pool: pool))
        for (part, offset) in zip(parts, offsets) { part.addBias(to: output + offset, count: 1, stride: rows) }
    }
}

/// One token's product with one or more matrices whose outputs sit side by side: the threads take pieces of
/// all their rows until none are left. A value type, so handing it to the pool allocates nothing.
struct MatVecJob<Parts: RandomAccessCollection<Linear>, Offsets: RandomAccessCollection<Int>,
                 Slots: RandomAccessCollection<Int>>: ParallelJob where Parts.Index == Int, Offsets.Index == Int,
                 Slots.Index == Int {
    let parts: Parts
    /// Where each part's rows start in `output`.
    let offsets: Offsets
    /// Which prepared activation (`activations + slot * slotBytes`) each part reads.
    let slots: Slots
    let totalRows: Int
    let activations: UnsafeRawPointer
    let slotBytes: Int
    let output: UnsafeMutablePointer<Float>
    /// Rows are taken from `cursor` a piece at a time by whichever thread is free.
    let cursor: WorkCursor
    let pieceRows: Int

    init(parts: Parts, offsets: Offsets, slots: Slots, totalRows: Int, activations: UnsafeRawPointer, slotBytes: Int,
         output: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        self.parts = parts
        self.offsets = offsets
        self.slots = slots
        self.totalRows = totalRows
        self.activations = activations
        self.slotBytes = slotBytes
        self.output = output
        cursor = pool.workCursor
        pieceRows = Self.pieceRows(totalRows: totalRows, threads: pool.threadCount)
    }

    /// About eight pieces per thread: few enough that taking one (an atomic add on a shared line) costs
    /// nothing beside the rows, enough that the last piece is a small part of the product. Whole multiples of
    /// 16 rows, so two threads never write into the same 64-byte line of the output.
    static func pieceRows(totalRows: Int, threads: Int) -> Int {
        let piece = (totalRows + 8 * threads - 1) / (8 * threads)
        return (piece + 15) / 16 * 16
    }

    func execute(thread: Int) {
        while let range = cursor.next(piece: pieceRows, of: totalRows) { multiply(rows: range) }
    }

    private func multiply(rows range: Range<Int>) {
        for p in 0..<parts.count {
            let part = parts[p], offset = offsets[p]
            let lower = max(range.lowerBound, offset) - offset
            let upper = min(range.upperBound, offset + part.rows) - offset
            guard lower < upper else { continue }
            QuantKernels.matVec(type: part.type, weights: part.data, cols: part.cols, rows: lower..<upper,
                                activation: activations + slots[p] * slotBytes, into: output + offset)
        }
    }
}

/// How products over several tokens are computed (see `Linear.apply`).
public enum BatchedProduct: String, Sendable, CaseIterable {
    /// Integer dots of quantized activations with the quantized weights, as in decode (llama.cpp's numerics).
    case quantized
    /// OpenBLAS sgemm on F32 weight tiles dequantized on the fly.
    case blas
}

/// Per-model scratch memory for the matrix kernels, allocated once so a decode step allocates nothing.
final class Scratch {
    /// Quantized activations of up to `maxBatch` tokens, `activationStride` bytes apart.
    let activations: UnsafeMutableRawPointer
    /// Bytes of one slot of `activations`: the largest prepared activation of the widest input.
    let activationSlotBytes: Int
    let batchedProduct: BatchedProduct
    /// One dequantized weight tile per thread for the BLAS batched path (empty otherwise).
    let tiles: UnsafeMutablePointer<Float>
    let tileFloats: Int

    init(maxCols: Int, maxBatch: Int, threads: Int, batchedProduct: BatchedProduct, weightTypes: [GGMLType]) {
        // Large enough for the activation format of each of the model's weight types at the widest input
        // (rounded up to whole super-blocks, since the K types pack 256 values per block). Only the model's own
        // types count: allowing for F32 activations of float weights a quantized model never multiplies
        // would make this 4 bytes per value instead of about 1.
        let widest = (maxCols + 255) / 256 * 256
        let stride = weightTypes.map { Scratch.activationStride(type: $0, cols: widest) }.max() ?? 0
        activationSlotBytes = stride
        // At least one slot per activation format a fused projection may need (three for q/k/v).
        activations = .allocate(byteCount: stride * max(maxBatch, 4), alignment: 64)
        self.batchedProduct = batchedProduct
        tileFloats = QuantKernels.matMulScratchCount(cols: maxCols)
        tiles = .allocate(capacity: batchedProduct == .blas ? tileFloats * threads : 0)
    }

    func tile(_ thread: Int) -> UnsafeMutablePointer<Float> { tiles + thread * tileFloats }

    /// Bytes between consecutive tokens' quantized activations (64-byte aligned, as the kernels want).
    static func activationStride(type: GGMLType, cols: Int) -> Int {
        (QuantKernels.activationBytes(for: type, count: cols) + 63) / 64 * 64
    }

    deinit {
        activations.deallocate()
        tiles.deallocate()
    }
}
