// The integer multiply-accumulates every quantized dot is built on, with the semantics of AVX-512 VNNI's
// `vpdpbusd` and `vpdpwssd`, written in plain Swift vector arithmetic so that they compile for any x86-64 CPU
// (the earlier `Builtin.int_x86_avx512_*` calls crash LLVM's instruction selection on CPUs without AVX-512).
// Per-CPU instruction choices belong behind a run-time dispatch, one per matrix.
import Swift

/// `vpdpbusd`: per 32-bit lane, `acc + u8(a.byte0)*s8(b.byte0) + ... + u8(a.byte3)*s8(b.byte3)` (wrapping; the
/// first operand's bytes are unsigned, the second's signed): 64 multiply-adds.
@inline(__always)
public func dotBytesAccumulate(_ acc: SIMD16<Int32>, unsigned a: SIMD16<Int32>, signed b: SIMD16<Int32>) -> SIMD16<Int32> {
    let byteMask = SIMD16<Int32>(repeating: 0xFF)
    // Unsigned bytes: shift down and mask; signed bytes: shift the byte to the top, then arithmetic shift down.
    var out = acc
    out &+= (a & byteMask) &* ((b &<< 24) &>> 24)
    out &+= ((a &>> 8) & byteMask) &* ((b &<< 16) &>> 24)
    out &+= ((a &>> 16) & byteMask) &* ((b &<< 8) &>> 24)
    out &+= ((a &>> 24) & byteMask) &* (b &>> 24)
    return out
}

/// `vpdpwssd`: per 32-bit lane, `acc + s16(a.lo)*s16(b.lo) + s16(a.hi)*s16(b.hi)` (wrapping): 32 multiply-adds.
@inline(__always)
public func dotHalfWordsAccumulate(_ acc: SIMD16<Int32>, _ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> {
    acc &+ ((a &<< 16) &>> 16) &* ((b &<< 16) &>> 16) &+ (a &>> 16) &* (b &>> 16)
}
