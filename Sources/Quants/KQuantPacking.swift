// Packing of Q8_K activations for the K-quant SIMD dots (Q4_K, Q5_K, Q6_K).
//
// Each super-block's 256 weight quants are read as two 64-byte vectors (the nibble bytes of 128 elements each),
// cut into four int16-pair vectors per the rule in `packWidenedVectors`. The packing puts the matching Q8_K
// quants, widened to int16, in that order, plus per-super-block values each kernel needs (documented there).

enum KQuantPacking {
    static func packedOffset(count: Int) -> Int { alignedTo64(count / Q8_K.blockElements * Q8_K.blockBytes) }

    /// Widens and permutes one Q8_K block's quants: 2 x 4 vectors (512 bytes) at `out`, where half `h`'s byte
    /// `byte`/nibble `high` multiplies element `element(h, byte, high)`.
    @inline(__always)
    static func packQuants(_ block: UnsafeRawPointer, into out: UnsafeMutableRawPointer, halfStride: Int,
                           element: (_ half: Int, _ byte: Int, _ high: Bool) -> Int) {
        let q = block.advanced(by: Q8_K.qsOffset).assumingMemoryBound(to: Int8.self)
        for h in 0..<2 {
            packWidenedVectors(q, vectorCount: 4, into: out + h * halfStride) { byte, high in element(h, byte, high) }
        }
    }

    @inline(__always)
    static func bsum(_ block: UnsafeRawPointer, _ j: Int) -> Int32 {
        Int32(block.loadUnaligned(fromByteOffset: Q8_K.bsumsOffset + 2 * j, as: Int16.self))
    }

    @inline(__always)
    static func scale(_ block: UnsafeRawPointer) -> Float { block.loadUnaligned(as: Float.self) }
}
