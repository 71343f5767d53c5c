// Elementwise functions over 16 float lanes, for the activations a prompt evaluates tens of millions of times.
// libm's scalar `tanhf` (through `expm1f`) was a quarter of Gemma 3's prefill.
import Quants

enum VectorMath {
    /// e^x lane by lane, within 2 ulp of libm's `expf` for x in [-87.3, 88]; inputs beyond are clamped there,
    /// so the result stays finite and positive (about 1.2e-38 below, 1.7e38 above), which is what `tanh`'s
    /// `2 / (1 + e^x)` needs at the extremes.
    ///
    /// Cody-Waite reduction x = n ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor series to degree 7 (remainder
    /// below 6e-9 relative), and 2^n written into the exponent bits. Rounding to n uses the 1.5 * 2^23 trick
    /// rather than a float-to-integer conversion, which stdlib lowers lane by lane (see swift-simd-notes.md).
    @inline(__always)
    static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        // 88, not ln(FLT_MAX) = 88.72: n = round(x / ln 2) must stay at most 127 for the exponent bits.
        let clamped = x.replacing(with: -87.3, where: x .< -87.3).replacing(with: 88, where: x .> 88)
        let magic = SIMD16<Float>(repeating: 12_582_912)  // 1.5 * 2^23: adding it rounds to an integer
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        let r = (clamped - n * 0.693_145_751_953_125) - n * 1.428_606_765_330_187_045e-6
        var p = SIMD16<Float>(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000  // n as an integer
        return p * unsafeBitCast((exponent &+ 127) &<< 23, to: SIMD16<Float>.self)
    }

    /// tanh(u) = sign(u) (1 - 2 / (1 + e^(2|u|))), within a few ulp of libm's `tanhf` where |tanh| is near 1
    /// (the GELU tail depends on those last bits through 1 + tanh) and within ~1e-7 absolute near 0.
    @inline(__always)
    static func tanh(_ u: SIMD16<Float>) -> SIMD16<Float> {
        let magnitude = unsafeBitCast(unsafeBitCast(u, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: SIMD16<Float>.self)
        let t = 1 - 2 / (1 + exp(2 * magnitude))
        let sign = unsafeBitCast(u, to: SIMD16<UInt32>.self) & 0x8000_0000
        return unsafeBitCast(unsafeBitCast(t, to: SIMD16<UInt32>.self) | sign, to: SIMD16<Float>.self)
    }

    /// GELU as llama.cpp's CPU backend evaluates it, which our reference logits come from: ggml builds with
    /// GGML_GELU_FP16, looking the value up in a table indexed by the input rounded to F16 and holding F16
    /// results, with 0 for inputs at or below -10 and the input itself at or above 10. Computing the same
    /// (F16 in, F16 out) instead of a full-precision GELU keeps Gemma's logits closer to llama.cpp's: the
    /// precise function moved one reference logit past the 0.5 tolerance.
    @inline(__always)
    static func geluAsGGML(_ g: SIMD16<Float>) -> SIMD16<Float> {
        let x = roundedToHalf(g)
        // ggml_gelu_f32's own formula, 1 + tanh and all: in the negative tail 1 + tanh(u) cancels, and the
        // table's values carry that cancellation (a sigmoid form, exact there, differed by up to 0.3%).
        let y = roundedToHalf(0.5 * x * (1 + tanh(0.797_884_560_802_865_4 * x * (1 + 0.044715 * x * x))))
        return y.replacing(with: 0, where: g .<= -10).replacing(with: g, where: g .>= 10)
    }

    /// The nearest IEEE half of each lane, back in a float (`vcvtps2ph` then `vcvtph2ps`).
    @inline(__always)
    static func roundedToHalf(_ v: SIMD16<Float>) -> SIMD16<Float> {
        var half = SIMD16<Float16>()
        for l in 0..<16 { half[l] = Float16(v[l]) }
        return floatLanes(half)
    }
}
