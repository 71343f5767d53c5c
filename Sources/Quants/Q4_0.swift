// Q4_0: 32 weights per 18-byte block, 4.5 bits per weight. Dotted against Q8_0 activations.
//
//   offset  size  field
//   0       2     d       f16 block scale
//   2       16    qs      nibbles: byte j holds element j (low nibble) and element j + 16 (high nibble)
//   x[j] = d * (q[j] - 8)
public enum Q4_0 {
    public static let blockElements = 32
    public static let blockBytes = 18
    static let qsOffset = 2

    // MARK: Specification (ggml-quants.c)

    /// `dequantize_row_q4_0`.
    public static func dequantizeReference(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q4_0 row length \(count) is not a multiple of 32")
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = loadHalf(block, 0)
            for j in 0..<16 {
                let byte = block.load(fromByteOffset: qsOffset + j, as: UInt8.self)
                y[i * 32 + j] = Float(Int32(byte & 0x0F) - 8) * d
                y[i * 32 + j + 16] = Float(Int32(byte >> 4) - 8) * d
            }
        }
    }

    /// `ggml_vec_dot_q4_0_q8_0_generic` for one block pair.
    @inline(__always)
    static func blockDotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Float {
        var sumi: Int32 = 0
        for j in 0..<16 {
            let byte = w.load(fromByteOffset: qsOffset + j, as: UInt8.self)
            sumi += (Int32(byte & 0x0F) - 8) * Int32(a.load(fromByteOffset: Q8_0.qsOffset + j, as: Int8.self))
            sumi += (Int32(byte >> 4) - 8) * Int32(a.load(fromByteOffset: Q8_0.qsOffset + j + 16, as: Int8.self))
        }
        return Float(sumi) * (loadHalf(w, 0) * loadHalf(a, 0))
    }

    /// Dot of a Q4_0 weight row with Q8_0 activation blocks.
    public static func dotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count / blockElements {
            sum += blockDotReference(w + i * blockBytes, a + i * Q8_0.blockBytes)
        }
        return sum
    }

    // MARK: Fast paths

    /// Dequantize one block at a time in 16-lane vectors (same products as the reference).
    public static func dequantize(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q4_0 row length \(count) is not a multiple of 32")
        let out = UnsafeMutableRawPointer(y)
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = SIMD16<Float>(repeating: loadHalf(block, 0))
            let (lo, hi) = SmallBlockNibbles.unpack(block + qsOffset)
            out.storeBytes(of: floatLanes(lo &- 8) * d, toByteOffset: i * 128, as: SIMD16<Float>.self)
            out.storeBytes(of: floatLanes(hi &- 8) * d, toByteOffset: i * 128 + 64, as: SIMD16<Float>.self)
        }
    }

    static func activationBytes(count: Int) -> Int { SmallBlockPacking.activationBytes(count: count, activationBlockBytes: Q8_0.blockBytes) }

    /// Q8_0-quantizes `x` and packs it with the bias -8 * sum(q8) per block (folds the nibble offset 8 into the
    /// accumulator's start value).
    static func prepareActivation(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        Q8_0.quantize(x, count: count, into: dst)
        SmallBlockPacking.pack(dst, count: count, activationBlockBytes: Q8_0.blockBytes, quantsOffset: Q8_0.qsOffset,
                               into: dst, extra: .bias(nibbleOffset: 8))
    }

    /// Q4_0 row · prepared activation. Equal to `dotReference` up to float summation order.
    @inline(__always)
    static func dot(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int) -> Float {
        SmallBlockPacking.dotWithOffset(w, act, count: count, blockBytes: blockBytes, qsOffset: qsOffset,
                                        qhOffset: nil, tail: blockDotReference)
    }
}
