// The kernels' integer multiply-accumulates in plain Swift vector arithmetic, with the semantics of the AVX-512
// VNNI module's functions of the same names (see QuantsIntrinsicsAVX512VNNI): the `generic` kernel path, and
// the specification the two instruction-level modules are tested against. Compiled at the package baseline.
import Swift

/// `vpdpbusd`: per 32-bit lane, `acc + u8(a.byte0)*s8(b.byte0) + ... + u8(a.byte3)*s8(b.byte3)` (wrapping; the
/// first operand's bytes are unsigned, the second's signed): 64 multiply-adds, exact for all byte values.
@inlinable @inline(__always)
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

/// `dotBytesAccumulate` for unsigned bytes below 128; the same arithmetic here.
@inlinable @inline(__always)
public func dotSmallBytesAccumulate(_ acc: SIMD16<Int32>, unsigned a: SIMD16<Int32>, signed b: SIMD16<Int32>) -> SIMD16<Int32> {
    dotBytesAccumulate(acc, unsigned: a, signed: b)
}

/// `vpdpwssd`: per 32-bit lane, `acc + s16(a.lo)*s16(b.lo) + s16(a.hi)*s16(b.hi)` (wrapping): 32 multiply-adds.
@inlinable @inline(__always)
public func dotHalfWordsAccumulate(_ acc: SIMD16<Int32>, _ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> {
    acc &+ ((a &<< 16) &>> 16) &* ((b &<< 16) &>> 16) &+ (a &>> 16) &* (b &>> 16)
}
