// Q5_1: 32 weights per 24-byte block, 6 bits per weight. Dotted against Q8_1 activations (as in ggml).
//
//   offset  size  field
//   0       2     d       f16 block scale
//   2       2     m       f16 block minimum
//   4       4     qh      fifth bits, little-endian uint32: bit e belongs to element e
//   8       16    qs      low four bits: byte j holds element j (low nibble) and element j + 16 (high nibble)
//   x[e] = d * (q[e] | h[e] << 4) + m
public enum Q5_1 {
    public static let blockElements = 32
    public static let blockBytes = 24
    static let qhOffset = 4
    static let qsOffset = 8

    // MARK: Specification (ggml-quants.c)

    /// `dequantize_row_q5_1`.
    public static func dequantizeReference(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q5_1 row length \(count) is not a multiple of 32")
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = loadHalf(block, 0), m = loadHalf(block, 2)
            let qh = block.loadUnaligned(fromByteOffset: qhOffset, as: UInt32.self)
            for j in 0..<16 {
                let byte = block.load(fromByteOffset: qsOffset + j, as: UInt8.self)
                let xh0 = ((qh >> UInt32(j)) << 4) & 0x10
                let xh1 = (qh >> UInt32(j + 12)) & 0x10
                y[i * 32 + j] = Float(UInt32(byte & 0x0F) | xh0) * d + m
                y[i * 32 + j + 16] = Float(UInt32(byte >> 4) | xh1) * d + m
            }
        }
    }

    /// `ggml_vec_dot_q5_1_q8_1_generic` for one block pair.
    @inline(__always)
    static func blockDotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Float {
        let sumi = FifthBitBlock.integerDot(w, qhOffset: qhOffset, qsOffset: qsOffset, offset: 0, a, activationQsOffset: Q8_1.qsOffset)
        return (loadHalf(w, 0) * loadHalf(a, 0)) * Float(sumi) + loadHalf(w, 2) * loadHalf(a, 2)
    }

    /// Dot of a Q5_1 weight row with Q8_1 activation blocks.
    public static func dotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count / blockElements {
            sum += blockDotReference(w + i * blockBytes, a + i * Q8_1.blockBytes)
        }
        return sum
    }

    // MARK: Fast paths

    public static func dequantize(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q5_1 row length \(count) is not a multiple of 32")
        let out = UnsafeMutableRawPointer(y)
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = SIMD16<Float>(repeating: loadHalf(block, 0)), m = SIMD16<Float>(repeating: loadHalf(block, 2))
            let (lo, hi) = FifthBitBlock.unpack(block, qhOffset: qhOffset, qsOffset: qsOffset)
            out.storeBytes(of: floatLanes(lo) * d + m, toByteOffset: i * 128, as: SIMD16<Float>.self)
            out.storeBytes(of: floatLanes(hi) * d + m, toByteOffset: i * 128 + 64, as: SIMD16<Float>.self)
        }
    }

    static func prepareActivation(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        Q8_1.quantize(x, count: count, into: dst)
        SmallBlockPacking.pack(dst, count: count, activationBlockBytes: Q8_1.blockBytes, quantsOffset: Q8_1.qsOffset,
                               into: dst, extra: .q8_1Sum)
    }

    /// Q5_1 row · prepared activation. Equal to `dotReference` up to float summation order.
    @inline(__always)
    static func dot(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int) -> Float {
        SmallBlockPacking.dotWithMinimum(w, act, count: count, blockBytes: blockBytes, qsOffset: qsOffset,
                                         qhOffset: qhOffset, tail: blockDotReference)
    }
}
