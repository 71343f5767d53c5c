// Throughput of the quantized kernels, one thread: matVec over a rows x cols weight matrix (GB/s of weight
// bytes streamed), dequantizeRow (GB/s of input bytes), and the activation preparation per product.
//
//   swift run -c release QuantKernelBench                 # every type, 4096 x 4096
//   swift run -c release QuantKernelBench Q4_K Q6_K       # selected types
//   ROWS=16384 COLS=4096 swift run -c release QuantKernelBench Q8_0
//
// Times are thread CPU time (the machine is shared; wall time would include other processes' slices), best of
// 15 trials. A 4096 x 4096 matrix of any type fits this machine's 32 MiB L3, so these figures are kernel speed;
// larger matrices approach DRAM bandwidth. Weights are seeded random blocks with finite scales.
import Foundation
import GGUF
import Quants

/// SplitMix64, so every run streams the same bytes.
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

func threadNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Best-of-`trials` thread time of `body`, in nanoseconds.
func bestTime(trials: Int = 15, _ body: () -> Void) -> Double {
    var best = UInt64.max
    for _ in 0..<trials {
        let start = threadNanos()
        body()
        best = min(best, threadNanos() - start)
    }
    return Double(best)
}

/// Byte offsets of a block's f16 scale fields, overwritten with finite values (random bits could be NaN/inf).
func halfFields(_ type: GGMLType) -> [Int] {
    switch type {
    case .q4_0, .q5_0, .q8_0: return [0]
    case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
    case .q6_K: return [208]
    default: return []
    }
}

func randomMatrix(_ type: GGMLType, rows: Int, cols: Int, rng: inout SplitMix64) -> UnsafeMutableRawPointer {
    let bytes = type.byteCount(elements: cols)! * rows
    let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    switch type {
    case .f32: for i in 0..<rows * cols { p.storeBytes(of: Float.random(in: -1...1, using: &rng), toByteOffset: 4 * i, as: Float.self) }
    case .f16: for i in 0..<rows * cols { p.storeBytes(of: Float16(Float.random(in: -1...1, using: &rng)), toByteOffset: 2 * i, as: Float16.self) }
    case .bf16:
        for i in 0..<rows * cols { p.storeBytes(of: FloatRows.floatToBF16(Float.random(in: -1...1, using: &rng)), toByteOffset: 2 * i, as: UInt16.self) }
    default:
        for i in 0..<bytes { p.storeBytes(of: UInt8.random(in: 0...255, using: &rng), toByteOffset: i, as: UInt8.self) }
        for b in 0..<bytes / type.blockBytes {
            for o in halfFields(type) {
                p.storeBytes(of: Float16(Float.random(in: 0.001...0.01, using: &rng)), toByteOffset: b * type.blockBytes + o, as: Float16.self)
            }
        }
    }
    return p
}

let environment = ProcessInfo.processInfo.environment
let rows = Int(environment["ROWS"] ?? "") ?? 4096
let cols = Int(environment["COLS"] ?? "") ?? 4096
let names = CommandLine.arguments.dropFirst()
let types = QuantKernels.supportedWeightTypes.filter { names.isEmpty || names.contains($0.description) }

var rng = SplitMix64(state: 42)
let x = UnsafeMutablePointer<Float>.allocate(capacity: cols)
for i in 0..<cols { x[i] = Float.random(in: -2...2, using: &rng) }
let y = UnsafeMutablePointer<Float>.allocate(capacity: rows)
let row = UnsafeMutablePointer<Float>.allocate(capacity: cols)

print("| type | matVec GB/s | matVec µs | activation µs | dequantize GB/s | max rel. err vs reference |")
print("| --- | --- | --- | --- | --- | --- |")
for type in types {
    guard let stride = type.byteCount(elements: cols) else {
        print("| \(type) | \(cols) columns are not whole blocks | | | | |")
        continue
    }
    let w = randomMatrix(type, rows: rows, cols: cols, rng: &rng)
    let act = UnsafeMutableRawPointer.allocate(byteCount: QuantKernels.activationBytes(for: type, count: cols), alignment: 64)
    QuantKernels.quantizeActivation(x, count: cols, for: type, into: act)
    QuantKernels.matVec(type: type, weights: w, cols: cols, rows: 0..<rows, activation: act, into: y)
    var maxRelative: Float = 0
    for r in 0..<min(rows, 8) {
        let reference = QuantKernels.dotReference(type: type, row: w + r * stride, count: cols, activation: act)
        maxRelative = max(maxRelative, abs(reference - y[r]) / max(abs(reference), 1e-3))
    }
    let matVec = bestTime { QuantKernels.matVec(type: type, weights: w, cols: cols, rows: 0..<rows, activation: act, into: y) }
    let prepare = bestTime { QuantKernels.quantizeActivation(x, count: cols, for: type, into: act) }
    let dequantize = bestTime(trials: 3) { for r in 0..<rows { QuantKernels.dequantizeRow(type: type, w + r * stride, count: cols, into: row) } }
    let bytes = Double(stride * rows)
    print(String(format: "| %@ | %.1f | %.0f | %.1f | %.1f | %.1e |", type.description, bytes / matVec, matVec / 1000,
                 prepare / 1000, bytes / dequantize, maxRelative))
    w.deallocate()
    act.deallocate()
}
