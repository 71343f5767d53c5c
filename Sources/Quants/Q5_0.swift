// Q5_0: 32 weights per 22-byte block, 5.5 bits per weight. Dotted against Q8_0 activations.
//
//   offset  size  field
//   0       2     d       f16 block scale
//   2       4     qh      fifth bits, little-endian uint32: bit e belongs to element e
//   6       16    qs      low four bits: byte j holds element j (low nibble) and element j + 16 (high nibble)
//   x[e] = d * ((q[e] | h[e] << 4) - 16)
public enum Q5_0 {
    public static let blockElements = 32
    public static let blockBytes = 22
    static let qhOffset = 2
    static let qsOffset = 6

    // MARK: Specification (ggml-quants.c)

    /// `dequantize_row_q5_0`.
    public static func dequantizeReference(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q5_0 row length \(count) is not a multiple of 32")
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = loadHalf(block, 0)
            let qh = block.loadUnaligned(fromByteOffset: qhOffset, as: UInt32.self)
            for j in 0..<16 {
                let byte = block.load(fromByteOffset: qsOffset + j, as: UInt8.self)
                let xh0 = ((qh >> UInt32(j)) << 4) & 0x10
                let xh1 = (qh >> UInt32(j + 12)) & 0x10
                y[i * 32 + j] = Float(Int32(UInt32(byte & 0x0F) | xh0) - 16) * d
                y[i * 32 + j + 16] = Float(Int32(UInt32(byte >> 4) | xh1) - 16) * d
            }
        }
    }

    /// `ggml_vec_dot_q5_0_q8_0_generic` for one block pair.
    @inline(__always)
    static func blockDotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Float {
        Float(FifthBitBlock.integerDot(w, qhOffset: qhOffset, qsOffset: qsOffset, offset: 16, a, activationQsOffset: Q8_0.qsOffset))
            * (loadHalf(w, 0) * loadHalf(a, 0))
    }

    /// Dot of a Q5_0 weight row with Q8_0 activation blocks.
    public static func dotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count / blockElements {
            sum += blockDotReference(w + i * blockBytes, a + i * Q8_0.blockBytes)
        }
        return sum
    }

    // MARK: Fast paths

    public static func dequantize(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q5_0 row length \(count) is not a multiple of 32")
        let out = UnsafeMutableRawPointer(y)
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = SIMD16<Float>(repeating: loadHalf(block, 0))
            let (lo, hi) = FifthBitBlock.unpack(block, qhOffset: qhOffset, qsOffset: qsOffset)
            out.storeBytes(of: floatLanes(lo &- 16) * d, toByteOffset: i * 128, as: SIMD16<Float>.self)
            out.storeBytes(of: floatLanes(hi &- 16) * d, toByteOffset: i * 128 + 64, as: SIMD16<Float>.self)
        }
    }

    /// Q8_0-quantizes `x` and packs it with the bias -16 * sum(q8) per block.
    static func prepareActivation(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        Q8_0.quantize(x, count: count, into: dst)
        SmallBlockPacking.pack(dst, count: count, activationBlockBytes: Q8_0.blockBytes, quantsOffset: Q8_0.qsOffset,
                               into: dst, extra: .bias(nibbleOffset: 16))
    }

    /// Q5_0 row · prepared activation. Equal to `dotReference` up to float summation order.
    @inline(__always)
    static func dot(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int) -> Float {
        SmallBlockPacking.dotWithOffset(w, act, count: count, blockBytes: blockBytes, qsOffset: qsOffset,
                                        qhOffset: qhOffset, tail: blockDotReference)
    }
}

/// The 5-bit quants of Q5_0 and Q5_1 blocks.
enum FifthBitBlock {
    /// Elements 0..15 and 16..31 as unsigned 5-bit values in Int32 lanes.
    @inline(__always)
    static func unpack(_ block: UnsafeRawPointer, qhOffset: Int, qsOffset: Int) -> (SIMD16<Int32>, SIMD16<Int32>) {
        let qh = SIMD16<UInt32>(repeating: block.loadUnaligned(fromByteOffset: qhOffset, as: UInt32.self))
        let (lo, hi) = SmallBlockNibbles.unpack(block + qsOffset)
        let j = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let hlo = ((qh &>> j) & 1) &<< 4, hhi = ((qh &>> (j &+ 16)) & 1) &<< 4
        return (lo | unsafeBitCast(hlo, to: SIMD16<Int32>.self), hi | unsafeBitCast(hhi, to: SIMD16<Int32>.self))
    }

    /// sum over the block of (q - offset) * q8, as in ggml's generic q5 dots.
    @inline(__always)
    static func integerDot(_ w: UnsafeRawPointer, qhOffset: Int, qsOffset: Int, offset: Int32,
                           _ a: UnsafeRawPointer, activationQsOffset: Int) -> Int32 {
        let qh = w.loadUnaligned(fromByteOffset: qhOffset, as: UInt32.self)
        var sumi: Int32 = 0
        for j in 0..<16 {
            let byte = w.load(fromByteOffset: qsOffset + j, as: UInt8.self)
            let xh0 = ((qh & (1 << UInt32(j))) >> UInt32(j)) << 4
            let xh1 = (qh & (1 << UInt32(j + 16))) >> UInt32(j + 12)
            let x0 = Int32(UInt32(byte & 0x0F) | xh0) - offset
            let x1 = Int32(UInt32(byte >> 4) | xh1) - offset
            sumi += x0 * Int32(a.load(fromByteOffset: activationQsOffset + j, as: Int8.self))
            sumi += x1 * Int32(a.load(fromByteOffset: activationQsOffset + j + 16, as: Int8.self))
        }
        return sumi
    }
}
