// Q5_K: super-blocks of QK_K = 256 weights in 176 bytes, 5.5 bits per weight. Dotted against Q8_K.
// Q4_K plus a fifth bit per weight.
//
//   offset  size  field
//   0       2     d       f16 super-block scale for the quantized scales
//   2       2     dmin    f16 super-block scale for the quantized mins
//   4       12    scales  8 scales + 8 mins, 6 bits each, packed as in Q4_K (get_scale_min_k4)
//   16      32    qh      fifth bits: element 64j + l (l < 32) is bit 2j of qh[l], element 64j + 32 + l bit 2j + 1
//   48      128   qs      low nibbles, laid out as Q4_K's qs
//   x = d * sc * (q | h << 4) - dmin * m
public enum Q5_K {
    public static let blockElements = 256
    public static let blockBytes = 176
    static let qhOffset = 16
    static let qsOffset = 48

    /// `dequantize_row_q5_K`.
    public static func dequantizeReference(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q5_K row length \(count) is not a multiple of 256")
        var out = y
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = loadHalf(block, 0), dmin = loadHalf(block, 2)
            let scales = block + Q4_K.scalesOffset
            let qh = block + qhOffset
            var ql = block + qsOffset
            var u1: UInt8 = 1, u2: UInt8 = 2
            for j in stride(from: 0, to: 8, by: 2) {
                let (sc1, m1) = Q4_K.scaleMin(j, scales), (sc2, m2) = Q4_K.scaleMin(j + 1, scales)
                let d1 = d * Float(sc1), min1 = dmin * Float(m1)
                let d2 = d * Float(sc2), min2 = dmin * Float(m2)
                for l in 0..<32 {
                    let h = qh.load(fromByteOffset: l, as: UInt8.self)
                    out[l] = d1 * Float((ql.load(fromByteOffset: l, as: UInt8.self) & 0xF) + (h & u1 != 0 ? 16 : 0)) - min1
                }
                for l in 0..<32 {
                    let h = qh.load(fromByteOffset: l, as: UInt8.self)
                    out[32 + l] = d2 * Float((ql.load(fromByteOffset: l, as: UInt8.self) >> 4) + (h & u2 != 0 ? 16 : 0)) - min2
                }
                out += 64
                ql += 32
                u1 <<= 2
                u2 <<= 2
            }
        }
    }

    /// `ggml_vec_dot_q5_K_q8_K_generic`, one super-block.
    static func blockDotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Float {
        Q4_K.blockDotReference(w, a, fifthBit: { e in
            let chunk = e / 64, l = e % 32, high = (e % 64) >= 32
            let bit = 2 * chunk + (high ? 1 : 0)
            return Int32((w.load(fromByteOffset: qhOffset + l, as: UInt8.self) >> UInt8(bit)) & 1) << 4
        }, quantsOffset: qsOffset)
    }

    /// Dot of a Q5_K weight row with Q8_K activation blocks.
    public static func dotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count / blockElements {
            sum += blockDotReference(w + i * blockBytes, a + i * Q8_K.blockBytes)
        }
        return sum
    }

    public static func dequantize(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q5_K row length \(count) is not a multiple of 256")
        KQuantDequantize.scaledNibbles(src, count: count, into: y, blockBytes: blockBytes, qsOffset: qsOffset, qhOffset: qhOffset)
    }

    /// Q5_K row · prepared activation (packed as for Q4_K). Equal to `dotReference` up to float summation order.
    @inline(__always)
    static func dot(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int) -> Float {
        KQuantDot.scaledNibbleDot(w, act, count: count, blockBytes: blockBytes, qsOffset: qsOffset, qhOffset: qhOffset)
    }
}
