import GGUF
import Quants

/// A 64-byte aligned, zeroed byte buffer freed with its owner: kernel inputs and outputs for tests and benchmarks.
public final class AlignedBuffer {
    public let raw: UnsafeMutableRawPointer
    public let count: Int

    public init(bytes: Int) {
        count = bytes
        raw = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 1))
    }

    deinit { raw.deallocate() }

    public var floats: UnsafeMutablePointer<Float> { raw.assumingMemoryBound(to: Float.self) }
}

/// Byte offsets of the f16 scale/min fields in a block of `type` (ggml's block layouts: `d` first, then `m` or
/// `dmin` where present; Q6_K keeps `d` after ql[128], qh[64] and scales[16]); none for the float types.
public func halfFieldOffsets(_ type: GGMLType) -> [Int] {
    switch type {
    case .q4_0, .q5_0, .q8_0: return [0]
    case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
    case .q6_K: return [208]
    default: return []
    }
}

/// `rows` rows of `count` elements of `type`: uniformly random bytes (every quant and packed-scale bit pattern
/// is legal), with the f16 scales replaced by finite values in [-scale, scale] (random bits there could be NaN
/// or infinity, which no real model holds). Float types get values in [-1, 1].
public func randomRows(_ type: GGMLType, rows: Int = 1, count: Int, scale: Float = 0.05,
                       using rng: inout SeededGenerator) -> AlignedBuffer {
    guard let rowBytes = type.byteCount(elements: count) else {
        preconditionFailure("\(count) elements are not whole \(type) blocks")
    }
    let bytes = rowBytes * rows
    let buffer = AlignedBuffer(bytes: bytes)
    for i in 0..<bytes { buffer.raw.storeBytes(of: UInt8.random(in: 0...255, using: &rng), toByteOffset: i, as: UInt8.self) }
    switch type {
    case .f32:
        for i in 0..<rows * count { buffer.raw.storeBytes(of: Float.random(in: -1...1, using: &rng), toByteOffset: 4 * i, as: Float.self) }
    case .f16:
        for i in 0..<rows * count { buffer.raw.storeBytes(of: Float16(Float.random(in: -1...1, using: &rng)), toByteOffset: 2 * i, as: Float16.self) }
    case .bf16:
        for i in 0..<rows * count {
            buffer.raw.storeBytes(of: FloatRows.floatToBF16(Float.random(in: -1...1, using: &rng)), toByteOffset: 2 * i, as: UInt16.self)
        }
    default:
        for b in 0..<bytes / type.blockBytes {
            for o in halfFieldOffsets(type) {
                buffer.raw.storeBytes(of: Float16(Float.random(in: -scale...scale, using: &rng)),
                                      toByteOffset: b * type.blockBytes + o, as: Float16.self)
            }
        }
    }
    return buffer
}

/// `count` floats drawn uniformly from `range`: activations for the kernels.
public func randomFloats(_ count: Int, range: ClosedRange<Float> = -2...2, using rng: inout SeededGenerator) -> AlignedBuffer {
    let buffer = AlignedBuffer(bytes: 4 * count)
    for i in 0..<count { buffer.floats[i] = Float.random(in: range, using: &rng) }
    return buffer
}
