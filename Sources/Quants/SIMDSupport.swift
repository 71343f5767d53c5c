// This source is compiled once per instruction set (Package.swift, `kernelBuild`); the build's compilation
// condition picks the module of integer multiply-accumulates it is built on. Everything else is shared.
#if VELLUM_KERNELS_AVX512_VNNI
import QuantsIntrinsicsAVX512VNNI
#elseif VELLUM_KERNELS_AVX2
import QuantsIntrinsicsAVX2
#else
import QuantsIntrinsicsGeneric
#endif

// Vector building blocks shared by the kernels.
//
// Every helper here was checked in `objdump -d` of a release build with `-target-cpu native` (AVX-512 VNNI):
// stdlib element-type conversion initializers (`SIMD16<Float>(someInt32Vector)`) are lowered lane by lane,
// while a fixed 16-lane loop over subscripts is SLP-vectorized into one `vcvtdq2ps` (or `vpmovzxbd` for bytes);
// a `SIMD16(v[a], v[a], ..., v[b])` with constant indices becomes one `vpermd`; building vectors from broadcast
// words and variable shifts became long `vpinsrd`/blend chains (20% of the Q4_K loop before it was removed).
// Small changes to these expressions can lose those matches: check the disassembly after editing a kernel.

/// The integer heart of every quantized dot: `acc` plus, per 32-bit lane, the four products of the lane's four
/// unsigned weight bytes with the four int8 activations at the same byte positions of `x` (64 bytes, see
/// `storeBytePlane`): with AVX-512 VNNI one `vpdpbusd` with `x` as its memory operand, 64 products.
///
/// Weight quants are unsigned here and below 128 (nibbles, five- and six-bit values; Q8_0 takes
/// `fullRangeBytePlaneDot`), so that AVX2's int16 pair sums cannot saturate, and four products never overflow a
/// lane: the sums are exact and equal, lane for lane, to the scalar reference's integer sums on every path.
/// (The earlier formulation, int8 activations widened to 32-bit lanes and four `vpdpwssd` per 64 products, read
/// four times the activation bytes per weight vector: qwen 1.5B decode was bound by that, not by the weights.)
@inline(__always)
func bytePlaneDot(_ acc: SIMD16<Int32>, _ plane: SIMD16<UInt32>, _ x: UnsafeRawPointer) -> SIMD16<Int32> {
    multiplyAddBytes(acc, unsafeBitCast(plane, to: SIMD16<Int32>.self), x.loadUnaligned(as: SIMD16<Int32>.self),
                     fullRange: false)
}

/// `bytePlaneDot` for unsigned weight bytes of the whole range 0...255 (Q8_0's quants with the sign bit flipped).
@inline(__always)
func fullRangeBytePlaneDot(_ acc: SIMD16<Int32>, _ plane: SIMD16<UInt32>, _ x: UnsafeRawPointer) -> SIMD16<Int32> {
    multiplyAddBytes(acc, unsafeBitCast(plane, to: SIMD16<Int32>.self), x.loadUnaligned(as: SIMD16<Int32>.self),
                     fullRange: true)
}

/// This build's u8 x s8 multiply-accumulate (`vpdpbusd` semantics); `fullRange: false` promises unsigned
/// bytes below 128, which AVX2 does in half the instructions. Callers pass a constant.
@inline(__always)
func multiplyAddBytes(_ acc: SIMD16<Int32>, _ unsigned: SIMD16<Int32>, _ signed: SIMD16<Int32>, fullRange: Bool) -> SIMD16<Int32> {
    fullRange ? dotBytesAccumulate(acc, unsigned: unsigned, signed: signed)
              : dotSmallBytesAccumulate(acc, unsigned: unsigned, signed: signed)
}

/// This build's s16 x s16 pair multiply-accumulate (`vpdpwssd` semantics).
@inline(__always)
func multiplyAddHalfWords(_ acc: SIMD16<Int32>, _ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> {
    dotHalfWordsAccumulate(acc, a, b)
}

/// Int32 lanes to Float lanes (one `vcvtdq2ps`).
@inline(__always)
func floatLanes(_ v: SIMD16<Int32>) -> SIMD16<Float> {
    var r = SIMD16<Float>()
    for i in 0..<16 { r[i] = Float(v[i]) }
    return r
}

@inline(__always)
func floatLanes(_ v: SIMD8<Int32>) -> SIMD8<Float> {
    var r = SIMD8<Float>()
    for i in 0..<8 { r[i] = Float(v[i]) }
    return r
}

/// IEEE half lanes to Float lanes (one `vcvtph2ps`). Public for the F16 KV cache's attention in Inference.
@inlinable @inline(__always)
public func floatLanes(_ v: SIMD16<Float16>) -> SIMD16<Float> {
    var r = SIMD16<Float>()
    for i in 0..<16 { r[i] = Float(v[i]) }
    return r
}

@inline(__always)
func floatLanes(_ v: SIMD8<Float16>) -> SIMD8<Float> {
    var r = SIMD8<Float>()
    for i in 0..<8 { r[i] = Float(v[i]) }
    return r
}

/// Sum of all lanes as a balanced tree (the stdlib's `sum()` adds strictly left to right, 15 dependent adds).
@inlinable @inline(__always)
public func horizontalSum(_ v: SIMD16<Float>) -> Float {
    let v8 = v.lowHalf + v.highHalf
    let v4 = v8.lowHalf + v8.highHalf
    let v2 = v4.lowHalf + v4.highHalf
    return v2.x + v2.y
}

@inline(__always)
func horizontalSum(_ v: SIMD8<Float>) -> Float {
    let v4 = v.lowHalf + v.highHalf
    let v2 = v4.lowHalf + v4.highHalf
    return v2.x + v2.y
}

/// Reads a little-endian IEEE half at `offset` (blocks are unaligned, so never through struct layout).
@inline(__always)
func loadHalf(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    Float(p.loadUnaligned(fromByteOffset: offset, as: Float16.self))
}

/// Four block scales, one per 128-bit lane group: lanes 4i..4i+3 = s[i].
@inline(__always)
func spreadPerQuarter(_ s: SIMD4<Float>) -> SIMD16<Float> {
    SIMD16(s[0], s[0], s[0], s[0], s[1], s[1], s[1], s[1], s[2], s[2], s[2], s[2], s[3], s[3], s[3], s[3])
}

/// Two block scales, one per 256-bit half.
@inline(__always)
func spreadPerHalf(_ a: Float, _ b: Float) -> SIMD16<Float> {
    SIMD16(lowHalf: SIMD8(repeating: a), highHalf: SIMD8(repeating: b))
}

/// Round half away from zero, as C `roundf` (ggml's quantize_row_q8_0_ref).
@inline(__always)
func roundHalfAway(_ x: Float) -> Float { x.rounded(.toNearestOrAwayFromZero) }

/// ggml's `nearest_int`: round half to even by adding 1.5 * 2^23 and reading the mantissa (|x| <= 2^22).
@inline(__always)
func nearestInt(_ x: Float) -> Int32 {
    let bits = (x + 12_582_912.0).bitPattern
    return Int32(bitPattern: bits & 0x007F_FFFF) &- 0x0040_0000
}
