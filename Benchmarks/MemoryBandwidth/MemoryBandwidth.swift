// This machine's memory bandwidth, the ceiling of token generation (every weight is read once per token), so
// that decode speed can be stated as a share of it: a STREAM-like read and triad over arrays far larger than
// the caches, on 1 and 2 threads of the same pool the engine decodes with.
//
//   swift package benchmark --target MemoryBandwidthBenchmark
//
// - `read`: sums 1 GiB of floats (the access pattern of a matrix-vector product's weights);
// - `triad`: a[i] = b[i] + 3 c[i] over three 1 GiB arrays (STREAM's triad: two reads and a write per element,
//   counted as 12 bytes moved).
// Figures in memory MB/s (10^6 bytes). Generation at T tokens/s reads T times a model's bytes of weights per
// token (docs/anchors.md lists them), so e.g. qwen 1.5B's 980 MB a token at 50 tokens/s is 49,000 MB/s.
import Benchmark
import BenchmarkSupport
import Inference

let arrayBytes = 1 << 30
let vectorsPerArray = arrayBytes / MemoryLayout<SIMD16<Float>>.stride

/// A page-aligned array of float vectors, written once so that every page is resident before it is timed.
final class FloatArray {
    let vectors: UnsafeMutablePointer<SIMD16<Float>>

    init(value: Float) {
        vectors = UnsafeMutableRawPointer.allocate(byteCount: arrayBytes, alignment: 4096)
            .bindMemory(to: SIMD16<Float>.self, capacity: vectorsPerArray)
        vectors.initialize(repeating: SIMD16(repeating: value), count: vectorsPerArray)
    }

    deinit { vectors.deallocate() }
}

/// Sums `range` with four independent accumulators (one would serialize on the add latency, not on memory).
@inline(never)
func sum(_ array: UnsafePointer<SIMD16<Float>>, _ range: Range<Int>) -> Float {
    var s0 = SIMD16<Float>(), s1 = s0, s2 = s0, s3 = s0
    var i = range.lowerBound
    while i + 4 <= range.upperBound {
        s0 += array[i]; s1 += array[i + 1]; s2 += array[i + 2]; s3 += array[i + 3]
        i += 4
    }
    while i < range.upperBound { s0 += array[i]; i += 1 }
    return ((s0 + s1) + (s2 + s3)).sum()
}

@inline(never)
func triad(_ a: UnsafeMutablePointer<SIMD16<Float>>, _ b: UnsafePointer<SIMD16<Float>>,
           _ c: UnsafePointer<SIMD16<Float>>, _ range: Range<Int>) {
    for i in range { a[i] = b[i] + 3 * c[i] }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.units = BenchmarkMetric.rateDisplayUnits
    let metrics: [BenchmarkMetric] = [.wallClock, .memoryMegabytesPerSecond]
    var arrays: (a: FloatArray, b: FloatArray, c: FloatArray)?
    /// Allocated on first use and shared: 3 GiB written once, not per benchmark.
    func fixture() -> (a: FloatArray, b: FloatArray, c: FloatArray) {
        if let arrays { return arrays }
        let made = (FloatArray(value: 0), FloatArray(value: 1), FloatArray(value: 2))
        arrays = made
        return made
    }

    for threads in [1, 2] {
        let label = threads == 1 ? "1 thread" : "\(threads) threads"
        let configuration = Benchmark.Configuration(metrics: metrics, maxDuration: .seconds(10), maxIterations: 10)
        Benchmark("read (\(label))", configuration: configuration) { benchmark, pool in
            let array = fixture().b.vectors
            var sums = [Float](repeating: 0, count: threads)
            sums.withUnsafeMutableBufferPointer { sums in
                benchmark.measureRate(.memoryMegabytesPerSecond, units: Double(arrayBytes) / 1e6) {
                    pool.run { thread in
                        sums[thread] = sum(array, ThreadPool.chunk(vectorsPerArray, part: thread, of: threads))
                    }
                }
            }
            blackHole(sums)
        } setup: {
            ThreadPool(threadCount: threads)
        }
        Benchmark("triad (\(label))", configuration: configuration) { benchmark, pool in
            let (a, b, c) = fixture()
            benchmark.measureRate(.memoryMegabytesPerSecond, units: 3 * Double(arrayBytes) / 1e6) {
                pool.run { thread in
                    triad(a.vectors, b.vectors, c.vectors, ThreadPool.chunk(vectorsPerArray, part: thread, of: threads))
                }
            }
            blackHole(a.vectors[vectorsPerArray - 1])
        } setup: {
            ThreadPool(threadCount: threads)
        }
    }
}
