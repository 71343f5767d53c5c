// AVX-512 VNNI multiply-accumulates, called through the compiler's `Builtin` module (this target is built with
// `-parse-stdlib`, hence the explicit `import Swift`). One of three modules with the same three functions
// (Generic, AVX2, AVX512VNNI); each build of the kernel source imports one (see Package.swift).
//
// Why Builtins: LLVM forms `vpdpbusd` from plain Swift only when a whole loop reduces u8 x s8 products to one
// scalar (the pattern its X86 lowering matches), which per-block scales rule out, and declaring the intrinsic
// with `@_silgen_name` crashes the compiler (SIMD16 is returned indirectly). `Builtin.int_<name>` names any LLVM
// intrinsic with its IR vector types, and `@_transparent` inlines the call into the caller's loop, where it
// lowers to a single instruction, with a broadcast activation folded in as a `{1to16}` memory operand.
//
// Compiled for cascadelake (AVX-512 F/CD/BW/DQ/VL + VNNI): in a module built for a CPU without AVX-512 these
// calls crash LLVM's instruction selection, and on such a CPU they would fault. Only the QuantsAVX512VNNI
// kernels import this module, and the dispatcher enters them only when CPUID reports those features.
import Swift

/// `vpdpbusd`: per 32-bit lane, `acc + u8(a.byte0)*s8(b.byte0) + ... + u8(a.byte3)*s8(b.byte3)` (wrapping; the
/// first operand's bytes are unsigned, the second's signed): 64 multiply-adds per instruction, exact for all
/// byte values.
@_transparent
public func dotBytesAccumulate(_ acc: SIMD16<Int32>, unsigned a: SIMD16<Int32>, signed b: SIMD16<Int32>) -> SIMD16<Int32> {
    var out = acc
    out._storage._value = Builtin.int_x86_avx512_vpdpbusd_512(acc._storage._value, a._storage._value, b._storage._value)
    return out
}

/// `dotBytesAccumulate` for unsigned bytes below 128 (nibbles, 5- and 6-bit quants). With VNNI the same
/// instruction; the AVX2 module has a shorter sequence for this range.
@_transparent
public func dotSmallBytesAccumulate(_ acc: SIMD16<Int32>, unsigned a: SIMD16<Int32>, signed b: SIMD16<Int32>) -> SIMD16<Int32> {
    dotBytesAccumulate(acc, unsigned: a, signed: b)
}

/// `vpdpwssd`: per 32-bit lane, `acc + s16(a.lo)*s16(b.lo) + s16(a.hi)*s16(b.hi)` (wrapping): 32 multiply-adds.
@_transparent
public func dotHalfWordsAccumulate(_ acc: SIMD16<Int32>, _ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> {
    var out = acc
    out._storage._value = Builtin.int_x86_avx512_vpdpwssd_512(acc._storage._value, a._storage._value, b._storage._value)
    return out
}
