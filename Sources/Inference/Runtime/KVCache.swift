/// Keys and values of every layer for the tokens seen so far, stored as F16 (as llama.cpp does by default):
/// half the memory traffic of F32 for attention, at a precision loss far below the quantization noise.
///
/// Layout: `[layer][position][kvHead * headDim]`. The cache never wraps: when `capacity` is reached the
/// next evaluation fails with `ModelError.contextFull` instead of overwriting what the model relies on.
public final class KVCache: @unchecked Sendable {
    public let layerCount: Int
    public let capacity: Int
    public let kvDim: Int
    let keys: UnsafeMutablePointer<Float16>
    let values: UnsafeMutablePointer<Float16>
    /// Positions 0..<count hold valid entries.
    public internal(set) var count = 0

    public init(layerCount: Int, capacity: Int, kvDim: Int) {
        self.layerCount = layerCount
        self.capacity = capacity
        self.kvDim = kvDim
        let total = layerCount * capacity * kvDim
        keys = .allocate(capacity: total)
        values = .allocate(capacity: total)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    public var byteCount: Int { 2 * layerCount * capacity * kvDim * MemoryLayout<Float16>.size }

    @inline(__always) func key(layer: Int, position: Int) -> UnsafeMutablePointer<Float16> {
        keys + (layer * capacity + position) * kvDim
    }

    @inline(__always) func value(layer: Int, position: Int) -> UnsafeMutablePointer<Float16> {
        values + (layer * capacity + position) * kvDim
    }

    /// Forgets everything from `position` on, so a shared prompt prefix can be kept and the rest recomputed.
    public func truncate(to position: Int) {
        count = min(count, max(0, position))
    }
}
