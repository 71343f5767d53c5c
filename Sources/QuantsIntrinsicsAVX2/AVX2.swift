// The kernels' integer multiply-accumulates on AVX2, with the semantics of the AVX-512 VNNI module's functions
// of the same names (see QuantsIntrinsicsAVX512VNNI), through the compiler's `Builtin` module (this target is
// built with `-parse-stdlib`, hence the explicit `import Swift`) and compiled for haswell (x86-64-v3).
//
// AVX2 has no u8 x s8 -> s32 accumulate. `vpmaddubsw` multiplies u8 x s8 and adds adjacent pairs into int16
// *with saturation*; `vpmaddwd` by ones then adds adjacent int16 pairs into int32 exactly. A pair saturates
// only if |u1*s1 + u2*s2| > 32767: impossible for unsigned bytes below 128 (at most 2*127*128 = 32512), which
// is every weight type but Q8_0 (stored as q + 128, up to 255). For the full byte range the unsigned bytes are
// split into their low seven bits and their top bit (0 or 128): each part's pairs stay within int16
// (2*127*128 and -2*128*128 = -32768), so both sums are exact. (llama.cpp instead moves the weight's sign onto
// the activation, `vpsignb`, which needs activations above -128; Q8_K activations reach -128, and our packed
// layouts keep weights unsigned for every path.)
//
// The kernels work on 16-lane (512-bit) vectors; LLVM splits them into two ymm halves, and so do these.
import Swift

/// `vpmaddubsw` then `vpmaddwd` by ones: per 32-bit lane, the sum of the four u8(a) x s8(b) byte products,
/// exact while no adjacent pair of products sums beyond int16.
@_transparent @usableFromInline
func byteQuadSums(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> {
    var pairs = SIMD16<Int16>()
    pairs._storage._value = Builtin.int_x86_avx2_pmadd_ub_sw(
        unsafeBitCast(a, to: SIMD32<UInt8>.self)._storage._value, unsafeBitCast(b, to: SIMD32<Int8>.self)._storage._value)
    return halfWordPairSums(pairs, SIMD16(repeating: 1))
}

/// `vpmaddwd`: per 32-bit lane, `s16(a.lo)*s16(b.lo) + s16(a.hi)*s16(b.hi)`.
@_transparent @usableFromInline
func halfWordPairSums(_ a: SIMD16<Int16>, _ b: SIMD16<Int16>) -> SIMD8<Int32> {
    var out = SIMD8<Int32>()
    out._storage._value = Builtin.int_x86_avx2_pmadd_wd(a._storage._value, b._storage._value)
    return out
}

/// Per 32-bit lane, `acc + u8(a.byte0)*s8(b.byte0) + ... + u8(a.byte3)*s8(b.byte3)`, exact for all byte values
/// (the top-bit split above): four `vpmaddubsw`, four `vpmaddwd` per 64 products.
@_transparent
public func dotBytesAccumulate(_ acc: SIMD16<Int32>, unsigned a: SIMD16<Int32>, signed b: SIMD16<Int32>) -> SIMD16<Int32> {
    let low = a & 0x7F7F_7F7F, top = a & Int32(bitPattern: 0x8080_8080)
    let lowSums = SIMD16(lowHalf: byteQuadSums(low.lowHalf, b.lowHalf), highHalf: byteQuadSums(low.highHalf, b.highHalf))
    let topSums = SIMD16(lowHalf: byteQuadSums(top.lowHalf, b.lowHalf), highHalf: byteQuadSums(top.highHalf, b.highHalf))
    return acc &+ lowSums &+ topSums
}

/// `dotBytesAccumulate` for unsigned bytes below 128 (nibbles, 5- and 6-bit quants): two `vpmaddubsw`, two
/// `vpmaddwd` per 64 products.
@_transparent
public func dotSmallBytesAccumulate(_ acc: SIMD16<Int32>, unsigned a: SIMD16<Int32>, signed b: SIMD16<Int32>) -> SIMD16<Int32> {
    acc &+ SIMD16(lowHalf: byteQuadSums(a.lowHalf, b.lowHalf), highHalf: byteQuadSums(a.highHalf, b.highHalf))
}

/// Per 32-bit lane, `acc + s16(a.lo)*s16(b.lo) + s16(a.hi)*s16(b.hi)` (wrapping), as `vpdpwssd`.
@_transparent
public func dotHalfWordsAccumulate(_ acc: SIMD16<Int32>, _ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> {
    acc &+ SIMD16(lowHalf: halfWordPairSums(unsafeBitCast(a.lowHalf, to: SIMD16<Int16>.self), unsafeBitCast(b.lowHalf, to: SIMD16<Int16>.self)),
                  highHalf: halfWordPairSums(unsafeBitCast(a.highHalf, to: SIMD16<Int16>.self), unsafeBitCast(b.highHalf, to: SIMD16<Int16>.self)))
}
