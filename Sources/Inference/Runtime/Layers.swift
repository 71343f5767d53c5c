import Foundation
import Quants

// The building blocks of a transformer forward pass, as plain functions over raw buffers (llama2.c style).
// Each architecture file strings them together in the order its reference implementation does.

/// RMS normalization: `out = x / sqrt(mean(x²) + eps) * weight`.
@inline(__always)
func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
             count n: Int, epsilon: Float) {
    var sum: Float = 0
    for i in 0..<n { sum += x[i] * x[i] }
    let scale = 1 / (sum / Float(n) + epsilon).squareRoot()
    for i in 0..<n { out[i] = x[i] * scale * weight[i] }
}

/// `rmsNorm` applied to `rows` consecutive vectors of `n` values.
func rmsNormRows(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                 rows: Int, count n: Int, epsilon: Float) {
    for r in 0..<rows { rmsNorm(x + r * n, weight: weight, into: out + r * n, count: n, epsilon: epsilon) }
}

/// `x += y` over `n` values.
@inline(__always)
func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count n: Int) {
    for i in 0..<n { x[i] += y[i] }
}

/// The gated activations of the feed-forward block, over `[gate | up]` rows of `2 * width` values per token,
/// writing `width` values per token to `out`. Over a prompt this is tens of millions of exponentials, so the
/// work is split across the pool.
enum GatedActivation {
    /// SwiGLU: silu(gate) * up, with silu(x) = x * sigmoid(x) (Llama, Qwen2).
    case swiglu
    /// GeGLU with the tanh approximation of GELU, rounded through F16 as llama.cpp's CPU backend does (Gemma;
    /// see `VectorMath.geluAsGGML`).
    case gelu

    func apply(_ gateUp: UnsafePointer<Float>, tokens: Int, width: Int, into out: UnsafeMutablePointer<Float>,
               pool: ThreadPool) {
        pool.run(GatedActivationJob(kind: self, gateUp: gateUp, tokens: tokens, width: width, out: out,
                                    threads: pool.threadCount))
    }

    /// Writes `count` outputs from `count` gate and `count` up values.
    @inline(__always)
    func compute(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, into o: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .swiglu:
            for i in 0..<count { o[i] = gate[i] / (1 + expf(-gate[i])) * up[i] }
        case .gelu:
            let gateLanes = UnsafeRawPointer(gate), upLanes = UnsafeRawPointer(up), out = UnsafeMutableRawPointer(o)
            var i = 0
            while i + 16 <= count {
                let g = gateLanes.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
                let u = upLanes.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
                out.storeBytes(of: VectorMath.geluAsGGML(g) * u, toByteOffset: 4 * i, as: SIMD16<Float>.self)
                i += 16
            }
            if i < count {  // the last partial vector, through the same function so every element is computed alike
                var g = SIMD16<Float>(), u = SIMD16<Float>()
                for l in 0..<count - i { g[l] = gate[i + l]; u[l] = up[i + l] }
                let result = VectorMath.geluAsGGML(g) * u
                for l in 0..<count - i { o[i + l] = result[l] }
            }
        }
    }
}

/// The gated activation split over threads: by tokens for a prompt, by columns for a single token.
private struct GatedActivationJob: ParallelJob {
    let kind: GatedActivation
    let gateUp: UnsafePointer<Float>
    let tokens: Int
    let width: Int
    let out: UnsafeMutablePointer<Float>
    let threads: Int

    func execute(thread: Int) {
        if tokens >= threads {
            for t in ThreadPool.chunk(tokens, part: thread, of: threads) {
                let gate = gateUp + t * 2 * width
                kind.compute(gate: gate, up: gate + width, into: out + t * width, count: width)
            }
        } else {
            let part = ThreadPool.chunk(width, part: thread, of: threads)
            let lower = part.lowerBound, upper = part.upperBound
            guard lower < upper else { return }
            for t in 0..<tokens {
                let gate = gateUp + t * 2 * width
                kind.compute(gate: gate + lower, up: gate + width + lower, into: out + t * width + lower,
                             count: upper - lower)
            }
        }
    }
}

/// How rotary position embedding pairs up a head's dimensions.
public enum RopeStyle: Sendable {
    /// Adjacent pairs (2i, 2i+1): llama.cpp's LLAMA_ROPE_TYPE_NORM (Llama; HF weights are permuted to suit).
    case interleaved
    /// Halves (i, i + d/2): LLAMA_ROPE_TYPE_NEOX (Qwen2, Gemma).
    case halves
}

/// Precomputed inverse frequencies θ_i = base^(-2i/d) / scale for one rope configuration.
struct Rope {
    let style: RopeStyle
    let headDim: Int
    let inverseFrequencies: [Float]

    /// `linearScale` is the position divisor of linear rope scaling (1 when the model uses none).
    init(style: RopeStyle, headDim: Int, base: Float, linearScale: Float = 1) {
        self.style = style
        self.headDim = headDim
        inverseFrequencies = (0..<headDim / 2).map { i in
            Float(pow(Double(base), -2 * Double(i) / Double(headDim))) / linearScale
        }
    }

    /// Rotates `heads` consecutive head vectors of one token at `position` in place.
    func apply(_ vector: UnsafeMutablePointer<Float>, heads: Int, position: Int) {
        let half = headDim / 2
        inverseFrequencies.withUnsafeBufferPointer { inverse in
            for i in 0..<half {
                let angle = Float(position) * inverse[i]
                let c = cosf(angle), s = sinf(angle)
                for h in 0..<heads {
                    let head = vector + h * headDim
                    let (a, b) = style == .interleaved ? (2 * i, 2 * i + 1) : (i, i + half)
                    let x0 = head[a], x1 = head[b]
                    head[a] = x0 * c - x1 * s
                    head[b] = x0 * s + x1 * c
                }
            }
        }
    }
}

/// Causal self-attention of `tokens` new tokens (already in the cache at `startPosition...`) for one layer.
///
/// Each query head attends to the key/value head its group shares (GQA). `window`, when set, limits a query
/// at position p to keys at positions greater than p - window (sliding-window layers).
/// Work is split over (token, KV head) pairs across the pool, each taking the query heads that share the KV head
/// together (or single query heads when there are fewer pairs than threads, as in a decode step); each thread
/// has its own rows of scores, one per head of a group (`scores` holds threads x group x capacity floats).
func attention(queries: UnsafePointer<Float>, queryStride: Int, tokens: Int, startPosition: Int, layer: Int,
               cache: KVCache, shape: ModelShape, scale: Float, window: Int?, output: UnsafeMutablePointer<Float>,
               scores: UnsafeMutablePointer<Float>, pool: ThreadPool) {
    pool.run(AttentionJob(queries: queries, queryStride: queryStride, tokens: tokens, startPosition: startPosition,
                          layer: layer, cache: cache, shape: shape, scale: scale, window: window ?? 0,
                          output: output, scores: scores, threads: pool.threadCount))
}

/// `attention`'s work as a value the pool can run without allocating: (token, KV head, heads) items over threads.
private struct AttentionJob: ParallelJob {
    let queries: UnsafePointer<Float>
    let queryStride: Int
    let tokens: Int
    let startPosition: Int
    let layer: Int
    let cache: KVCache
    let shape: ModelShape
    let scale: Float
    /// 0: no window.
    let window: Int
    let output: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    let threads: Int

    /// Keys and values are walked in blocks of this many positions, each block by every head of the item before
    /// the next: the heads of a KV group then read a block from L1 instead of the whole range from L2 or memory
    /// once per head (a group is 3 to 7 heads in the bundled models).
    static let positionBlock = 32

    func execute(thread: Int) {
        let headDim = shape.headDim
        let group = shape.headCount / shape.kvHeadCount
        // Whole groups per item when there are enough (token, KV head) pairs for every thread to get several
        // (round-robin then evens out); else one head each, as in a decode step, so that all threads work.
        let headsPerItem = tokens * shape.kvHeadCount >= 4 * threads ? group : 1
        let itemsPerToken = shape.headCount / headsPerItem
        let threadScores = scores + thread * group * cache.capacity
        // Work items dealt round-robin, not in contiguous chunks: a prompt's later tokens attend to more
        // positions, so contiguous chunks gave the last thread most of the work (3:1 at 2 threads for pp512).
        for work in stride(from: thread, to: tokens * itemsPerToken, by: threads) {
            let t = work / itemsPerToken, firstHead = (work % itemsPerToken) * headsPerItem
            let heads = firstHead..<(firstHead + headsPerItem)
            let position = startPosition + t
            let first = window > 0 ? max(0, position - window + 1) : 0
            let kvOffset = (firstHead / group) * headDim
            @inline(__always) func query(_ h: Int) -> UnsafePointer<Float> { queries + t * queryStride + h * headDim }
            @inline(__always) func headScores(_ h: Int) -> UnsafeMutablePointer<Float> {
                threadScores + (h - firstHead) * cache.capacity
            }
            @inline(__always) func blocks(_ body: (ClosedRange<Int>) -> Void) {
                var start = first
                while start <= position {
                    body(start...min(position, start + Self.positionBlock - 1))
                    start += Self.positionBlock
                }
            }
            withUnsafeTemporaryAllocation(of: Float.self, capacity: headsPerItem) { maxima in
                maxima.initialize(repeating: -.infinity)
                blocks { block in
                    for h in heads {
                        let blockMaximum = scaledKeyDots(query(h), count: headDim, positions: block, scale: scale,
                                                         into: headScores(h)) {
                            UnsafePointer(cache.key(layer: layer, position: $0) + kvOffset)
                        }
                        maxima[h - firstHead] = max(maxima[h - firstHead], blockMaximum)
                    }
                }
                for h in heads {
                    let total = exponentiate(headScores(h) + first, count: position - first + 1, minus: maxima[h - firstHead])
                    maxima[h - firstHead] = 1 / total  // from here on, each head's softmax scale
                }
                blocks { block in
                    for h in heads {
                        weightedSum(into: output + t * shape.queryDim + h * headDim, count: headDim, positions: block,
                                    adding: block.lowerBound != first, weights: headScores(h),
                                    scale: maxima[h - firstHead]) {
                            UnsafePointer(cache.value(layer: layer, position: $0) + kvOffset)
                        }
                    }
                }
            }
        }
    }
}

/// `attention` written plainly, as the definition the tuned kernel is tested against: for each token and query
/// head, the scaled dot products with every visible key of the head's KV group (causal, and within `window`
/// when set), a softmax, and the weighted sum of the values. One head and one position at a time, sums in
/// Double, libm's exp, no blocking, no threads. Lives here, in the optimized module, because a test build of it
/// would take minutes over the lengths the tests need. Not used by the models.
func referenceAttention(queries: UnsafePointer<Float>, queryStride: Int, tokens: Int, startPosition: Int, layer: Int,
                        cache: KVCache, shape: ModelShape, scale: Float, window: Int?, output: UnsafeMutablePointer<Float>) {
    let headDim = shape.headDim
    let group = shape.headCount / shape.kvHeadCount  // query heads per KV head
    for t in 0..<tokens {
        let position = startPosition + t
        let visible = (window.map { max(0, position - $0 + 1) } ?? 0)...position
        for h in 0..<shape.headCount {
            let query = queries + t * queryStride + h * headDim
            let kvOffset = (h / group) * headDim
            var scores: [Double] = []
            for p in visible {
                let key = cache.key(layer: layer, position: p) + kvOffset
                var dot = 0.0
                for i in 0..<headDim { dot += Double(query[i]) * Double(key[i]) }
                scores.append(dot * Double(scale))
            }
            let maximum = scores.max()!
            let weights = scores.map { exp($0 - maximum) }
            let total = weights.reduce(0, +)
            let out = output + t * shape.queryDim + h * headDim
            for i in 0..<headDim {
                var sum = 0.0
                for (weight, p) in zip(weights, visible) {
                    sum += weight * Double(cache.value(layer: layer, position: p)[kvOffset + i])
                }
                out[i] = Float(sum / total)
            }
        }
    }
}

/// Writes one token's keys and values for `layer` at `position`, converting to F16.
func storeKV(key: UnsafePointer<Float>, value: UnsafePointer<Float>, layer: Int, position: Int, cache: KVCache) {
    FloatRows.f32ToF16(key, count: cache.kvDim, into: cache.key(layer: layer, position: position))
    FloatRows.f32ToF16(value, count: cache.kvDim, into: cache.value(layer: layer, position: position))
}

/// Dot product of an F32 vector with an F16 one.
@inline(__always)
func dotF16(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float16>, count n: Int) -> Float {
    var i = 0
    var acc = SIMD16<Float>()
    while i + 16 <= n {
        let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
        let y = floatLanes(UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float16>.self))
        acc += x * y
        i += 16
    }
    var sum = horizontalSum(acc)  // a tree: `sum()` is 15 dependent adds, per key, per query
    while i < n { sum += a[i] * Float(b[i]); i += 1 }
    return sum
}

/// scores[p] = (q · key(p)) * scale for every position, returning the largest. Four keys go through the query
/// together (one pass had one short dependent chain per key: the loop, not the arithmetic, set the pace); each
/// key's dot is the same sequence of operations as `dotF16`'s.
@inline(__always)
func scaledKeyDots(_ q: UnsafePointer<Float>, count: Int, positions: ClosedRange<Int>, scale: Float,
                   into scores: UnsafeMutablePointer<Float>, key: (Int) -> UnsafePointer<Float16>) -> Float {
    @inline(__always) func lanes(_ k: UnsafePointer<Float16>, _ i: Int) -> SIMD16<Float> {
        floatLanes(UnsafeRawPointer(k + i).loadUnaligned(as: SIMD16<Float16>.self))
    }
    var maximum = -Float.infinity
    var p = positions.lowerBound
    while count % 16 == 0 && p + 3 <= positions.upperBound {
        let k0 = key(p), k1 = key(p + 1), k2 = key(p + 2), k3 = key(p + 3)
        var a0 = SIMD16<Float>(), a1 = a0, a2 = a0, a3 = a0
        var i = 0
        while i < count {
            let x = UnsafeRawPointer(q + i).loadUnaligned(as: SIMD16<Float>.self)
            a0 += x * lanes(k0, i); a1 += x * lanes(k1, i); a2 += x * lanes(k2, i); a3 += x * lanes(k3, i)
            i += 16
        }
        let four = SIMD4(horizontalSum(a0), horizontalSum(a1), horizontalSum(a2), horizontalSum(a3)) * scale
        for j in 0..<4 {
            scores[p + j] = four[j]
            maximum = max(maximum, four[j])
        }
        p += 4
    }
    while p <= positions.upperBound {
        let s = dotF16(q, key(p), count: count) * scale
        scores[p] = s
        maximum = max(maximum, s)
        p += 1
    }
    return maximum
}

/// Replaces each of `count` scores by e^(score - maximum) and returns their sum: softmax's numerators, 16 lanes at
/// a time (libm's scalar `expf` was a fifth of a prompt's attention time).
@inline(__always)
func exponentiate(_ scores: UnsafeMutablePointer<Float>, count: Int, minus maximum: Float) -> Float {
    let raw = UnsafeMutableRawPointer(scores)
    var sums = SIMD16<Float>()
    var i = 0
    while i + 16 <= count {
        let e = VectorMath.exp(raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self) - maximum)
        raw.storeBytes(of: e, toByteOffset: 4 * i, as: SIMD16<Float>.self)
        sums += e
        i += 16
    }
    var total = horizontalSum(sums)
    if i < count {  // the last partial vector: only its real lanes are kept
        var lanes = SIMD16<Float>(repeating: maximum)
        for l in 0..<count - i { lanes[l] = scores[i + l] }
        let e = VectorMath.exp(lanes - maximum)
        for l in 0..<count - i { scores[i + l] = e[l]; total += e[l] }
    }
    return total
}

/// out[i] = sum over p of (weights[p] * scale) * value(p)[i], the F16 values read in position order; with
/// `adding`, the sum continues from what `out` holds (a range of positions split in blocks gives the same bits).
///
/// The sums stay in registers, 64 lanes per pass over the positions: accumulated in memory instead, every
/// position re-read the vector the previous one had just stored (a store-forwarding chain that was most of a
/// long prompt's attention time). Each lane sees the same operations in the same order either way.
@inline(__always)
func weightedSum(into out: UnsafeMutablePointer<Float>, count: Int, positions: ClosedRange<Int>, adding: Bool,
                 weights: UnsafePointer<Float>, scale: Float, value: (Int) -> UnsafePointer<Float16>) {
    @inline(__always) func lanes(_ p: Int, _ offset: Int) -> SIMD16<Float> {
        floatLanes(UnsafeRawPointer(value(p) + offset).loadUnaligned(as: SIMD16<Float16>.self))
    }
    let raw = UnsafeMutableRawPointer(out)
    @inline(__always) func start(_ offset: Int) -> SIMD16<Float> {
        adding ? raw.loadUnaligned(fromByteOffset: 4 * offset, as: SIMD16<Float>.self) : SIMD16<Float>()
    }
    var c = 0
    while c + 64 <= count {
        var a0 = start(c), a1 = start(c + 16), a2 = start(c + 32), a3 = start(c + 48)
        for p in positions {
            let w = weights[p] * scale
            a0 = a0 + w * lanes(p, c); a1 = a1 + w * lanes(p, c + 16)
            a2 = a2 + w * lanes(p, c + 32); a3 = a3 + w * lanes(p, c + 48)
        }
        raw.storeBytes(of: a0, toByteOffset: 4 * c, as: SIMD16<Float>.self)
        raw.storeBytes(of: a1, toByteOffset: 4 * (c + 16), as: SIMD16<Float>.self)
        raw.storeBytes(of: a2, toByteOffset: 4 * (c + 32), as: SIMD16<Float>.self)
        raw.storeBytes(of: a3, toByteOffset: 4 * (c + 48), as: SIMD16<Float>.self)
        c += 64
    }
    while c + 16 <= count {
        var a = start(c)
        for p in positions { a = a + (weights[p] * scale) * lanes(p, c) }
        raw.storeBytes(of: a, toByteOffset: 4 * c, as: SIMD16<Float>.self)
        c += 16
    }
    while c < count {
        var a: Float = adding ? out[c] : 0
        for p in positions { a = a + (weights[p] * scale) * Float(value(p)[c]) }
        out[c] = a
        c += 1
    }
}

