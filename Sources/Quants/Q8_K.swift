// Q8_K: the activation format (`vec_dot_type`) of the K-quants, 292 bytes per super-block of QK_K = 256 values.
// Never a weight type.
//
//   offset  size  field
//   0       4     d       f32 scale (not f16)
//   4       256   qs      int8 quants
//   260     32    bsums   16 int16 sums of qs, one per 16 consecutive quants (lets K dots apply mins cheaply)
//   x[j] = d * qs[j]
public enum Q8_K {
    public static let blockElements = 256
    public static let blockBytes = 292
    static let qsOffset = 4
    static let bsumsOffset = 260

    /// `quantize_row_q8_K_ref`. The scale comes from the element of largest magnitude (the first one on ties),
    /// signed: iscale = -127 / max, so that element maps to -127. (Older ggml used -128 / max; it changed to
    /// -127 for IQ2_XXS, and llama.cpp's x86 CPU backend calls this reference.) Rounding is `nearest_int`
    /// (half to even), clamped to at most 127.
    public static func quantizeReference(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        precondition(count % blockElements == 0, "Q8_K row length \(count) is not a multiple of 256")
        for i in 0..<count / blockElements {
            let xb = x + i * 256
            let block = dst + i * blockBytes
            var maxValue: Float = 0, amax: Float = 0
            for j in 0..<256 where abs(xb[j]) > amax {
                amax = abs(xb[j]); maxValue = xb[j]
            }
            if amax == 0 {
                block.initializeMemory(as: UInt8.self, repeating: 0, count: blockBytes)
                continue
            }
            let iscale = -127 / maxValue
            for j in 0..<256 {
                let v = min(127, nearestInt(iscale * xb[j]))
                block.storeBytes(of: Int8(v), toByteOffset: qsOffset + j, as: Int8.self)
            }
            for j in 0..<16 {
                var sum: Int32 = 0
                for l in 0..<16 { sum += Int32(block.load(fromByteOffset: qsOffset + 16 * j + l, as: Int8.self)) }
                block.storeBytes(of: Int16(sum), toByteOffset: bsumsOffset + 2 * j, as: Int16.self)
            }
            block.storeBytes(of: 1 / iscale, as: Float.self)
        }
    }

    /// Same bytes as `quantizeReference`, 16 lanes at a time.
    public static func quantize(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        precondition(count % blockElements == 0, "Q8_K row length \(count) is not a multiple of 256")
        let raw = UnsafeRawPointer(x)
        for i in 0..<count / blockElements {
            let xb = raw + i * 1024
            let block = dst + i * blockBytes
            // |x| compares like its bit pattern as an integer (all below 2^31), so the maximum is an integer tree
            // written with subtract/shift/and: LLVM keeps that in zmm registers, where both the float `max` and a
            // lane-wise `a > b ? a : b` were scalarized into inserts.
            @inline(__always) func absBits(_ c: Int) -> SIMD16<Int32> {
                xb.loadUnaligned(fromByteOffset: 64 * c, as: SIMD16<Int32>.self) & 0x7FFF_FFFF
            }
            @inline(__always) func maxBits(_ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> {
                let d = b &- a
                return b &- (d & (d &>> 31))
            }
            var m0 = maxBits(absBits(0), absBits(1)), m1 = maxBits(absBits(2), absBits(3))
            m0 = maxBits(m0, maxBits(absBits(4), absBits(5))); m1 = maxBits(m1, maxBits(absBits(6), absBits(7)))
            m0 = maxBits(m0, maxBits(absBits(8), absBits(9))); m1 = maxBits(m1, maxBits(absBits(10), absBits(11)))
            m0 = maxBits(m0, maxBits(absBits(12), absBits(13))); m1 = maxBits(m1, maxBits(absBits(14), absBits(15)))
            let amax = maxLane(unsafeBitCast(maxBits(m0, m1), to: SIMD16<Float>.self))
            if amax == 0 {
                block.initializeMemory(as: UInt8.self, repeating: 0, count: blockBytes)
                continue
            }
            // The first element whose magnitude is amax decides the sign, as in the reference's strict `>` scan.
            // (A scalar scan: the vector compare-and-`any` form compiled to a branch per lane.)
            let x0 = x + i * 256
            var first = 0
            while abs(x0[first]) != amax { first += 1 }
            let maxValue = x0[first]
            let iscale = SIMD16<Float>(repeating: -127 / maxValue)
            var bsums = SIMD16<Int16>()
            for c in 0..<16 {
                let scaled = xb.loadUnaligned(fromByteOffset: 64 * c, as: SIMD16<Float>.self) * iscale
                // nearest_int, lane-wise: add 1.5 * 2^23 and read the mantissa.
                let bits = unsafeBitCast(scaled + 12_582_912.0, to: SIMD16<Int32>.self)
                let rounded = (bits & 0x007F_FFFF) &- 0x0040_0000
                // MIN(127, v) (only +128 can occur), branch-free: subtract the excess where it is positive. (A lane
                // loop of `min` stayed a scalar loop: 7% of a qwen 1.5B prefill.)
                let excess = rounded &- 127
                let q = rounded &- (excess & ~(excess &>> 31))
                var q8 = SIMD16<Int8>()
                for l in 0..<16 { q8[l] = Int8(truncatingIfNeeded: q[l]) }
                block.storeBytes(of: q8, toByteOffset: qsOffset + 16 * c, as: SIMD16<Int8>.self)
                bsums[c] = Int16(truncatingIfNeeded: q.wrappedSum())
            }
            block.storeBytes(of: bsums, toByteOffset: bsumsOffset, as: SIMD16<Int16>.self)
            block.storeBytes(of: 1 / iscale[0], as: Float.self)
        }
    }

    /// x[j] = d * qs[j] (for round-trip checks; the K dots never dequantize activations).
    public static func dequantizeReference(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q8_K row length \(count) is not a multiple of 256")
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = block.loadUnaligned(as: Float.self)
            for j in 0..<256 { y[i * 256 + j] = d * Float(block.load(fromByteOffset: qsOffset + j, as: Int8.self)) }
        }
    }
}

extension SIMD16 where Scalar == Int32 {
    @inline(__always)
    func wrappedSum() -> Int32 {
        let v8 = lowHalf &+ highHalf, v4 = v8.lowHalf &+ v8.highHalf, v2 = v4.lowHalf &+ v4.highHalf
        return v2.x &+ v2.y
    }
}
