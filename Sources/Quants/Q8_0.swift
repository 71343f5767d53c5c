// Q8_0: 32 weights per 34-byte block, 8.5 bits per weight. Also the activation format (`vec_dot_type`) of
// the 32-element weight types Q4_0, Q5_0 and Q8_0.
//
//   offset  size  field
//   0       2     d       f16 block scale
//   2       32    qs      int8 quants
//   x[j] = d * qs[j]
public enum Q8_0 {
    public static let blockElements = 32
    public static let blockBytes = 34
    static let qsOffset = 2

    // MARK: Specification (ggml-quants.c)

    /// `dequantize_row_q8_0`.
    public static func dequantizeReference(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q8_0 row length \(count) is not a multiple of 32")
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = loadHalf(block, 0)
            for j in 0..<32 {
                y[i * 32 + j] = d * Float(block.load(fromByteOffset: qsOffset + j, as: Int8.self))
            }
        }
    }

    /// `quantize_row_q8_0_ref`: d = amax / 127, q = roundf(x / d) (nearest, ties away from zero).
    public static func quantizeReference(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        precondition(count % blockElements == 0, "Q8_0 row length \(count) is not a multiple of 32")
        for i in 0..<count / blockElements {
            let block = dst + i * blockBytes
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(x[i * 32 + j])) }
            let d = amax / 127
            let id: Float = d != 0 ? 1 / d : 0
            block.storeBytes(of: Float16(d), as: Float16.self)
            for j in 0..<32 {
                let q = Int8(roundHalfAway(x[i * 32 + j] * id))
                block.storeBytes(of: q, toByteOffset: qsOffset + j, as: Int8.self)
            }
        }
    }

    /// `ggml_vec_dot_q8_0_q8_0_generic` for one pair of blocks: the exact integer dot times both scales.
    @inline(__always)
    static func blockDotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Float {
        var sumi: Int32 = 0
        for j in 0..<32 {
            sumi += Int32(w.load(fromByteOffset: qsOffset + j, as: Int8.self))
                * Int32(a.load(fromByteOffset: qsOffset + j, as: Int8.self))
        }
        return Float(sumi) * (loadHalf(w, 0) * loadHalf(a, 0))
    }

    /// Dot of a Q8_0 weight row with Q8_0 activation blocks.
    public static func dotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count / blockElements {
            sum += blockDotReference(w + i * blockBytes, a + i * blockBytes)
        }
        return sum
    }

    // MARK: Fast paths

    /// Same bytes as `quantizeReference`, 32 lanes at a time.
    public static func quantize(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        precondition(count % blockElements == 0, "Q8_0 row length \(count) is not a multiple of 32")
        let raw = UnsafeRawPointer(x)
        for i in 0..<count / blockElements {
            let v0 = raw.loadUnaligned(fromByteOffset: i * 128, as: SIMD16<Float>.self)
            let v1 = raw.loadUnaligned(fromByteOffset: i * 128 + 64, as: SIMD16<Float>.self)
            let (d, q0, q1) = quantizeBlock32(v0, v1)
            let block = dst + i * blockBytes
            block.storeBytes(of: Float16(d), as: Float16.self)
            block.storeBytes(of: q0, toByteOffset: qsOffset, as: SIMD16<Int8>.self)
            block.storeBytes(of: q1, toByteOffset: qsOffset + 16, as: SIMD16<Int8>.self)
        }
    }

    /// One 32-element block of `quantize_row_q8_0_ref`/`_q8_1_ref`: the unrounded scale and the quants.
    @inline(__always)
    static func quantizeBlock32(_ v0: SIMD16<Float>, _ v1: SIMD16<Float>) -> (Float, SIMD16<Int8>, SIMD16<Int8>) {
        let amax = maxLane(laneMax(abs16(v0), abs16(v1)))
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        return (d, roundToInt8(v0 * id), roundToInt8(v1 * id))
    }

    @inline(__always)
    static func abs16(_ v: SIMD16<Float>) -> SIMD16<Float> {
        unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: SIMD16<Float>.self)
    }

    @inline(__always)
    static func roundToInt8(_ v: SIMD16<Float>) -> SIMD16<Int8> {
        let r = v.rounded(.toNearestOrAwayFromZero)
        var q = SIMD16<Int8>()
        for j in 0..<16 { q[j] = Int8(Int32(r[j])) }
        return q
    }

    /// Dequantize, 32 lanes at a time (same values as the reference: one float multiply per element).
    public static func dequantize(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q8_0 row length \(count) is not a multiple of 32")
        let out = UnsafeMutableRawPointer(y)
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = SIMD16<Float>(repeating: loadHalf(block, 0))
            let q0 = block.loadUnaligned(fromByteOffset: qsOffset, as: SIMD16<Int8>.self)
            let q1 = block.loadUnaligned(fromByteOffset: qsOffset + 16, as: SIMD16<Int8>.self)
            var lo = SIMD16<Int32>(), hi = SIMD16<Int32>()
            for j in 0..<16 { lo[j] = Int32(q0[j]); hi[j] = Int32(q1[j]) }
            out.storeBytes(of: floatLanes(lo) * d, toByteOffset: i * 128, as: SIMD16<Float>.self)
            out.storeBytes(of: floatLanes(hi) * d, toByteOffset: i * 128 + 64, as: SIMD16<Float>.self)
        }
    }

    // MARK: Packed activation and SIMD dot
    //
    // Weights are read two blocks (64 quants) at a time into one zmm: block 0 in lanes 0-7, block 1 in 8-15.
    // Flipping each byte's sign bit turns q into the unsigned q + 128 that `fullRangeBytePlaneDot` takes; the extra
    // 128 * sum(q8) per block is cancelled by a packed bias.
    // Packed group per block pair (P = bytePlaneBytes):
    //   +0     the quants of both blocks (`storeBytePlane`)
    //   +P     Float lanes: activation d of block 0 in lanes 0-7, of block 1 in lanes 8-15
    //   +P+64  Int32 bias: -128 * sum(q8) of block 0 in lane 0, of block 1 in lane 8
    static let scaleOffset = bytePlaneBytes
    static let biasOffset = scaleOffset + 64
    static let groupBytes = biasOffset + 64

    static func packedOffset(count: Int) -> Int { alignedTo64(count / blockElements * blockBytes) }

    static func activationBytes(count: Int) -> Int {
        packedOffset(count: count) + count / 64 * groupBytes
    }

    /// Quantizes `x` to Q8_0 blocks and packs them for `dot`.
    static func prepareActivation(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        quantize(x, count: count, into: dst)
        let packed = dst + packedOffset(count: count)
        for g in 0..<count / 64 {
            let b0 = UnsafeRawPointer(dst) + 2 * g * blockBytes, b1 = b0 + blockBytes
            let group = packed + g * groupBytes
            // Bytes 0..31 of the weight vector are block 0's quants, 32..63 block 1's.
            storeBytePlane(quantRuns(b0 + qsOffset, b1 + qsOffset), into: group)
            storeLanes(spreadPerHalf(loadHalf(b0, 0), loadHalf(b1, 0)), group, scaleOffset)
            var bias = SIMD16<Int32>()
            bias[0] = -128 * quantSum32(b0 + qsOffset)
            bias[8] = -128 * quantSum32(b1 + qsOffset)
            storeLanes(bias, group, biasOffset)
        }
    }

    /// Q8_0 row · prepared activation. Equal to `dotReference` up to float summation order.
    @inline(__always)
    static func dot(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int) -> Float {
        let packed = act + packedOffset(count: count)
        var sum = SIMD16<Float>()
        var g = 0
        while g < count / 64 {
            let b0 = w + 2 * g * blockBytes
            let pa = packed + g * groupBytes
            let q = SIMD16<UInt32>(
                lowHalf: b0.loadUnaligned(fromByteOffset: qsOffset, as: SIMD8<UInt32>.self),
                highHalf: b0.loadUnaligned(fromByteOffset: blockBytes + qsOffset, as: SIMD8<UInt32>.self)) ^ 0x8080_8080
            let acc = fullRangeBytePlaneDot(pa.loadUnaligned(fromByteOffset: biasOffset, as: SIMD16<Int32>.self), q, pa)
            let scale = spreadPerHalf(loadHalf(b0, 0), loadHalf(b0, blockBytes))
                * pa.loadUnaligned(fromByteOffset: scaleOffset, as: SIMD16<Float>.self)
            sum.addProduct(floatLanes(acc), scale)
            g += 1
        }
        var total = horizontalSum(sum)
        if count % 64 != 0 {  // an odd last block
            let i = count / blockElements - 1
            total += blockDotReference(w + i * blockBytes, act + i * blockBytes)
        }
        return total
    }
}

/// Lane-wise maximum, written as a lane loop: the stdlib's mask-based `replacing(with:where:)` and `.<` were
/// lowered lane by lane with a branch per lane; this becomes one `vmaxps`.
@inline(__always)
func laneMax(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    var r = SIMD16<Float>()
    for i in 0..<16 { r[i] = a[i] > b[i] ? a[i] : b[i] }
    return r
}

/// The largest lane (a tree of lane-wise maxima).
@inline(__always)
func maxLane(_ v: SIMD16<Float>) -> Float {
    var m8 = SIMD8<Float>(), m4 = SIMD4<Float>()
    for i in 0..<8 { m8[i] = v[i] > v[i + 8] ? v[i] : v[i + 8] }
    for i in 0..<4 { m4[i] = m8[i] > m8[i + 4] ? m8[i] : m8[i + 4] }
    return max(max(m4[0], m4[1]), max(m4[2], m4[3]))
}
