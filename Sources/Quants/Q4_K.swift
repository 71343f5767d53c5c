// Q4_K: super-blocks of QK_K = 256 weights in 144 bytes, 4.5 bits per weight. Dotted against Q8_K.
// Eight sub-blocks of 32 weights each have a 6-bit scale and a 6-bit min.
//
//   offset  size  field
//   0       2     d       f16 super-block scale for the quantized scales
//   2       2     dmin    f16 super-block scale for the quantized mins
//   4       12    scales  8 scales + 8 mins, 6 bits each (get_scale_min_k4):
//                         j < 4:  sc = scales[j] & 63,  m = scales[j + 4] & 63
//                         j >= 4: sc = (scales[j + 4] & 0xF) | (scales[j - 4] >> 6) << 4
//                                 m  = (scales[j + 4] >> 4)  | (scales[j]     >> 6) << 4
//   16      128   qs      nibbles: for each 64 elements, 32 bytes: low nibbles are elements 0..31, high 32..63
//   x = d * sc * q - dmin * m   (sub-block j = element / 32)
public enum Q4_K {
    public static let blockElements = 256
    public static let blockBytes = 144
    static let scalesOffset = 4
    static let qsOffset = 16

    // MARK: Specification (ggml-quants.c)

    /// `get_scale_min_k4`.
    @inline(__always)
    static func scaleMin(_ j: Int, _ q: UnsafeRawPointer) -> (scale: UInt8, min: UInt8) {
        func b(_ i: Int) -> UInt8 { q.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 { return (b(j) & 63, b(j + 4) & 63) }
        return ((b(j + 4) & 0xF) | ((b(j - 4) >> 6) << 4), (b(j + 4) >> 4) | ((b(j) >> 6) << 4))
    }

    /// `dequantize_row_q4_K`.
    public static func dequantizeReference(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q4_K row length \(count) is not a multiple of 256")
        var out = y
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = loadHalf(block, 0), dmin = loadHalf(block, 2)
            let scales = block + scalesOffset
            var q = block + qsOffset
            for j in stride(from: 0, to: 8, by: 2) {
                let (sc1, m1) = scaleMin(j, scales), (sc2, m2) = scaleMin(j + 1, scales)
                let d1 = d * Float(sc1), min1 = dmin * Float(m1)
                let d2 = d * Float(sc2), min2 = dmin * Float(m2)
                for l in 0..<32 { out[l] = d1 * Float(q.load(fromByteOffset: l, as: UInt8.self) & 0xF) - min1 }
                for l in 0..<32 { out[32 + l] = d2 * Float(q.load(fromByteOffset: l, as: UInt8.self) >> 4) - min2 }
                out += 64
                q += 32
            }
        }
    }

    /// `ggml_vec_dot_q4_K_q8_K_generic`, one super-block: exact integer sums, then
    /// d * d8 * sum(sc * dot) - dmin * d8 * sum(m * bsum).
    static func blockDotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, fifthBit: ((Int) -> Int32)? = nil,
                                  quantsOffset: Int = qsOffset) -> Float {
        var sumi: Int32 = 0, sumMins: Int32 = 0
        for j in 0..<8 {
            let (sc, m) = scaleMin(j, w + scalesOffset)
            var dot: Int32 = 0
            for l in 0..<32 {
                let e = 32 * j + l
                let byte = w.load(fromByteOffset: quantsOffset + 32 * (j / 2) + l, as: UInt8.self)
                let q = Int32(j % 2 == 0 ? byte & 0xF : byte >> 4) + (fifthBit?(e) ?? 0)
                dot += q * Int32(a.load(fromByteOffset: Q8_K.qsOffset + e, as: Int8.self))
            }
            sumi += Int32(sc) * dot
            sumMins += Int32(m) * (KQuantPacking.bsum(a, 2 * j) + KQuantPacking.bsum(a, 2 * j + 1))
        }
        let d8 = KQuantPacking.scale(a)
        return loadHalf(w, 0) * d8 * Float(sumi) - loadHalf(w, 2) * d8 * Float(sumMins)
    }

    /// Dot of a Q4_K weight row with Q8_K activation blocks.
    public static func dotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count / blockElements {
            sum += blockDotReference(w + i * blockBytes, a + i * Q8_K.blockBytes)
        }
        return sum
    }

    // MARK: Fast paths

    /// The 8 scales and 8 mins, one byte each (little-endian), by ggml's kmask shuffle of the 12 bytes.
    @inline(__always)
    static func unpackScales(_ block: UnsafeRawPointer) -> (scales: UInt64, mins: UInt64) {
        let kmask1: UInt32 = 0x3f3f_3f3f, kmask2: UInt32 = 0x0f0f_0f0f, kmask3: UInt32 = 0x0303_0303
        let u0 = block.loadUnaligned(fromByteOffset: scalesOffset, as: UInt32.self)
        let u1 = block.loadUnaligned(fromByteOffset: scalesOffset + 4, as: UInt32.self)
        let u2 = block.loadUnaligned(fromByteOffset: scalesOffset + 8, as: UInt32.self)
        let scalesHigh = (u2 & kmask2) | (((u0 >> 6) & kmask3) << 4)
        let minsHigh = ((u2 >> 4) & kmask2) | (((u1 >> 6) & kmask3) << 4)
        return (UInt64(u0 & kmask1) | UInt64(scalesHigh) << 32, UInt64(u1 & kmask1) | UInt64(minsHigh) << 32)
    }

    /// Dequantize 64 elements per step in 16-lane vectors (same float expressions as the reference).
    public static func dequantize(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q4_K row length \(count) is not a multiple of 256")
        KQuantDequantize.scaledNibbles(src, count: count, into: y, blockBytes: blockBytes, qsOffset: qsOffset, qhOffset: nil)
    }

    // Packed activation per super-block, shared with Q5_K (P = bytePlaneBytes):
    //   +0      half h = 0 (elements 0..127): low-nibble byte plane, then high-nibble plane;
    //   +2P     half h = 1    byte b, nibble n of the half's 64 quant bytes is element 128h + 64(b / 32) + 32n + b % 32
    //   +4P     8 Int32: sum of q8 over each 32-element sub-block (bsums[2j] + bsums[2j + 1])
    //   +4P+32  Float d8
    static let halfBytes = 2 * bytePlaneBytes
    static let bsumsOffset = 2 * halfBytes
    static let scaleOffset = bsumsOffset + 32
    static let groupBytes = bsumsOffset + 64

    static func activationBytes(count: Int) -> Int {
        KQuantPacking.packedOffset(count: count) + count / blockElements * groupBytes
    }

    static func prepareActivation(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        Q8_K.quantize(x, count: count, into: dst)
        let packed = dst + KQuantPacking.packedOffset(count: count)
        for i in 0..<count / blockElements {
            let block = UnsafeRawPointer(dst) + i * Q8_K.blockBytes
            let group = packed + i * groupBytes
            // Weight bytes 0..31 of half h hold elements 128h + 0..31 (low nibbles) and 128h + 32..63 (high);
            // bytes 32..63 hold 128h + 64..95 and 128h + 96..127.
            KQuantPacking.packQuants(block, into: group, halfStride: halfBytes) { h, high in
                (128 * h + (high ? 32 : 0), 128 * h + 64 + (high ? 32 : 0))
            }
            var sums = SIMD8<Int32>()
            for j in 0..<8 { sums[j] = KQuantPacking.bsum(block, 2 * j) + KQuantPacking.bsum(block, 2 * j + 1) }
            storeLanes(sums, group, bsumsOffset)
            group.storeBytes(of: KQuantPacking.scale(block), toByteOffset: scaleOffset, as: Float.self)
        }
    }

    /// Q4_K row · prepared activation. Equal to `dotReference` up to float summation order.
    @inline(__always)
    static func dot(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int) -> Float {
        KQuantDot.scaledNibbleDot(w, act, count: count, blockBytes: blockBytes, qsOffset: qsOffset, qhOffset: nil)
    }
}

/// The SIMD dot shared by Q4_K and Q5_K (same scale/min scheme and nibble order; Q5_K adds a fifth bit).
enum KQuantDot {
    @inline(__always)
    static func scaledNibbleDot(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int,
                                blockBytes: Int, qsOffset: Int, qhOffset: Int?) -> Float {
        let packed = act + KQuantPacking.packedOffset(count: count)
        var acc = ScaledNibbleSums()
        var i = 0
        while i < count / 256 {
            acc.add(w + i * blockBytes, packed + i * Q4_K.groupBytes, qsOffset: qsOffset, qhOffset: qhOffset)
            i += 1
        }
        return acc.total
    }
}

/// One row's running Q4_K/Q5_K dot: the scaled quant sums and the min corrections, each still in vector lanes.
/// (Walking four rows at a time over each activation block measured slower, 15 against 30 GB/s, once the
/// activation planes were int8: the four rows' accumulators no longer fit in registers.)
struct ScaledNibbleSums {
    var sum = SIMD16<Float>()
    var minSum = SIMD8<Float>()

    // Inlined by hand: called out of line, it re-read the accumulators the caller had just spilled, through a
    // store-forwarding stall (15% of qwen 1.5B decode).
    var total: Float {
        @inline(__always) get { horizontalSum(sum) - horizontalSum(minSum) }
    }

    /// Adds super-block `block` of the weight row times its packed activation group `pa`.
    @inline(__always)
    mutating func add(_ block: UnsafeRawPointer, _ pa: UnsafeRawPointer, qsOffset: Int, qhOffset: Int?) {
        let (scaleBytes, minBytes) = Q4_K.unpackScales(block)
        // The eight scales as Int32 lanes (one `vpmovzxbd`), then each half's lane pattern: the low-nibble plane
        // holds sub-blocks 4h (lanes 0-7) and 4h + 2 (lanes 8-15), the high-nibble plane 4h + 1 and 4h + 3.
        // (Building these from broadcast words instead took ~20 shuffles and blends per super-block.)
        let scales = widenBytes(scaleBytes)
        @inline(__always) func spread(_ a: Int, _ b: Int) -> SIMD16<Int32> {
            SIMD16(scales[a], scales[a], scales[a], scales[a], scales[a], scales[a], scales[a], scales[a],
                   scales[b], scales[b], scales[b], scales[b], scales[b], scales[b], scales[b], scales[b])
        }
        // Fifth bits (Q5_K): qh byte l, bit 2j (low nibble) / 2j + 1 (high nibble) for 64-element chunk
        // j = 2h + b / 32. Loaded once here: loaded inside `half`, LLVM merged the two loads into gathers.
        let qh = qhOffset.map { block.loadUnaligned(fromByteOffset: $0, as: SIMD8<UInt32>.self) } ?? SIMD8()
        // One half (128 elements, 64 quant bytes) with its four sub-blocks; called twice rather than looped,
        // because LLVM vectorizes a two-trip loop across its trips (with gathers).
        @inline(__always) func half(_ h: Int) -> SIMD16<Int32> {
            let q = block.loadUnaligned(fromByteOffset: qsOffset + 64 * h, as: SIMD16<UInt32>.self)
            var low = q & 0x0F0F_0F0F, high = (q &>> 4) & 0x0F0F_0F0F
            if qhOffset != nil {
                let bits = SIMD16(lowHalf: qh &>> UInt32(4 * h), highHalf: qh &>> UInt32(4 * h + 2))
                low |= (bits &<< 4) & 0x1010_1010
                high |= (bits &<< 3) & 0x1010_1010
            }
            let x = pa + Q4_K.halfBytes * h
            let lo = bytePlaneDot(SIMD16<Int32>(), low, x)
            let hi = bytePlaneDot(SIMD16<Int32>(), high, x + bytePlaneBytes)
            return lo &* spread(4 * h, 4 * h + 2) &+ hi &* spread(4 * h + 1, 4 * h + 3)
        }
        let isum = half(0) &+ half(1)
        let d8 = pa.loadUnaligned(fromByteOffset: Q4_K.scaleOffset, as: Float.self)
        sum.addProduct(floatLanes(isum), SIMD16(repeating: loadHalf(block, 0) * d8))
        let minDot = widenBytes(minBytes) &* pa.loadUnaligned(fromByteOffset: Q4_K.bsumsOffset, as: SIMD8<Int32>.self)
        minSum.addProduct(floatLanes(minDot), SIMD8(repeating: loadHalf(block, 2) * d8))
    }
}

/// The eight bytes of `v` (little-endian) as Int32 lanes: one `vpmovzxbd`.
@inline(__always)
func widenBytes(_ v: UInt64) -> SIMD8<Int32> {
    let bytes = unsafeBitCast(v, to: SIMD8<UInt8>.self)
    var r = SIMD8<Int32>()
    for j in 0..<8 { r[j] = Int32(bytes[j]) }
    return r
}

/// The SIMD dequantization shared by Q4_K and Q5_K.
enum KQuantDequantize {
    /// Byte lanes to Int32 lanes (one `vpmovzxbd`).
    @inline(__always)
    static func widenLanes(_ v: SIMD16<UInt8>) -> SIMD16<Int32> {
        var r = SIMD16<Int32>()
        for l in 0..<16 { r[l] = Int32(v[l]) }
        return r
    }

    @inline(__always)
    static func scaledNibbles(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>,
                              blockBytes: Int, qsOffset: Int, qhOffset: Int?) {
        let out = UnsafeMutableRawPointer(y)
        for i in 0..<count / 256 {
            let block = src + i * blockBytes
            let d = loadHalf(block, 0), dmin = loadHalf(block, 2)
            for j in 0..<4 {  // 64 elements: sub-blocks 2j (low nibbles) and 2j + 1 (high nibbles)
                let (sc1, m1) = Q4_K.scaleMin(2 * j, block + Q4_K.scalesOffset)
                let (sc2, m2) = Q4_K.scaleMin(2 * j + 1, block + Q4_K.scalesOffset)
                let d1 = SIMD16(repeating: d * Float(sc1)), min1 = SIMD16(repeating: dmin * Float(m1))
                let d2 = SIMD16(repeating: d * Float(sc2)), min2 = SIMD16(repeating: dmin * Float(m2))
                for half in 0..<2 {
                    let bytes = block.loadUnaligned(fromByteOffset: qsOffset + 32 * j + 16 * half, as: SIMD16<UInt8>.self)
                    var low = bytes & 0x0F, high = bytes &>> 4
                    if let qhOffset {
                        let qh = block.loadUnaligned(fromByteOffset: qhOffset + 16 * half, as: SIMD16<UInt8>.self)
                        low |= ((qh &>> UInt8(2 * j)) & 1) &<< 4
                        high |= ((qh &>> UInt8(2 * j + 1)) & 1) &<< 4
                    }
                    let lo = widenLanes(low), hi = widenLanes(high)
                    let base = 4 * (256 * i + 64 * j + 16 * half)
                    out.storeBytes(of: d1 * floatLanes(lo) - min1, toByteOffset: base, as: SIMD16<Float>.self)
                    out.storeBytes(of: d2 * floatLanes(hi) - min2, toByteOffset: base + 128, as: SIMD16<Float>.self)
                }
            }
        }
    }
}
