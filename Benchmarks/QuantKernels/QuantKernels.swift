// Throughput of the quantized kernels on one thread, for every weight type with kernels
// (`QuantKernels.supportedWeightTypes`): the single-row dot on cache-resident rows, the matrix-vector product
// a decode step runs for every weight matrix, dequantization a row at a time (prefill's path into sgemm),
// activation quantization, and the batched product of prefill.
//
//   swift package benchmark --target QuantKernelsBenchmark [--filter 'matVec.*']
//   VELLUM_BENCH_KERNEL_ROWS=16384 swift package benchmark --target QuantKernelsBenchmark --filter 'matVec q8_0.*'
//
// A 4096 x 4096 matrix of any type fits this machine's 32 MiB L3, so the matVec figures are kernel speed, not
// DRAM bandwidth; VELLUM_BENCH_KERNEL_ROWS and VELLUM_BENCH_KERNEL_COLS (4096 each by default) set a larger
// matrix to approach DRAM. Weights are seeded random blocks with finite scales (TestSupport's `randomRows`, the
// inputs QuantsTests checks the kernels' numerics on); here only their speed. Every kernel call is expected to
// allocate nothing (mallocCountTotal 0).
import Benchmark
import BenchmarkSupport
import Foundation
import GGUF
import Quants
import TestSupport

/// A row-major matrix of `rows` x `cols` elements of `type`, 64-byte aligned, filled with seeded random blocks.
final class WeightMatrix {
    let type: GGMLType
    let rows: Int
    let cols: Int
    let rowBytes: Int
    private let storage: AlignedBuffer
    var bytes: UnsafeMutableRawPointer { storage.raw }
    var byteCount: Int { storage.count }

    init(type: GGMLType, rows: Int, cols: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        storage = randomRows(type, rows: rows, count: cols, using: &rng)
        self.type = type
        self.rows = rows
        self.cols = cols
        rowBytes = storage.count / rows
    }
}

/// An activation vector quantized for one weight type, as `dot` and `matVec` consume it.
final class PreparedActivation {
    let input: AlignedBuffer
    let prepared: AlignedBuffer
    let count: Int
    let weightType: GGMLType

    init(count: Int, for weightType: GGMLType, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        self.count = count
        self.weightType = weightType
        input = randomFloats(count, using: &rng)
        prepared = AlignedBuffer(bytes: QuantKernels.activationBytes(for: weightType, count: count))
        quantize()
    }

    func quantize() {
        QuantKernels.quantizeActivation(input.floats, count: count, for: weightType, into: prepared.raw)
    }
}

/// A weight matrix, an activation prepared for it and an output vector: what dot, matVec and dequantizeRow need.
final class KernelFixture {
    let weights: WeightMatrix
    let activation: PreparedActivation
    /// matVec's output vector (`rows`), or dequantizeRow's output row (`cols`).
    let output: AlignedBuffer

    init(type: GGMLType, rows: Int, cols: Int) {
        weights = WeightMatrix(type: type, rows: rows, cols: cols, seed: 1)
        activation = PreparedActivation(count: cols, for: type, seed: 2)
        output = AlignedBuffer(bytes: 4 * max(rows, cols))
    }
}

/// Inputs of one batched product: X (batch x cols floats), W, Y (batch x rows) and one thread's tile scratch.
final class BatchedProduct {
    let weights: WeightMatrix
    let batch: Int
    let input: AlignedBuffer
    let output: AlignedBuffer
    let scratch: AlignedBuffer
    let scratchCount: Int
    /// 2 flops per multiply-add.
    var gigaflops: Double { 2 * Double(batch) * Double(weights.rows) * Double(weights.cols) / 1e9 }

    init(type: GGMLType, batch: Int, cols: Int, rows: Int, seed: UInt64) {
        weights = WeightMatrix(type: type, rows: rows, cols: cols, seed: seed)
        self.batch = batch
        var rng = SeededGenerator(seed: seed ^ 0x5EED)
        input = randomFloats(batch * cols, using: &rng)
        output = AlignedBuffer(bytes: 4 * batch * rows)
        scratchCount = QuantKernels.matMulScratchCount(cols: cols)
        scratch = AlignedBuffer(bytes: 4 * scratchCount)
    }

    func run() {
        QuantKernels.matMul(type: weights.type, weights: weights.bytes, cols: weights.cols, rows: 0..<weights.rows,
                            input: input.floats, batch: batch, output: output.floats, outputStride: weights.rows,
                            scratch: scratch.floats, scratchCount: scratchCount)
    }
}

/// A positive whole number from the environment, else `fallback`.
func environmentCount(_ name: String, default fallback: Int) -> Int {
    guard let text = ProcessInfo.processInfo.environment[name], let value = Int(text), value > 0 else { return fallback }
    return value
}

let rows = environmentCount("VELLUM_BENCH_KERNEL_ROWS", default: 4096)
let cols = environmentCount("VELLUM_BENCH_KERNEL_COLS", default: 4096)
/// Rows the dot benchmark cycles through: few enough to stay in L2 (16 x 16 KiB for F32 at 4096 columns), so the
/// figure is the kernel's arithmetic, and more than one so that no dot can be hoisted out of the loop.
let dotRows = 16
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

    for type in QuantKernels.supportedWeightTypes {
        guard type.byteCount(elements: cols) != nil else {
            BenchmarkFixtures.skip("the \(type) kernels", because: "\(cols) columns are not whole \(type) blocks")
            continue
        }

        // A thousand dots per iteration, so the clock resolves one.
        Benchmark("dot \(type) \(cols) (\(dotRows) cached rows)",
                  configuration: .init(metrics: kernelMetrics, scalingFactor: .kilo)) { benchmark, fixture in
            let weights = fixture.weights
            let activation = fixture.activation.prepared.raw
            var sum: Float = 0
            let megabytes = Double(weights.rowBytes) * Double(benchmark.scaledIterations.count) / 1e6
            benchmark.measureRate(.weightMegabytesPerSecond, units: megabytes) {
                for i in benchmark.scaledIterations {
                    sum += QuantKernels.dot(type: type, row: weights.bytes + (i % dotRows) * weights.rowBytes,
                                            count: cols, activation: activation)
                }
            }
            blackHole(sum)
        } setup: {
            KernelFixture(type: type, rows: dotRows, cols: cols)
        }

        Benchmark("matVec \(type) \(rows)x\(cols)", configuration: .init(metrics: kernelMetrics)) { benchmark, fixture in
            let weights = fixture.weights
            benchmark.measureRate(.weightMegabytesPerSecond, units: Double(weights.byteCount) / 1e6) {
                QuantKernels.matVec(type: type, weights: weights.bytes, cols: cols, rows: 0..<rows,
                                    activation: fixture.activation.prepared.raw, into: fixture.output.floats)
            }
            blackHole(fixture.output.floats[rows - 1])
        } setup: {
            KernelFixture(type: type, rows: rows, cols: cols)
        }

        // Row by row into one row buffer, as matMul fills its tiles: the whole matrix per iteration.
        Benchmark("dequantizeRow \(type) \(rows)x\(cols)", configuration: .init(metrics: kernelMetrics)) { benchmark, fixture in
            let weights = fixture.weights
            benchmark.measureRate(.weightMegabytesPerSecond, units: Double(weights.byteCount) / 1e6) {
                for r in 0..<rows {
                    QuantKernels.dequantizeRow(type: type, weights.bytes + r * weights.rowBytes, count: cols,
                                               into: fixture.output.floats)
                }
            }
            blackHole(fixture.output.floats[cols - 1])
        } setup: {
            KernelFixture(type: type, rows: rows, cols: cols)
        }

        // Once per matrix (per token) in a decode step; a thousand per iteration so the clock resolves it.
        Benchmark("quantizeActivation for \(type) (\(cols))",
                  configuration: .init(scalingFactor: .kilo)) { benchmark, activation in
            for _ in benchmark.scaledIterations { activation.quantize() }
            blackHole(activation.prepared.raw.load(as: UInt8.self))
        } setup: {
            PreparedActivation(count: cols, for: type, seed: 2)
        }
    }

    for shape in batchedShapes {
        Benchmark("matMul \(shape.type) \(batch)x\(shape.cols)x\(shape.rows) (qwen2.5-0.5b \(shape.name), 1 thread)",
                  configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .gigaflopsPerSecond],
                                       warmupIterations: 1, maxDuration: .seconds(3))) { benchmark, product in
            benchmark.measureRate(.gigaflopsPerSecond, units: product.gigaflops) { product.run() }
            blackHole(product.output.floats[0])
        } setup: { () -> BatchedProduct in
            // One thread like matVec above; the runtime splits rows across its own pool and keeps BLAS at 1.
            QuantKernels.setBLASThreads(1)
            return BatchedProduct(type: shape.type, batch: batch, cols: shape.cols, rows: shape.rows, seed: 3)
        }
    }
}
