// The activation side of the integer dot products.
//
// llama.cpp quantizes the activation vector once per matrix-vector product (`vec_dot_type`: Q8_0, Q8_1 or Q8_K)
// and every weight row is dotted against it. We do the same, and then additionally *pack* the quantized
// activation for the SIMD kernels: its int8 quants are permuted into exactly the byte order in which a kernel
// unpacks one 64-byte vector of weight quants, so that the kernel's inner loop is a few bit operations plus one
// `vpdpbusd` per 64 products with the activation as a memory operand (see `bytePlaneDot`). The packing costs
// O(cols) once per product and is reused by all rows; the weights, read once per row, are never rearranged.
//
// Activation buffer of one product (sizes from `QuantKernels.activationBytes`):
//   [ggml blocks of the activation type]   the specification; the scalar references and tails read these
//   [padding to 64 bytes]
//   [packed groups]                        kernel-specific, documented beside each kernel

/// Round `n` up to a multiple of 64 (one cache line, one zmm register).
@inline(__always)
func alignedTo64(_ n: Int) -> Int { (n + 63) & ~63 }

/// Bytes of one byte plane: the 64 activation quants that one 64-byte vector of weight quants multiplies.
let bytePlaneBytes = 64

/// Stores 64 activation quants, already in the byte order of the weight plane they multiply, for `bytePlaneDot`.
///
/// The weight kernels view 64 bytes of weight quants as 16 little-endian 32-bit lanes: one "byte plane" (8-bit
/// quants) or two (the low and the high nibbles of 4-bit quants). Byte b of lane l multiplies byte 4l + b here.
@inline(__always)
func storeBytePlane(_ quants: SIMD16<Int32>, into out: UnsafeMutableRawPointer) {
    storeLanes(quants, out, 0)
}

/// 64 int8 quants as 16 lanes: 32 bytes from `first` (lanes 0-7), then 32 from `second` (lanes 8-15).
@inline(__always)
func quantRuns(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer) -> SIMD16<Int32> {
    SIMD16(lowHalf: first.loadUnaligned(as: SIMD8<Int32>.self), highHalf: second.loadUnaligned(as: SIMD8<Int32>.self))
}

/// Sum of 32 int8 quants.
@inline(__always)
func quantSum32(_ p: UnsafeRawPointer) -> Int32 {
    let v = p.loadUnaligned(as: SIMD8<Int32>.self)
    let s = ((v &<< 24) &>> 24) &+ ((v &<< 16) &>> 24) &+ ((v &<< 8) &>> 24) &+ (v &>> 24)
    let s4 = s.lowHalf &+ s.highHalf, s2 = s4.lowHalf &+ s4.highHalf
    return s2.x &+ s2.y
}

/// Stores a vector at `offset` (kernels read them back with unaligned loads; 64-byte alignment is only faster).
@inline(__always)
func storeLanes<V: SIMD>(_ v: V, _ base: UnsafeMutableRawPointer, _ offset: Int) {
    base.storeBytes(of: v, toByteOffset: offset, as: V.self)
}

