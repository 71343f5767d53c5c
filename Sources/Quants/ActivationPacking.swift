// The activation side of the integer dot products.
//
// llama.cpp quantizes the activation vector once per matrix-vector product (`vec_dot_type`: Q8_0, Q8_1 or Q8_K)
// and every weight row is dotted against it. We do the same, and then additionally *pack* the quantized
// activation for the SIMD kernels: its int8 quants are widened to int16 and permuted into exactly the order in
// which a kernel unpacks one 64-byte vector of weight quants, so that the kernel's inner loop is bit operations
// plus `vpdpwssd` with the activation as a memory operand. The packing costs O(cols) once per product and is
// reused by all rows; the weights, read once per row, are never rearranged.
//
// Activation buffer of one product (sizes from `QuantKernels.activationBytes`):
//   [ggml blocks of the activation type]   the specification; the scalar references and tails read these
//   [padding to 64 bytes]
//   [packed groups]                        kernel-specific, documented beside each kernel

/// Round `n` up to a multiple of 64 (one cache line, one zmm register).
@inline(__always)
func alignedTo64(_ n: Int) -> Int { (n + 63) & ~63 }

/// Bytes of one packed "pair vector": 32 int16 lanes = one zmm.
let packedVectorBytes = 64

/// Writes `vectorCount` widened activation vectors for one packed group.
///
/// The weight kernels view 64 bytes of weight quants as 16 little-endian UInt32 lanes, as one "byte plane" (8-bit
/// quants) or two (the low and the high nibbles of 4-bit quants), and `bytePlaneDot` multiplies byte `b` of
/// lane `k` with int16 lane `2k + b / 2` of activation vector `b % 2`. Vector `p` of the group here serves plane
/// `p >> 1` (high nibbles for `p >= 2`), bytes `4k + (p & 1)` (low half) and `4k + (p & 1) + 2` (high half).
/// `element` maps (byte, nibble) of the weight vector to the activation element it multiplies.
@inline(__always)
func packWidenedVectors(
    _ quants: UnsafePointer<Int8>, vectorCount: Int,
    into out: UnsafeMutableRawPointer, element: (_ byte: Int, _ highNibble: Bool) -> Int
) {
    let lanes = out.assumingMemoryBound(to: Int16.self)
    for p in 0..<vectorCount {
        for t in 0..<32 {
            let byte = 4 * (t >> 1) + (p & 1) + 2 * (t & 1)
            lanes[p * 32 + t] = Int16(quants[element(byte, p >= 2)])
        }
    }
}

/// Stores a vector at `offset` (kernels read them back with unaligned loads; 64-byte alignment is only faster).
@inline(__always)
func storeLanes<V: SIMD>(_ v: V, _ base: UnsafeMutableRawPointer, _ offset: Int) {
    base.storeBytes(of: v, toByteOffset: offset, as: V.self)
}

