// Q8_1: the activation format (`vec_dot_type`) of Q4_1 and Q5_1, 36 bytes per 32 values. Never a weight type.
//
//   offset  size  field
//   0       2     d       f16 block scale
//   2       2     s       f16 of d * sum(qs), with the *unrounded* f32 d (ggml: quantize_row_q8_1_ref)
//   4       32    qs      int8 quants
// The extra `s` lets the Q4_1/Q5_1 dots apply their block minimum m as m * s without summing the activation.
public enum Q8_1 {
    public static let blockElements = 32
    public static let blockBytes = 36
    static let qsOffset = 4

    /// `quantize_row_q8_1_ref`.
    public static func quantizeReference(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        precondition(count % blockElements == 0, "Q8_1 row length \(count) is not a multiple of 32")
        for i in 0..<count / blockElements {
            let block = dst + i * blockBytes
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(x[i * 32 + j])) }
            let d = amax / 127
            let id: Float = d != 0 ? 1 / d : 0
            block.storeBytes(of: Float16(d), as: Float16.self)
            var sum: Int32 = 0
            for j in 0..<32 {
                let q = Int8(roundHalfAway(x[i * 32 + j] * id))
                block.storeBytes(of: q, toByteOffset: qsOffset + j, as: Int8.self)
                sum += Int32(q)
            }
            block.storeBytes(of: Float16(Float(sum) * d), toByteOffset: 2, as: Float16.self)
        }
    }

    /// Same bytes as `quantizeReference`, 32 lanes at a time.
    public static func quantize(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        precondition(count % blockElements == 0, "Q8_1 row length \(count) is not a multiple of 32")
        let raw = UnsafeRawPointer(x)
        for i in 0..<count / blockElements {
            let (d, q0, q1) = Q8_0.quantizeBlock32(raw.loadUnaligned(fromByteOffset: i * 128, as: SIMD16<Float>.self),
                                                   raw.loadUnaligned(fromByteOffset: i * 128 + 64, as: SIMD16<Float>.self))
            var sums = SIMD16<Int32>()
            for j in 0..<16 { sums[j] = Int32(q0[j]) &+ Int32(q1[j]) }
            let block = dst + i * blockBytes
            block.storeBytes(of: Float16(d), as: Float16.self)
            block.storeBytes(of: Float16(Float(sums.wrappedSum()) * d), toByteOffset: 2, as: Float16.self)
            block.storeBytes(of: q0, toByteOffset: qsOffset, as: SIMD16<Int8>.self)
            block.storeBytes(of: q1, toByteOffset: qsOffset + 16, as: SIMD16<Int8>.self)
        }
    }
}
