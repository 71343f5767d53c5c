// Throughput of the quantized kernels on one thread, per weight type: the matrix-vector product a decode step
// runs for every weight matrix, dequantization a row at a time (prefill's path into sgemm), activation
// quantization, and the batched product of prefill.
//
//   swift package benchmark --target QuantKernelsBenchmark [--filter 'matVec.*']
//
// A 4096 x 4096 matrix of any type fits this machine's 32 MiB L3, so the matVec figures are kernel speed, not
// DRAM bandwidth. Weights are seeded random blocks with finite scales; the kernels' numerics are tested in
// QuantsTests, here only their speed. Every kernel call is expected to allocate nothing (mallocCountTotal 0).
import Benchmark
import BenchmarkSupport
import GGUF
import Quants

/// SplitMix64: every run streams the same bytes.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A row-major matrix of `rows` x `cols` elements of `type`, 64-byte aligned, filled with seeded random blocks.
final class WeightMatrix {
    let type: GGMLType
    let rows: Int
    let cols: Int
    let rowBytes: Int
    let bytes: UnsafeMutableRawPointer
    var byteCount: Int { rowBytes * rows }

    init(type: GGMLType, rows: Int, cols: Int, seed: UInt64) {
        guard let rowBytes = type.byteCount(elements: cols) else {
            preconditionFailure("\(cols) columns are not whole \(type) blocks")
        }
        self.type = type
        self.rows = rows
        self.cols = cols
        self.rowBytes = rowBytes
        bytes = UnsafeMutableRawPointer.allocate(byteCount: rowBytes * rows, alignment: 64)
        var rng = SplitMix64(state: seed)
        if type == .f16 {
            for i in 0..<rows * cols {
                bytes.storeBytes(of: Float16(Float.random(in: -1...1, using: &rng)), toByteOffset: 2 * i, as: Float16.self)
            }
            return
        }
        for i in stride(from: 0, to: byteCount, by: 8) {
            bytes.storeBytes(of: rng.next(), toByteOffset: i, as: UInt64.self)
        }
        // Random bits in an f16 scale field can be NaN or infinity, which no real model holds; small positive
        // scales keep every product finite.
        let scaleOffsets = Self.halfScaleOffsets(type)
        for block in 0..<byteCount / type.blockBytes {
            for offset in scaleOffsets {
                bytes.storeBytes(of: Float16(Float.random(in: 0.001...0.01, using: &rng)),
                                 toByteOffset: block * type.blockBytes + offset, as: Float16.self)
            }
        }
    }

    deinit { bytes.deallocate() }

    /// Byte offsets of a block's f16 fields (ggml's block layouts: `d` first, then `m`/`dmin` where present;
    /// Q6_K keeps `d` after ql[128], qh[64] and scales[16]).
    static func halfScaleOffsets(_ type: GGMLType) -> [Int] {
        switch type {
        case .q4_0, .q5_0, .q8_0: return [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
        case .q6_K: return [208]
        default: preconditionFailure("no block layout known for \(type)")
        }
    }
}

/// An activation vector quantized for one weight type, as `matVec` consumes it.
final class PreparedActivation {
    let input: UnsafeMutablePointer<Float>
    let prepared: UnsafeMutableRawPointer
    let count: Int
    let weightType: GGMLType

    init(count: Int, for weightType: GGMLType, seed: UInt64) {
        var rng = SplitMix64(state: seed)
        self.count = count
        self.weightType = weightType
        input = .allocate(capacity: count)
        for i in 0..<count { input[i] = Float.random(in: -2...2, using: &rng) }
        prepared = .allocate(byteCount: QuantKernels.activationBytes(for: weightType, count: count), alignment: 64)
        quantize()
    }

    func quantize() {
        QuantKernels.quantizeActivation(input, count: count, for: weightType, into: prepared)
    }

    deinit {
        input.deallocate()
        prepared.deallocate()
    }
}

/// A square weight matrix, an activation prepared for it and one output row: what matVec and dequantizeRow need.
final class KernelFixture {
    let weights: WeightMatrix
    let activation: PreparedActivation
    /// matVec's output vector, or dequantizeRow's output row.
    let output: UnsafeMutablePointer<Float>

    init(type: GGMLType, side: Int) {
        weights = WeightMatrix(type: type, rows: side, cols: side, seed: 1)
        activation = PreparedActivation(count: side, for: type, seed: 2)
        output = .allocate(capacity: side)
    }

    deinit { output.deallocate() }
}

/// Inputs of one batched product: X (batch x cols floats), W, Y (batch x rows) and one thread's tile scratch.
final class BatchedProduct {
    let weights: WeightMatrix
    let batch: Int
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    let scratchCount: Int
    /// 2 flops per multiply-add.
    var gigaflops: Double { 2 * Double(batch) * Double(weights.rows) * Double(weights.cols) / 1e9 }

    init(type: GGMLType, batch: Int, cols: Int, rows: Int, seed: UInt64) {
        weights = WeightMatrix(type: type, rows: rows, cols: cols, seed: seed)
        self.batch = batch
        var rng = SplitMix64(state: seed ^ 0x5EED)
        input = .allocate(capacity: batch * cols)
        for i in 0..<batch * cols { input[i] = Float.random(in: -2...2, using: &rng) }
        output = .allocate(capacity: batch * rows)
        scratchCount = QuantKernels.matMulScratchCount(cols: cols)
        scratch = .allocate(capacity: scratchCount)
    }

    func run() {
        QuantKernels.matMul(type: weights.type, weights: weights.bytes, cols: weights.cols, rows: 0..<weights.rows,
                            input: input, batch: batch, output: output, outputStride: weights.rows,
                            scratch: scratch, scratchCount: scratchCount)
    }

    deinit {
        input.deallocate()
        output.deallocate()
        scratch.deallocate()
    }
}

/// The weight types the bundled models use (and the other ggml block types with kernels here).
let weightTypes: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K, .f16]
let side = 4096
/// Prefill shapes of qwen2.5-coder-0.5b (hidden 896, FFN 4864) at a 512-token batch, in the types its Q4_K_M
/// file stores them: ffn_up/gate rows of 896 are not whole 256-element K blocks, so llama.cpp stores them as Q5_0.
let batchedShapes: [(type: GGMLType, name: String, cols: Int, rows: Int)] = [
    (.q5_0, "ffn_up", 896, 4864),
    (.q4_K, "ffn_down", 4864, 896),
]
let batch = 512

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        units: BenchmarkMetric.rateDisplayUnits,
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )
    let kernelMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .weightMegabytesPerSecond]

    for type in weightTypes {
        Benchmark("matVec \(type) \(side)x\(side)", configuration: .init(metrics: kernelMetrics)) { benchmark, fixture in
            let weights = fixture.weights
            benchmark.measureRate(.weightMegabytesPerSecond, units: Double(weights.byteCount) / 1e6) {
                QuantKernels.matVec(type: type, weights: weights.bytes, cols: side, rows: 0..<side,
                                    activation: fixture.activation.prepared, into: fixture.output)
            }
            blackHole(fixture.output[side - 1])
        } setup: {
            KernelFixture(type: type, side: side)
        }

        // Row by row into one row buffer, as matMul fills its tiles: the whole matrix per iteration.
        Benchmark("dequantizeRow \(type) \(side)x\(side)", configuration: .init(metrics: kernelMetrics)) { benchmark, fixture in
            let weights = fixture.weights
            benchmark.measureRate(.weightMegabytesPerSecond, units: Double(weights.byteCount) / 1e6) {
                for r in 0..<side {
                    QuantKernels.dequantizeRow(type: type, weights.bytes + r * weights.rowBytes, count: side,
                                               into: fixture.output)
                }
            }
            blackHole(fixture.output[side - 1])
        } setup: {
            KernelFixture(type: type, side: side)
        }

        // Once per matrix (per token) in a decode step; a thousand per iteration so the clock resolves it.
        Benchmark("quantizeActivation for \(type) (\(side))",
                  configuration: .init(scalingFactor: .kilo)) { benchmark, activation in
            for _ in benchmark.scaledIterations { activation.quantize() }
            blackHole(activation.prepared.load(as: UInt8.self))
        } setup: {
            PreparedActivation(count: side, for: type, seed: 2)
        }
    }

    for shape in batchedShapes {
        Benchmark("matMul \(shape.type) \(batch)x\(shape.cols)x\(shape.rows) (qwen2.5-0.5b \(shape.name), 1 thread)",
                  configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .gigaflopsPerSecond],
                                       warmupIterations: 1, maxDuration: .seconds(3))) { benchmark, product in
            benchmark.measureRate(.gigaflopsPerSecond, units: product.gigaflops) { product.run() }
            blackHole(product.output[0])
        } setup: { () -> BatchedProduct in
            // One thread like matVec above; the runtime splits rows across its own pool and keeps BLAS at 1.
            QuantKernels.setBLASThreads(1)
            return BatchedProduct(type: shape.type, batch: batch, cols: shape.cols, rows: shape.rows, seed: 3)
        }
    }
}
