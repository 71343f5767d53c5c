// Packing of Q8_K activations for the K-quant SIMD dots (Q4_K, Q5_K, Q6_K).
//
// Each super-block's 256 weight quants are read as two 64-byte vectors per 128 elements, a low and a high byte
// plane (see `storeBytePlane`). The packing puts the matching Q8_K quants in that byte order, plus the
// per-super-block values each kernel needs (documented there).

enum KQuantPacking {
    static func packedOffset(count: Int) -> Int { alignedTo64(count / Q8_K.blockElements * Q8_K.blockBytes) }

    /// Widens one Q8_K block's quants for a kernel whose weight vectors hold, per 128-element half `h`, a low and
    /// a high plane: `runs(h, high)` gives the element offsets of the two 32-quant runs behind weight bytes 0..31
    /// and 32..63 of that plane. Writes the half's low plane at `out + h * halfStride`, its high plane right after.
    @inline(__always)
    static func packQuants(_ block: UnsafeRawPointer, into out: UnsafeMutableRawPointer, halfStride: Int,
                           runs: (_ half: Int, _ high: Bool) -> (Int, Int)) {
        let q = block + Q8_K.qsOffset
        for h in 0..<2 {
            for plane in 0..<2 {
                let high = plane == 1
                let (first, second) = runs(h, high)
                storeBytePlane(quantRuns(q + first, q + second), into: out + h * halfStride + (high ? bytePlaneBytes : 0))
            }
        }
    }

    @inline(__always)
    static func bsum(_ block: UnsafeRawPointer, _ j: Int) -> Int32 {
        Int32(block.loadUnaligned(fromByteOffset: Q8_K.bsumsOffset + 2 * j, as: Int16.self))
    }

    @inline(__always)
    static func scale(_ block: UnsafeRawPointer) -> Float { block.loadUnaligned(as: Float.self) }
}
