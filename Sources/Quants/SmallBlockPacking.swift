// Shared machinery of the 32-element block types Q4_0, Q4_1, Q5_0 and Q5_1, whose 16 bytes of nibbles put
// element j in the low nibble and element j + 16 in the high nibble of byte j.
//
// Their SIMD dots read four blocks at a time: the four 16-byte `qs` fields fill one zmm (block i in 128-bit
// lane i), split into a low- and a high-nibble byte plane for `bytePlaneDot`. Packed activation group per four
// blocks (P = bytePlaneBytes):
//   +0    activation quants: low-nibble plane, then high-nibble plane
//   +2P   Float lanes: activation d of block i in lanes 4i..4i+3
//   +2P+64 extra lanes, lane 4i of block i (others 0): Int32 bias -offset * sum(q8) for Q4_0/Q5_0, or the
//         Float Q8_1 `s` (= d * sum(q8)) for Q4_1/Q5_1

/// Nibble extraction for one 32-element block (element j low nibble of byte j, j + 16 high nibble).
enum SmallBlockNibbles {
    /// Elements 0..15 and 16..31 of a block's 16 nibble bytes, as Int32 lanes.
    @inline(__always)
    static func unpack(_ qs: UnsafeRawPointer) -> (SIMD16<Int32>, SIMD16<Int32>) {
        let bytes = qs.loadUnaligned(as: SIMD16<UInt8>.self)
        var lo = SIMD16<Int32>(), hi = SIMD16<Int32>()
        for j in 0..<16 {
            lo[j] = Int32(bytes[j] & 0x0F)
            hi[j] = Int32(bytes[j] >> 4)
        }
        return (lo, hi)
    }
}

enum SmallBlockPacking {
    static let groupElements = 128
    static let scaleOffset = 2 * bytePlaneBytes
    static let extraOffset = scaleOffset + 64
    static let groupBytes = extraOffset + 64

    enum Extra {
        /// Int32 start value of each block's accumulator: -nibbleOffset * sum(q8).
        case bias(nibbleOffset: Int32)
        /// Float `s` of Q8_1 blocks (at byte 2 of each block).
        case q8_1Sum
    }

    static func packedOffset(count: Int, activationBlockBytes: Int) -> Int {
        alignedTo64(count / 32 * activationBlockBytes)
    }

    static func activationBytes(count: Int, activationBlockBytes: Int) -> Int {
        packedOffset(count: count, activationBlockBytes: activationBlockBytes) + count / groupElements * groupBytes
    }

    /// Packs the activation blocks at the start of `dst` into its packed region.
    static func pack(_ blocks: UnsafeMutableRawPointer, count: Int, activationBlockBytes: Int, quantsOffset: Int,
                     into dst: UnsafeMutableRawPointer, extra: Extra) {
        let packed = dst + packedOffset(count: count, activationBlockBytes: activationBlockBytes)
        for g in 0..<count / groupElements {
            let group = packed + g * groupBytes
            let first = UnsafeRawPointer(blocks) + 4 * g * activationBlockBytes
            // Weight byte j of block i (128-bit lane i) holds elements j (low nibble) and j + 16 (high nibble).
            let qs = first + quantsOffset
            storeBytePlane(unsafeBitCast(loadQuants(qs, stride: activationBlockBytes), to: SIMD16<Int32>.self), into: group)
            storeBytePlane(unsafeBitCast(loadQuants(qs + 16, stride: activationBlockBytes), to: SIMD16<Int32>.self), into: group + bytePlaneBytes)
            storeLanes(spreadPerQuarter(blockHalves(first, offset: 0, blockBytes: activationBlockBytes)), group, scaleOffset)
            var extras = SIMD16<Int32>()
            for i in 0..<4 {
                let block = first + i * activationBlockBytes
                switch extra {
                case .bias(let offset): extras[4 * i] = -offset * quantSum32(block + quantsOffset)
                case .q8_1Sum: extras[4 * i] = Int32(bitPattern: loadHalf(block, 2).bitPattern)
                }
            }
            storeLanes(extras, group, extraOffset)
        }
    }

    /// The `qs` fields of four consecutive blocks, block i in 128-bit lane i.
    @inline(__always)
    static func loadQuants(_ qs: UnsafeRawPointer, stride: Int) -> SIMD16<UInt32> {
        SIMD16(lowHalf: SIMD8(lowHalf: qs.loadUnaligned(as: SIMD4<UInt32>.self),
                              highHalf: qs.loadUnaligned(fromByteOffset: stride, as: SIMD4<UInt32>.self)),
               highHalf: SIMD8(lowHalf: qs.loadUnaligned(fromByteOffset: 2 * stride, as: SIMD4<UInt32>.self),
                               highHalf: qs.loadUnaligned(fromByteOffset: 3 * stride, as: SIMD4<UInt32>.self)))
    }

    /// Integer dot of 4 blocks' nibbles (plus their fifth bits, if any) with the packed activation:
    /// lanes 4i..4i+3 hold partial sums of block i, starting from `start`.
    @inline(__always)
    static func nibbleDot(_ q: SIMD16<UInt32>, _ pa: UnsafeRawPointer, start: SIMD16<Int32>,
                          highBits: (low: SIMD16<UInt32>, high: SIMD16<UInt32>)? = nil) -> SIMD16<Int32> {
        var low = q & 0x0F0F_0F0F, high = (q &>> 4) & 0x0F0F_0F0F
        if let h = highBits { low |= h.low; high |= h.high }
        // Two independent `vpdpbusd` chains rather than one: half the latency per group.
        return bytePlaneDot(start, low, pa) &+ bytePlaneDot(SIMD16<Int32>(), high, pa + bytePlaneBytes)
    }
}

@inline(__always)
func floatLanes4(_ v: SIMD4<Float16>) -> SIMD4<Float> {
    var r = SIMD4<Float>()
    for i in 0..<4 { r[i] = Float(v[i]) }
    return r
}

extension SmallBlockPacking {
    /// Fifth bits of Q5_0/Q5_1 for four blocks as byte planes (0x10 in each byte whose element has its qh bit
    /// set; element e's bit is bit e of qh): the low-nibble plane of lane k needs bits 4k..4k+3, the high one
    /// bits 16 + 4k..16 + 4k + 3.
    @inline(__always)
    static func fifthBits(_ group: UnsafeRawPointer, blockBytes: Int, qhOffset: Int) -> (low: SIMD16<UInt32>, high: SIMD16<UInt32>) {
        // Each block's qh in every lane of its quarter, assembled from 16-bit halves: LLVM turns those into one
        // masked load and a `vpermw`, while four 32-bit loads at the odd block stride became a slow gather.
        @inline(__always) func half(_ offset: Int) -> UInt16 { group.loadUnaligned(fromByteOffset: qhOffset + offset, as: UInt16.self) }
        let words = unsafeBitCast(SIMD8<UInt16>(half(0), half(2), half(blockBytes), half(blockBytes + 2),
                                                half(2 * blockBytes), half(2 * blockBytes + 2),
                                                half(3 * blockBytes), half(3 * blockBytes + 2)), to: SIMD4<UInt32>.self)
        let qh = SIMD16<UInt32>(words[0], words[0], words[0], words[0], words[1], words[1], words[1], words[1],
                                words[2], words[2], words[2], words[2], words[3], words[3], words[3], words[3])
        let t = qh &>> SIMD16<UInt32>(0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12)
        // One multiply moves bit b (b < 4) to bit 8b + 4: the partial products 2^(b + 7c + 4) never collide.
        @inline(__always) func spread(_ bits: SIMD16<UInt32>) -> SIMD16<UInt32> { ((bits & 0xF) &* 0x0204_0810) & 0x1010_1010 }
        return (spread(t), spread(t &>> 16))
    }

    /// Four consecutive block scales (f16 at `offset` in each block) as Float lanes.
    @inline(__always)
    static func blockHalves(_ group: UnsafeRawPointer, offset: Int, blockBytes: Int) -> SIMD4<Float> {
        floatLanes4(SIMD4<Float16>(group.loadUnaligned(fromByteOffset: offset, as: Float16.self),
                                   group.loadUnaligned(fromByteOffset: offset + blockBytes, as: Float16.self),
                                   group.loadUnaligned(fromByteOffset: offset + 2 * blockBytes, as: Float16.self),
                                   group.loadUnaligned(fromByteOffset: offset + 3 * blockBytes, as: Float16.self)))
    }

    /// Q4_0/Q5_0 row (x = d * (q - offset)) · prepared Q8_0 activation; the offset is in the packed bias.
    @inline(__always)
    static func dotWithOffset(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int, blockBytes: Int, qsOffset: Int,
                              qhOffset: Int?, tail: (UnsafeRawPointer, UnsafeRawPointer) -> Float) -> Float {
        let packed = act + packedOffset(count: count, activationBlockBytes: Q8_0.blockBytes)
        var sum = SIMD16<Float>()
        let groups = count / groupElements
        var g = 0
        while g < groups {
            let b = w + g * 4 * blockBytes
            let pa = packed + g * groupBytes
            let q = loadQuants(b + qsOffset, stride: blockBytes)
            let bias = pa.loadUnaligned(fromByteOffset: extraOffset, as: SIMD16<Int32>.self)
            let acc = nibbleDot(q, pa, start: bias, highBits: qhOffset.map { fifthBits(b, blockBytes: blockBytes, qhOffset: $0) })
            let scale = spreadPerQuarter(blockHalves(b, offset: 0, blockBytes: blockBytes))
                * pa.loadUnaligned(fromByteOffset: scaleOffset, as: SIMD16<Float>.self)
            sum.addProduct(floatLanes(acc), scale)
            g += 1
        }
        var total = horizontalSum(sum)
        for i in groups * 4..<count / 32 {
            total += tail(w + i * blockBytes, act + i * Q8_0.blockBytes)
        }
        return total
    }

    /// Q4_1/Q5_1 row (x = d * q + m) · prepared Q8_1 activation: sum of d*d8*dot(q, q8) + m*s8 per block.
    @inline(__always)
    static func dotWithMinimum(_ w: UnsafeRawPointer, _ act: UnsafeRawPointer, count: Int, blockBytes: Int, qsOffset: Int,
                               qhOffset: Int?, tail: (UnsafeRawPointer, UnsafeRawPointer) -> Float) -> Float {
        let packed = act + packedOffset(count: count, activationBlockBytes: Q8_1.blockBytes)
        // Scales and minimums accumulate separately, so each group adds one FMA to each loop-carried chain.
        var sum = SIMD16<Float>(), minimumSum = SIMD16<Float>()
        let groups = count / groupElements
        var g = 0
        while g < groups {
            let b = w + g * 4 * blockBytes
            let pa = packed + g * groupBytes
            let q = loadQuants(b + qsOffset, stride: blockBytes)
            let acc = nibbleDot(q, pa, start: SIMD16<Int32>(),
                                highBits: qhOffset.map { fifthBits(b, blockBytes: blockBytes, qhOffset: $0) })
            let scale = spreadPerQuarter(blockHalves(b, offset: 0, blockBytes: blockBytes))
                * pa.loadUnaligned(fromByteOffset: scaleOffset, as: SIMD16<Float>.self)
            let minimum = spreadPerQuarter(blockHalves(b, offset: 2, blockBytes: blockBytes))
            sum.addProduct(floatLanes(acc), scale)
            minimumSum.addProduct(minimum, pa.loadUnaligned(fromByteOffset: extraOffset, as: SIMD16<Float>.self))
            g += 1
        }
        var total = horizontalSum(sum + minimumSum)
        for i in groups * 4..<count / 32 {
            total += tail(w + i * blockBytes, act + i * Q8_1.blockBytes)
        }
        return total
    }
}
