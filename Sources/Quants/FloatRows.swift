import GGUF

// Float weight rows (F32, F16, BF16) dotted against F32 activations, and F16/BF16 <-> F32 row conversion
// (the KV cache is F16).
//
//   F16:  IEEE 754 binary16, little-endian (`ggml_fp16_t`)
//   BF16: the high 16 bits of an f32, little-endian (`ggml_bf16_t`); f32 -> bf16 rounds to nearest even and
//         keeps NaNs quiet, as ggml's `ggml_compute_fp32_to_bf16`
public enum FloatRows {
    /// Element `i` of a float row (scalar; for references and tests).
    @inline(__always)
    static func element(_ type: GGMLType, _ row: UnsafeRawPointer, _ i: Int) -> Float {
        switch type {
        case .f32: return row.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
        case .f16: return loadHalf(row, 2 * i)
        case .bf16: return bf16ToFloat(row.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        default: preconditionFailure("\(type) is not a float type")
        }
    }

    @inline(__always)
    public static func bf16ToFloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// `ggml_compute_fp32_to_bf16`: round to nearest even; NaN becomes a quiet NaN.
    @inline(__always)
    public static func floatToBF16(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        if (u & 0x7fff_ffff) > 0x7f80_0000 { return UInt16(truncatingIfNeeded: (u >> 16) | 64) }
        return UInt16(truncatingIfNeeded: (u &+ (0x7fff &+ ((u >> 16) & 1))) >> 16)
    }

    // MARK: Row conversion

    /// F16 -> F32, 16 lanes per `vcvtph2ps`.
    public static func f16ToF32(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
        let out = UnsafeMutableRawPointer(dst)
        var i = 0
        while i + 16 <= count {
            out.storeBytes(of: floatLanes(src.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<Float16>.self)),
                           toByteOffset: 4 * i, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { dst[i] = loadHalf(src, 2 * i); i += 1 }
    }

    /// F32 -> F16 (round to nearest even, as `GGML_FP32_TO_FP16`), 16 lanes per `vcvtps2ph`.
    public static func f32ToF16(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        let input = UnsafeRawPointer(src)
        var i = 0
        while i + 16 <= count {
            let v = input.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
            var h = SIMD16<Float16>()
            for l in 0..<16 { h[l] = Float16(v[l]) }
            dst.storeBytes(of: h, toByteOffset: 2 * i, as: SIMD16<Float16>.self)
            i += 16
        }
        while i < count { dst.storeBytes(of: Float16(src[i]), toByteOffset: 2 * i, as: Float16.self); i += 1 }
    }

    public static func bf16ToF32(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
        let out = UnsafeMutableRawPointer(dst)
        var i = 0
        while i + 16 <= count {
            out.storeBytes(of: bf16Lanes(src.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<UInt16>.self)),
                           toByteOffset: 4 * i, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { dst[i] = element(.bf16, src, i); i += 1 }
    }

    public static func f32ToBF16(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        for i in 0..<count { dst.storeBytes(of: floatToBF16(src[i]), toByteOffset: 2 * i, as: UInt16.self) }
    }

    @inline(__always)
    static func bf16Lanes(_ v: SIMD16<UInt16>) -> SIMD16<Float> {
        var u = SIMD16<UInt32>()
        for l in 0..<16 { u[l] = UInt32(v[l]) }
        return unsafeBitCast(u &<< 16, to: SIMD16<Float>.self)
    }

    // MARK: Dots against F32 activations (ggml converts F32 activations to the row type; we keep them F32,
    // which is at least as accurate)

    @inline(__always)
    static func dotF32(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        dotLanes(row, x, count: count, type: .f32) { row.loadUnaligned(fromByteOffset: 4 * $0, as: SIMD16<Float>.self) }
    }

    @inline(__always)
    static func dotF16(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        dotLanes(row, x, count: count, type: .f16) { floatLanes(row.loadUnaligned(fromByteOffset: 2 * $0, as: SIMD16<Float16>.self)) }
    }

    @inline(__always)
    static func dotBF16(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        dotLanes(row, x, count: count, type: .bf16) { bf16Lanes(row.loadUnaligned(fromByteOffset: 2 * $0, as: SIMD16<UInt16>.self)) }
    }

    /// Four independent 16-lane accumulators to hide the FMA latency.
    @inline(__always)
    static func dotLanes(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int, type: GGMLType,
                         load: (Int) -> SIMD16<Float>) -> Float {
        let xs = UnsafeRawPointer(x)
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= count {
            a0.addProduct(load(i), xs.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self))
            a1.addProduct(load(i + 16), xs.loadUnaligned(fromByteOffset: 4 * i + 64, as: SIMD16<Float>.self))
            a2.addProduct(load(i + 32), xs.loadUnaligned(fromByteOffset: 4 * i + 128, as: SIMD16<Float>.self))
            a3.addProduct(load(i + 48), xs.loadUnaligned(fromByteOffset: 4 * i + 192, as: SIMD16<Float>.self))
            i += 64
        }
        while i + 16 <= count {
            a0.addProduct(load(i), xs.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self))
            i += 16
        }
        var sum = horizontalSum((a0 + a1) + (a2 + a3))
        while i < count { sum += element(type, row, i) * x[i]; i += 1 }
        return sum
    }
}
