// Q4_1: 32 weights per 20-byte block, 5 bits per weight. Dotted against Q8_1 activations (as in ggml).
//
//   offset  size  field
//   0       2     d       f16 block scale
//   2       2     m       f16 block minimum
//   4       16    qs      nibbles: byte j holds element j (low nibble) and element j + 16 (high nibble)
//   x[j] = d * q[j] + m
public enum Q4_1 {
    public static let blockElements = 32
    public static let blockBytes = 20
    static let qsOffset = 4

    // MARK: Specification (ggml-quants.c)

    /// `dequantize_row_q4_1`.
    public static func dequantizeReference(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q4_1 row length \(count) is not a multiple of 32")
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = loadHalf(block, 0), m = loadHalf(block, 2)
            for j in 0..<16 {
                let byte = block.load(fromByteOffset: qsOffset + j, as: UInt8.self)
                y[i * 32 + j] = Float(byte & 0x0F) * d + m
                y[i * 32 + j + 16] = Float(byte >> 4) * d + m
            }
        }
    }

    /// `ggml_vec_dot_q4_1_q8_1_generic` for one block pair.
    @inline(__always)
    static func blockDotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Float {
        var sumi: Int32 = 0
        for j in 0..<16 {
            let byte = w.load(fromByteOffset: qsOffset + j, as: UInt8.self)
            sumi += Int32(byte & 0x0F) * Int32(a.load(fromByteOffset: Q8_1.qsOffset + j, as: Int8.self))
            sumi += Int32(byte >> 4) * Int32(a.load(fromByteOffset: Q8_1.qsOffset + j + 16, as: Int8.self))
        }
        return (loadHalf(w, 0) * loadHalf(a, 0)) * Float(sumi) + loadHalf(w, 2) * loadHalf(a, 2)
    }

    /// Dot of a Q4_1 weight row with Q8_1 activation blocks.
    public static func dotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count / blockElements {
            sum += blockDotReference(w + i * blockBytes, a + i * Q8_1.blockBytes)
        }
        return sum
    }

    // MARK: Fast paths

    public static func dequantize(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q4_1 row length \(count) is not a multiple of 32")
        let out = UnsafeMutableRawPointer(y)
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = SIMD16<Float>(repeating: loadHalf(block, 0)), m = SIMD16<Float>(repeating: loadHalf(block, 2))
            let (lo, hi) = SmallBlockNibbles.unpack(block + qsOffset)
            out.storeBytes(of: floatLanes(lo) * d + m, toByteOffset: i * 128, as: SIMD16<Float>.self)
            out.storeBytes(of: floatLanes(hi) * d + m, toByteOffset: i * 128 + 64, as: SIMD16<Float>.self)
        }
    }

    static func prepareActivation(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        Q8_1.quantize(x, count: count, into: dst)
        SmallBlockPacking.pack(dst, count: count, activationBlockBytes: Q8_1.blockBytes, quantsOffset: Q8_1.qsOffset,
                               into: dst, extra: .q8_1Sum)
    }

    /// Q4_1 row · prepared activation. Equal to `dotReference` up to float summation order.
    @inline(__always)
    static func dot(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int) -> Float {
        SmallBlockPacking.dotWithMinimum(w, act, count: count, blockBytes: blockBytes, qsOffset: qsOffset,
                                         qhOffset: nil, tail: blockDotReference)
    }
}
