#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One token still in the running (`llama_token_data`).
public struct Candidate: Equatable, Sendable {
    public var id: Int32
    public var logit: Float
    /// Valid only after `CandidateBuffer.softmax()` and until the logits or the set change.
    public var probability: Float
}

/// The candidate set the sampling stages narrow down (`llama_token_data_array`), in storage allocated once.
///
/// Candidates start in id order and unsorted; stages that need an order sort them by descending logit, with
/// ties going to the lower id. That total order makes every result independent of the algorithm that
/// produced it, so partial selection and a full sort agree exactly.
///
/// Every loop over the whole vocabulary lives in this file, as a concrete method rather than one taking a
/// closure from another file: without whole-module optimization Swift does not inline across files, and a
/// call per element on 262,144 candidates costs milliseconds.
public struct CandidateBuffer {
    private let storage: UnsafeMutableBufferPointer<Candidate>
    /// How many candidates are still in the running (they occupy the first `count` slots).
    public private(set) var count = 0
    /// Whether the candidates are in descending logit order.
    public private(set) var isSorted = false
    /// Whether `probability` holds the softmax of the current candidates' logits.
    public private(set) var hasProbabilities = false

    /// Reserves room for `capacity` candidates. The owner frees the storage with `deallocate()`.
    init(capacity: Int) {
        storage = .allocate(capacity: max(capacity, 1))
    }

    func deallocate() { storage.deallocate() }

    public var capacity: Int { storage.count }

    public subscript(index: Int) -> Candidate {
        get { storage[index] }
    }

    /// Starts over from a full set of logits, in id order. NaN logits (a broken model, never a real choice)
    /// become -infinity so they can neither win nor upset the ordering.
    mutating func load(_ logits: UnsafeBufferPointer<Float>) {
        precondition(logits.count <= storage.count, "more logits than the sampler's vocabulary size")
        for (i, logit) in logits.enumerated() {
            storage[i] = Candidate(id: Int32(i), logit: logit.isNaN ? -.infinity : logit, probability: 0)
        }
        count = logits.count
        isSorted = logits.count <= 1
        hasProbabilities = false
    }

    /// Changes one logit. While unsorted, candidate `i` is token `i`, which is how penalties find tokens.
    mutating func setLogit(_ logit: Float, at index: Int) {
        storage[index].logit = logit
        hasProbabilities = false
    }

    /// Multiplies every remaining logit by `factor` (positive, so the order is kept).
    mutating func scaleLogits(by factor: Float) {
        for i in 0..<count { storage[i].logit *= factor }
        hasProbabilities = false
    }

    /// Keeps the first `newCount` candidates, which must already be in descending order (`sortBest`).
    mutating func truncate(to newCount: Int) {
        count = max(1, min(count, newCount))
        isSorted = true
        hasProbabilities = false
    }

    /// Keeps the candidates whose logit is at least `threshold`, in their current order.
    mutating func retainLogits(atLeast threshold: Float) {
        retain { $0.logit >= threshold }
    }

    /// Keeps the candidates whose (current) probability is at least `threshold`, in their current order;
    /// the probabilities are kept too, so they still refer to the set they were computed over.
    mutating func retainProbabilities(atLeast threshold: Float) {
        retain { $0.probability >= threshold }
    }

    /// Keeps the candidates a grammar allows, in their current order. The caller makes sure at least one is
    /// allowed (otherwise the best one stays, as in `retain`).
    mutating func retainAllowed(_ mask: TokenMask) {
        retain { mask.contains($0.id) }
    }

    /// Keeps the candidates for which `keep` holds, in their current order (so a sorted set stays sorted).
    /// At least one candidate always survives: if none would, the best one stays.
    @inline(__always)
    private mutating func retain(where keep: (Candidate) -> Bool) {
        var kept = 0
        for i in 0..<count where keep(storage[i]) {
            storage[kept] = storage[i]
            kept += 1
        }
        if kept == 0 {
            storage[0] = storage[indexOfBest()]
            kept = 1
        }
        count = kept
        hasProbabilities = false
    }

    // MARK: Order

    /// The order every stage agrees on: higher logit first, then lower id.
    @inline(__always)
    static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        a.logit > b.logit || (a.logit == b.logit && a.id < b.id)
    }

    /// Index of the best candidate (greedy's choice), in one pass.
    func indexOfBest() -> Int {
        if isSorted { return 0 }
        var best = 0
        for i in 1..<max(count, 1) where Self.precedes(storage[i], storage[best]) { best = i }
        return best
    }

    /// Keeps only the best `k` candidates, in descending order (top-k).
    mutating func keepBest(_ k: Int) {
        sortBest(k)
        count = max(1, min(k, count))
        isSorted = true
        hasProbabilities = false
    }

    /// Moves the best `k` candidates to the front in descending order, keeping the others (unordered) behind
    /// them, without sorting the whole set: a heap of the `k` best seen so far, whose root is the worst of
    /// them, is compared with each remaining candidate — O(n log k), and for n = 262,144, k = 40 nearly every
    /// candidate costs one compare. Probabilities travel with their candidates and stay valid.
    mutating func sortBest(_ k: Int) {
        guard k < count else { return sortDescending() }
        let k = max(k, 1)
        let heap = UnsafeMutableBufferPointer(rebasing: storage[0..<k])
        Self.buildHeap(heap)
        for i in k..<count where Self.precedes(storage[i], heap[0]) {
            storage.swapAt(0, i)
            Self.siftDown(heap, from: 0, size: k)
        }
        Self.sortHeap(heap)
    }

    /// Sorts the remaining candidates by descending logit. Heapsort: in place, O(n log n), allocation-free
    /// (the standard library's sort may allocate a merge buffer).
    mutating func sortDescending() {
        guard !isSorted else { return }
        let all = UnsafeMutableBufferPointer(rebasing: storage[0..<count])
        Self.buildHeap(all)
        Self.sortHeap(all)
        isSorted = true
    }

    // A heap whose root is the *worst* candidate (the one that precedes nothing); repeatedly moving the root
    // to the end of the shrinking heap leaves the buffer in descending order.

    private static func buildHeap(_ heap: UnsafeMutableBufferPointer<Candidate>) {
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(heap, from: i, size: heap.count)
        }
    }

    private static func sortHeap(_ heap: UnsafeMutableBufferPointer<Candidate>) {
        var size = heap.count
        while size > 1 {
            size -= 1
            heap.swapAt(0, size)
            siftDown(heap, from: 0, size: size)
        }
    }

    @inline(__always)
    private static func siftDown(_ heap: UnsafeMutableBufferPointer<Candidate>, from start: Int, size: Int) {
        var parent = start
        let item = heap[parent]
        while true {
            var child = 2 * parent + 1
            guard child < size else { break }
            // Pick the worse child; it moves up if it is worse than the item.
            if child + 1 < size, precedes(heap[child], heap[child + 1]) { child += 1 }
            guard precedes(item, heap[child]) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = item
    }

    // MARK: Probabilities

    /// Sets each remaining candidate's probability to the softmax of the remaining logits.
    mutating func softmax() {
        guard !hasProbabilities else { return }
        let scale = Float(1 / exponentiate())
        for i in 0..<count { storage[i].probability *= scale }
        hasProbabilities = true
    }

    /// Sets each remaining candidate's `probability` to the unnormalized weight exp(logit − max) and returns
    /// the weights' sum, which is what a draw needs (it scales its target instead of the weights). Subtracting
    /// the largest logit keeps `exp` from overflowing; that term is exactly 1, so the sum is at least 1. The sum
    /// is kept in Double: over a flat quarter-million-token distribution a Float sum drifts by about 1e-5,
    /// several tokens' worth of probability, which would move the top-p boundary.
    mutating func exponentiate() -> Double {
        let maximum = storage[indexOfBest()].logit
        let shift = maximum == -.infinity ? 0 : maximum  // all -inf: exp(-inf - -inf) would be NaN; treat as equal
        for i in 0..<count { storage[i].probability = expf(storage[i].logit - shift) }
        // A separate pass with four independent sums: one running Double sum would serialize on add latency.
        var sums: (Double, Double, Double, Double) = (0, 0, 0, 0)
        var i = 0
        while i + 4 <= count {
            sums.0 += Double(storage[i].probability)
            sums.1 += Double(storage[i + 1].probability)
            sums.2 += Double(storage[i + 2].probability)
            sums.3 += Double(storage[i + 3].probability)
            i += 4
        }
        while i < count {
            sums.0 += Double(storage[i].probability)
            i += 1
        }
        hasProbabilities = false
        return (sums.0 + sums.1) + (sums.2 + sums.3)
    }

    // MARK: Walks over the running sum

    /// The length of the shortest prefix of the first `prefix` candidates (sorted) whose probabilities reach
    /// `p`, or nil when even all `prefix` fall short. Summed in Double, for the reason given at `exponentiate`.
    func nucleusLength(reaching p: Float, within prefix: Int) -> (length: Int?, sum: Double) {
        var cumulative: Double = 0
        for i in 0..<prefix {
            cumulative += Double(storage[i].probability)
            if cumulative >= Double(p) { return (i + 1, cumulative) }
        }
        return (nil, cumulative)
    }

    /// The candidate in whose interval of the running sum of `probability` (weights, after `exponentiate`)
    /// `target` falls. A target at or past the total (only through rounding) gives the last candidate.
    func id(atCumulativeWeight target: Double) -> Int32 {
        var cumulative: Double = 0
        for i in 0..<count {
            cumulative += Double(storage[i].probability)
            if target < cumulative { return storage[i].id }
        }
        return storage[count - 1].id
    }
}
