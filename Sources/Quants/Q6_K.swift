// Q6_K: super-blocks of QK_K = 256 weights in 210 bytes, 6.5625 bits per weight. Dotted against Q8_K.
// Sixteen sub-blocks of 16 weights each have a signed 8-bit scale.
//
//   offset  size  field
//   0       128   ql      low 4 bits. For each 128 elements (64 bytes, half n): byte l < 32 holds elements l (low
//                         nibble) and l + 64 (high); byte 32 + l holds l + 32 (low) and l + 96 (high)
//   128     64    qh      high 2 bits. For each half, 32 bytes: qh[l] bits 0-1, 2-3, 4-5, 6-7 belong to elements
//                         l, l + 32, l + 64, l + 96
//   192     16    scales  int8 sub-block scales, element e uses scales[e / 16]
//   208     2     d       f16 super-block scale
//   x = d * scale * (q - 32)
public enum Q6_K {
    public static let blockElements = 256
    public static let blockBytes = 210
    static let qhOffset = 128
    static let scalesOffset = 192
    static let dOffset = 208

    // MARK: Specification (ggml-quants.c)

    /// The 6-bit value (0..63) of element `128 * half + e` of a block.
    @inline(__always)
    static func quant(_ block: UnsafeRawPointer, half: Int, _ e: Int) -> Int32 {
        let l = e % 32, part = e / 32  // part 0..3: elements l, l + 32, l + 64, l + 96
        let qlByte = block.load(fromByteOffset: 64 * half + l + (part & 1) * 32, as: UInt8.self)
        let low = part < 2 ? qlByte & 0xF : qlByte >> 4
        let high = (block.load(fromByteOffset: qhOffset + 32 * half + l, as: UInt8.self) >> UInt8(2 * part)) & 3
        return Int32(low | (high << 4))
    }

    /// `dequantize_row_q6_K`.
    public static func dequantizeReference(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q6_K row length \(count) is not a multiple of 256")
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = loadHalf(block, dOffset)
            for n in 0..<2 {
                let ql = block + 64 * n, qh = block + qhOffset + 32 * n
                let sc = block + scalesOffset + 8 * n
                func scale(_ k: Int) -> Float { Float(sc.load(fromByteOffset: k, as: Int8.self)) }
                for l in 0..<32 {
                    let isc = l / 16
                    let a = ql.load(fromByteOffset: l, as: UInt8.self), b = ql.load(fromByteOffset: l + 32, as: UInt8.self)
                    let h = qh.load(fromByteOffset: l, as: UInt8.self)
                    let q1 = Int32((a & 0xF) | ((h >> 0) & 3) << 4) - 32
                    let q2 = Int32((b & 0xF) | ((h >> 2) & 3) << 4) - 32
                    let q3 = Int32((a >> 4) | ((h >> 4) & 3) << 4) - 32
                    let q4 = Int32((b >> 4) | ((h >> 6) & 3) << 4) - 32
                    let out = y + 256 * i + 128 * n
                    out[l] = d * scale(isc) * Float(q1)
                    out[l + 32] = d * scale(isc + 2) * Float(q2)
                    out[l + 64] = d * scale(isc + 4) * Float(q3)
                    out[l + 96] = d * scale(isc + 6) * Float(q4)
                }
            }
        }
    }

    /// `ggml_vec_dot_q6_K_q8_K_generic`, one super-block: d * d8 * sum(scale * dot(q - 32, q8)), exact in integers.
    static func blockDotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer) -> Float {
        var sumi: Int32 = 0
        for j in 0..<16 {
            var dot: Int32 = 0
            for t in 0..<16 {
                let e = 16 * j + t
                dot += (quant(w, half: e / 128, e % 128) - 32) * Int32(a.load(fromByteOffset: Q8_K.qsOffset + e, as: Int8.self))
            }
            sumi += Int32(w.load(fromByteOffset: scalesOffset + j, as: Int8.self)) * dot
        }
        return loadHalf(w, dOffset) * KQuantPacking.scale(a) * Float(sumi)
    }

    /// Dot of a Q6_K weight row with Q8_K activation blocks.
    public static func dotReference(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count / blockElements {
            sum += blockDotReference(w + i * blockBytes, a + i * Q8_K.blockBytes)
        }
        return sum
    }

    // MARK: Fast paths

    /// The 6-bit quants of one half (128 elements) as two byte vectors in ql order: `low` bytes 0..63 are
    /// elements 0..63 of the half, `high` bytes 0..63 elements 64..127.
    @inline(__always)
    static func sixBitQuants(_ block: UnsafeRawPointer, half: Int) -> (low: SIMD16<UInt32>, high: SIMD16<UInt32>) {
        let ql = block.loadUnaligned(fromByteOffset: 64 * half, as: SIMD16<UInt32>.self)
        let qh = block.loadUnaligned(fromByteOffset: qhOffset + 32 * half, as: SIMD8<UInt32>.self)
        // ql bytes 32..63 take qh bits 2-3 / 6-7: line them up with bits 0-1 / 4-5 of bytes 0..31.
        let h = SIMD16(lowHalf: qh, highHalf: qh &>> 2)
        let low = (ql & 0x0F0F_0F0F) | ((h &<< 4) & 0x3030_3030)
        let high = ((ql &>> 4) & 0x0F0F_0F0F) | (h & 0x3030_3030)
        return (low, high)
    }

    /// Same loop structure as `dequantize_row_q6_K`, 16 elements per vector.
    public static func dequantize(_ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(count % blockElements == 0, "Q6_K row length \(count) is not a multiple of 256")
        let out = UnsafeMutableRawPointer(y)
        for i in 0..<count / blockElements {
            let block = src + i * blockBytes
            let d = loadHalf(block, dOffset)
            for n in 0..<2 {
                for l in stride(from: 0, to: 32, by: 16) {
                    let a = block.loadUnaligned(fromByteOffset: 64 * n + l, as: SIMD16<UInt8>.self)
                    let b = block.loadUnaligned(fromByteOffset: 64 * n + 32 + l, as: SIMD16<UInt8>.self)
                    let h = block.loadUnaligned(fromByteOffset: qhOffset + 32 * n + l, as: SIMD16<UInt8>.self)
                    let quants = ((a & 0xF) | ((h & 3) &<< 4), (b & 0xF) | (((h &>> 2) & 3) &<< 4),
                                  (a &>> 4) | (((h &>> 4) & 3) &<< 4), (b &>> 4) | ((h &>> 6) &<< 4))
                    @inline(__always) func store(_ q: SIMD16<UInt8>, _ part: Int) {
                        let scale = d * Float(block.load(fromByteOffset: scalesOffset + 8 * n + l / 16 + 2 * part, as: Int8.self))
                        out.storeBytes(of: SIMD16(repeating: scale) * floatLanes(KQuantDequantize.widenLanes(q) &- 32),
                                       toByteOffset: 4 * (256 * i + 128 * n + 32 * part + l), as: SIMD16<Float>.self)
                    }
                    store(quants.0, 0)
                    store(quants.1, 1)
                    store(quants.2, 2)
                    store(quants.3, 3)
                }
            }
        }
    }

    // Packed activation per super-block (P = bytePlaneBytes, H = halfBytes = 2P + 128):
    //   +nH         half n's low byte plane, then high plane: byte b of the plane is element
    //               128n + b (low) or 128n + 64 + b (high)
    //   +nH+2P      Int32 bias lanes for the low plane's accumulator: lane 4g = -32 * bsums[8n + g]
    //   +nH+2P+64   the same for the high plane: lane 4g = -32 * bsums[8n + 4 + g]
    //   +2H         Float d8
    // The bias folds the -32 offset of every 16-element sub-block into the accumulator before its scale.
    static let biasOffset = 2 * bytePlaneBytes
    static let halfBytes = biasOffset + 128
    static let scaleOffset = 2 * halfBytes
    static let groupBytes = scaleOffset + 64

    static func activationBytes(count: Int) -> Int {
        KQuantPacking.packedOffset(count: count) + count / blockElements * groupBytes
    }

    static func prepareActivation(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        Q8_K.quantize(x, count: count, into: dst)
        let packed = dst + KQuantPacking.packedOffset(count: count)
        for i in 0..<count / blockElements {
            let block = UnsafeRawPointer(dst) + i * Q8_K.blockBytes
            let group = packed + i * groupBytes
            // The low plane of half n is elements 128n + 0..63, the high plane 128n + 64..127.
            KQuantPacking.packQuants(block, into: group, halfStride: halfBytes) { n, high in
                (128 * n + (high ? 64 : 0), 128 * n + 32 + (high ? 64 : 0))
            }
            for n in 0..<2 {
                var low = SIMD16<Int32>(), high = SIMD16<Int32>()
                for g in 0..<4 {
                    low[4 * g] = -32 * KQuantPacking.bsum(block, 8 * n + g)
                    high[4 * g] = -32 * KQuantPacking.bsum(block, 8 * n + 4 + g)
                }
                storeLanes(low, group, halfBytes * n + biasOffset)
                storeLanes(high, group, halfBytes * n + biasOffset + 64)
            }
            group.storeBytes(of: KQuantPacking.scale(block), toByteOffset: scaleOffset, as: Float.self)
        }
    }

    /// Q6_K row · prepared activation. Equal to `dotReference` up to float summation order.
    @inline(__always)
    static func dot(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int) -> Float {
        let packed = act + KQuantPacking.packedOffset(count: count)
        var acc = Q6_KSums()
        var i = 0
        while i < count / 256 {
            acc.add(w + i * blockBytes, packed + i * groupBytes)
            i += 1
        }
        return acc.total
    }
}

/// One Q6_K row's running dot (scaled sums in vector lanes).
struct Q6_KSums {
    var sum = SIMD16<Float>()
    var total: Float {
        @inline(__always) get { horizontalSum(sum) }  // see ScaledNibbleSums.total
    }

    /// Adds super-block `block` of the weight row times its packed activation group `pa`.
    @inline(__always)
    mutating func add(_ block: UnsafeRawPointer, _ pa: UnsafeRawPointer) {
        // Each half written out rather than looped (LLVM vectorizes a two-trip loop across its trips).
        // The 16 int8 scales as Int32 lanes (one `vpmovsxbd`); scale k + g goes to lanes 4g..4g+3.
        let bytes = block.loadUnaligned(fromByteOffset: Q6_K.scalesOffset, as: SIMD16<Int8>.self)
        var scales = SIMD16<Int32>()
        for j in 0..<16 { scales[j] = Int32(bytes[j]) }
        @inline(__always) func spread(_ k: Int) -> SIMD16<Int32> {
            SIMD16(scales[k], scales[k], scales[k], scales[k], scales[k + 1], scales[k + 1], scales[k + 1], scales[k + 1],
                   scales[k + 2], scales[k + 2], scales[k + 2], scales[k + 2], scales[k + 3], scales[k + 3], scales[k + 3], scales[k + 3])
        }
        @inline(__always) func half(_ n: Int) -> SIMD16<Int32> {
            let (low, high) = Q6_K.sixBitQuants(block, half: n)
            let x = pa + Q6_K.halfBytes * n
            let lo = bytePlaneDot(x.loadUnaligned(fromByteOffset: Q6_K.biasOffset, as: SIMD16<Int32>.self), low, x)
            let hi = bytePlaneDot(x.loadUnaligned(fromByteOffset: Q6_K.biasOffset + 64, as: SIMD16<Int32>.self), high,
                                  x + bytePlaneBytes)
            return lo &* spread(8 * n) &+ hi &* spread(8 * n + 4)
        }
        let isum = half(0) &+ half(1)
        let d8 = pa.loadUnaligned(fromByteOffset: Q6_K.scaleOffset, as: Float.self)
        sum.addProduct(floatLanes(isum), SIMD16(repeating: loadHalf(block, Q6_K.dOffset) * d8))
    }
}
