import GGUF

// Batched products on integer dots, for prompt prefill: Y[t][r] = dot(W row r, x_t) for many tokens t, with the
// activations quantized once per token by `quantizeActivation`, as in decode (llama.cpp's numerics).
//
// The per-(row, token) `dot` unpacks every weight block again for every token and multiplies one product per
// 32-bit lane (`bytePlaneDot`). Here the weights are unpacked once per call into a *panel* of 16 rows, and the
// panel is then multiplied with every token by an outer-product micro-kernel built on `vpdpbusd` (u8 x s8 -> s32,
// 64 multiply-adds per instruction): 32-bit lane r of a weight vector holds four consecutive unsigned quants of
// row r, and the four matching int8 activations of one token are broadcast to all lanes (folded into the
// instruction as a `{1to16}` memory operand). One weight vector feeds four tokens; per block the integer sums
// get their scales in the lanes, so the 16 results of a token are its outputs for 16 consecutive rows, one store.
//
// Panel layout (all vectors 64 bytes, lane r = row r of the panel; rows past the range are zero):
//   32-element types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0), per block b, `smallBlockStride` bytes:
//     +0     8 quant vectors: vector k, lane r = unsigned quants 4k..4k+3 of the block in row r
//            (Q8_0 stores q + 128; the others their unsigned 4- or 5-bit values)
//     +512   Float d per row
//     +576   Float m per row (Q4_1, Q5_1)
//   256-element K types (Q4_K, Q5_K, Q6_K), per super-block, `superBlockStride` bytes:
//     +0     64 quant vectors as above (Q6_K stores q + 32 in 0..63)
//     +4096  Int32 sub-block scales, one vector per sub-block (8 of 32 elements, or 16 of 16 for Q6_K)
//     +5120  8 vectors of Int16 pairs for `vpdpwssd` with the Q8_K `bsums` words (bsums[2w], bsums[2w + 1]):
//            Q4_K/Q5_K (m_w, m_w), the sub-block min; Q6_K (-32 sc_2w, -32 sc_2w+1), the offset of q + 32
//     +5632  Float d per row, +5696 Float dmin per row (Q4_K, Q5_K)
// The offsets of unsigned quants (-8, -16, -128 per 32-element block) are folded in as a per-(token, block) Int32
// start value of the accumulator, -offset * sum(q8), the same for every row.
extension QuantKernels {
    /// Weight types `matMulQuantized` runs with the integer micro-kernel (the float types fall back to `dot`).
    public static func hasQuantizedMatMulKernel(_ type: GGMLType) -> Bool {
        switch type {
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K: return true
        default: return false
        }
    }
}

/// The weight matrix as the panel packer reads it.
struct PanelSource {
    let weights: UnsafeRawPointer
    let rowBytes: Int
    let cols: Int
}

/// Prepared activations of a batch: token t's ggml blocks at `base + t * stride`.
struct TokenBatch {
    let base: UnsafeRawPointer
    let stride: Int
    let count: Int

    /// Token `t`, or the last token for the padding slots of a final group of four.
    @inline(__always)
    func token(_ t: Int) -> UnsafeRawPointer { base + min(t, count - 1) * stride }
}

/// Four tokens' values (four lanes of the register block).
struct Four<Value> {
    var t0: Value, t1: Value, t2: Value, t3: Value

    @inline(__always)
    init(_ t0: Value, _ t1: Value, _ t2: Value, _ t3: Value) { (self.t0, self.t1, self.t2, self.t3) = (t0, t1, t2, t3) }

    @inline(__always)
    init(repeating value: Value) { (t0, t1, t2, t3) = (value, value, value, value) }

    @inline(__always)
    subscript(_ i: Int) -> Value {
        switch i {
        case 0: return t0
        case 1: return t1
        case 2: return t2
        default: return t3
        }
    }
}

enum PanelMatMul {
    static let panelRows = 16
    static let smallQuantBytes = 512
    static let smallScaleOffset = 512
    static let smallMinimumOffset = 576
    static let smallBlockStride = 640
    static let superQuantBytes = 4096
    static let superScalesOffset = 4096
    static let superPairsOffset = 5120
    static let superScaleOffset = 5632
    static let superMinimumOffset = 5696
    static let superBlockStride = 5760

    // MARK: 32-element blocks

    /// Per (token, block) values of Q8_0/Q8_1 activations: the block scale d and either the start value
    /// -offset * sum(q8) (Int32) or the Q8_1 sum s (Float bits) for the minimum.
    struct TokenBlock {
        var scale: Float
        var extra: UInt32
    }

    @inline(never)
    static func smallBlocks<Format: SmallBlockFormat>(_ format: Format.Type, _ matrix: PanelSource, _ rows: Range<Int>, _ batch: TokenBatch,
                            _ output: UnsafeMutablePointer<Float>, _ outputStride: Int) {
        let blocks = matrix.cols / 32
        let panel = UnsafeMutableRawPointer.allocate(byteCount: blocks * smallBlockStride, alignment: 64)
        let staging = UnsafeMutableRawPointer.allocate(byteCount: panelRows * matrix.cols, alignment: 64)
        let table = UnsafeMutablePointer<TokenBlock>.allocate(capacity: batch.count * blocks)
        defer { panel.deallocate(); staging.deallocate(); table.deallocate() }
        for t in 0..<batch.count {
            let activation = batch.token(t)
            for b in 0..<blocks {
                let block = activation + b * format.activationBlockBytes
                let extra = format.hasMinimum
                    ? loadHalf(block, 2).bitPattern
                    : UInt32(bitPattern: -format.quantOffset * quantSum32(block + format.activationQuantsOffset))
                table[t * blocks + b] = TokenBlock(scale: loadHalf(block, 0), extra: extra)
            }
        }
        var first = rows.lowerBound
        while first < rows.upperBound {
            let count = min(panelRows, rows.upperBound - first)
            packSmallBlocks(format, matrix, first, count, panel, staging)
            var t = 0
            while t < batch.count {
                let sums = smallBlockTile(UnsafeRawPointer(panel), blocks: blocks, batch, t, UnsafePointer(table), format)
                store(sums, tokens: t..<min(t + 4, batch.count), rows: first..<first + count, output, outputStride)
                t += 4
            }
            first += count
        }
    }

    /// Unpacks rows first..<first + count into the panel (see the layout above).
    @inline(__always)
    static func packSmallBlocks<Format: SmallBlockFormat>(_ format: Format.Type, _ matrix: PanelSource, _ first: Int, _ count: Int,
                                _ panel: UnsafeMutableRawPointer, _ staging: UnsafeMutableRawPointer) {
        let blocks = matrix.cols / 32
        for lane in 0..<panelRows {
            let stage = staging + lane * matrix.cols
            guard lane < count else {
                stage.initializeMemory(as: UInt8.self, repeating: 0, count: matrix.cols)
                for b in 0..<blocks {
                    panel.storeBytes(of: 0, toByteOffset: b * smallBlockStride + smallScaleOffset + 4 * lane, as: Float.self)
                    panel.storeBytes(of: 0, toByteOffset: b * smallBlockStride + smallMinimumOffset + 4 * lane, as: Float.self)
                }
                continue
            }
            let row = matrix.weights + (first + lane) * matrix.rowBytes
            for b in 0..<blocks {
                let (d, m) = format.unpackPanelBlock(row + b * format.blockBytes, stage + 32 * b)
                panel.storeBytes(of: d, toByteOffset: b * smallBlockStride + smallScaleOffset + 4 * lane, as: Float.self)
                panel.storeBytes(of: m, toByteOffset: b * smallBlockStride + smallMinimumOffset + 4 * lane, as: Float.self)
            }
        }
        for b in 0..<blocks {
            transpose(staging + 32 * b, rowStride: matrix.cols, quads: 8, into: panel + b * smallBlockStride)
        }
    }

    /// Four tokens (t..<t + 4) times one panel of 32-element blocks: per block, eight `vpdpbusd` per token into
    /// an accumulator that starts at the token's offset correction, then d_w * d_a (and m_w * s_a) in float.
    @inline(__always)
    static func smallBlockTile<Format: SmallBlockFormat>(_ panel: UnsafeRawPointer, blocks: Int, _ batch: TokenBatch, _ t: Int,
                               _ table: UnsafePointer<TokenBlock>, _ format: Format.Type) -> Four<SIMD16<Float>> {
        let a = Four(batch.token(t), batch.token(t + 1), batch.token(t + 2), batch.token(t + 3))
        let p = Four(table + min(t, batch.count - 1) * blocks, table + min(t + 1, batch.count - 1) * blocks,
                     table + min(t + 2, batch.count - 1) * blocks, table + min(t + 3, batch.count - 1) * blocks)
        var sum = Four(repeating: SIMD16<Float>()), minimum = Four(repeating: SIMD16<Float>())
        let aBytes = format.activationBlockBytes, aQuants = format.activationQuantsOffset
        for b in 0..<blocks {
            let w = panel + b * smallBlockStride
            let q = Four(a.t0 + b * aBytes + aQuants, a.t1 + b * aBytes + aQuants,
                         a.t2 + b * aBytes + aQuants, a.t3 + b * aBytes + aQuants)
            let tb = Four(p.t0[b], p.t1[b], p.t2[b], p.t3[b])
            var acc = format.hasMinimum
                ? Four(repeating: SIMD16<Int32>())
                : Four(SIMD16(repeating: Int32(bitPattern: tb.t0.extra)), SIMD16(repeating: Int32(bitPattern: tb.t1.extra)),
                       SIMD16(repeating: Int32(bitPattern: tb.t2.extra)), SIMD16(repeating: Int32(bitPattern: tb.t3.extra)))
            // Even and odd quads in separate accumulators: eight independent `vpdpbusd` chains instead of four,
            // enough to cover the instruction's latency (integer sums: the order cannot change the result).
            var odd = Four(repeating: SIMD16<Int32>())
            for k in stride(from: 0, to: 8, by: 2) {
                acc = dotQuads(acc, w.loadUnaligned(fromByteOffset: 64 * k, as: SIMD16<Int32>.self), q, 4 * k,
                               fullRange: format.quantsFillByteRange)
                odd = dotQuads(odd, w.loadUnaligned(fromByteOffset: 64 * k + 64, as: SIMD16<Int32>.self), q, 4 * k + 4,
                               fullRange: format.quantsFillByteRange)
            }
            acc = Four(acc.t0 &+ odd.t0, acc.t1 &+ odd.t1, acc.t2 &+ odd.t2, acc.t3 &+ odd.t3)
            let d = w.loadUnaligned(fromByteOffset: smallScaleOffset, as: SIMD16<Float>.self)
            sum.t0.addProduct(floatLanes(acc.t0), d * SIMD16(repeating: tb.t0.scale))
            sum.t1.addProduct(floatLanes(acc.t1), d * SIMD16(repeating: tb.t1.scale))
            sum.t2.addProduct(floatLanes(acc.t2), d * SIMD16(repeating: tb.t2.scale))
            sum.t3.addProduct(floatLanes(acc.t3), d * SIMD16(repeating: tb.t3.scale))
            if format.hasMinimum {
                let m = w.loadUnaligned(fromByteOffset: smallMinimumOffset, as: SIMD16<Float>.self)
                minimum.t0.addProduct(m, SIMD16(repeating: Float(bitPattern: tb.t0.extra)))
                minimum.t1.addProduct(m, SIMD16(repeating: Float(bitPattern: tb.t1.extra)))
                minimum.t2.addProduct(m, SIMD16(repeating: Float(bitPattern: tb.t2.extra)))
                minimum.t3.addProduct(m, SIMD16(repeating: Float(bitPattern: tb.t3.extra)))
            }
        }
        guard format.hasMinimum else { return sum }
        return Four(sum.t0 + minimum.t0, sum.t1 + minimum.t1, sum.t2 + minimum.t2, sum.t3 + minimum.t3)
    }

    /// One weight vector times four tokens' broadcast activation quads at `offset`: four `vpdpbusd` (see
    /// `multiplyAddBytes` for `fullRange`).
    @inline(__always)
    static func dotQuads(_ acc: Four<SIMD16<Int32>>, _ weights: SIMD16<Int32>, _ q: Four<UnsafeRawPointer>, _ offset: Int,
                         fullRange: Bool) -> Four<SIMD16<Int32>> {
        @inline(__always) func quad(_ p: UnsafeRawPointer) -> SIMD16<Int32> {
            SIMD16(repeating: p.loadUnaligned(fromByteOffset: offset, as: Int32.self))
        }
        return Four(multiplyAddBytes(acc.t0, weights, quad(q.t0), fullRange: fullRange),
                    multiplyAddBytes(acc.t1, weights, quad(q.t1), fullRange: fullRange),
                    multiplyAddBytes(acc.t2, weights, quad(q.t2), fullRange: fullRange),
                    multiplyAddBytes(acc.t3, weights, quad(q.t3), fullRange: fullRange))
    }

    // MARK: 256-element super-blocks

    @inline(never)
    static func superBlocks<Format: SuperBlockFormat>(_ format: Format.Type, _ matrix: PanelSource, _ rows: Range<Int>, _ batch: TokenBatch,
                            _ output: UnsafeMutablePointer<Float>, _ outputStride: Int) {
        let blocks = matrix.cols / 256
        let panel = UnsafeMutableRawPointer.allocate(byteCount: blocks * superBlockStride, alignment: 64)
        let staging = UnsafeMutableRawPointer.allocate(byteCount: panelRows * matrix.cols, alignment: 64)
        defer { panel.deallocate(); staging.deallocate() }
        var first = rows.lowerBound
        while first < rows.upperBound {
            let count = min(panelRows, rows.upperBound - first)
            packSuperBlocks(format, matrix, first, count, panel, staging)
            var t = 0
            while t < batch.count {
                let sums = superBlockTile(UnsafeRawPointer(panel), blocks: blocks, batch, t, format)
                store(sums, tokens: t..<min(t + 4, batch.count), rows: first..<first + count, output, outputStride)
                t += 4
            }
            first += count
        }
    }

    @inline(__always)
    static func packSuperBlocks<Format: SuperBlockFormat>(_ format: Format.Type, _ matrix: PanelSource, _ first: Int, _ count: Int,
                                _ panel: UnsafeMutableRawPointer, _ staging: UnsafeMutableRawPointer) {
        let blocks = matrix.cols / 256
        if count < panelRows {  // lanes past the range: zero quants, scales and pair weights
            panel.initializeMemory(as: UInt8.self, repeating: 0, count: blocks * superBlockStride)
            staging.initializeMemory(as: UInt8.self, repeating: 0, count: panelRows * matrix.cols)
        }
        for lane in 0..<count {
            let row = matrix.weights + (first + lane) * matrix.rowBytes
            for b in 0..<blocks {
                format.unpackPanelBlock(row + b * format.blockBytes, staging + lane * matrix.cols + 256 * b,
                                        panel + b * superBlockStride, lane)
            }
        }
        for b in 0..<blocks {
            transpose(staging + 256 * b, rowStride: matrix.cols, quads: 64, into: panel + b * superBlockStride)
        }
    }

    /// Four tokens times one panel of K super-blocks: per sub-block, `vpdpbusd` into a fresh accumulator, times
    /// the rows' integer sub-block scales into the super-block sum; the `bsums` term by `vpdpwssd`; then the
    /// float scales d * d8 (and dmin * d8) once per super-block.
    @inline(__always)
    static func superBlockTile<Format: SuperBlockFormat>(_ panel: UnsafeRawPointer, blocks: Int, _ batch: TokenBatch, _ t: Int,
                                                             _ format: Format.Type) -> Four<SIMD16<Float>> {
        let a = Four(batch.token(t), batch.token(t + 1), batch.token(t + 2), batch.token(t + 3))
        var sum = Four(repeating: SIMD16<Float>()), minimum = Four(repeating: SIMD16<Float>())
        let subBlocks = 256 / format.subBlockElements, quadsPerSubBlock = format.subBlockElements / 4
        for b in 0..<blocks {
            let w = panel + b * superBlockStride
            let block = Four(a.t0 + b * Q8_K.blockBytes, a.t1 + b * Q8_K.blockBytes,
                             a.t2 + b * Q8_K.blockBytes, a.t3 + b * Q8_K.blockBytes)
            let q = Four(block.t0 + Q8_K.qsOffset, block.t1 + Q8_K.qsOffset, block.t2 + Q8_K.qsOffset, block.t3 + Q8_K.qsOffset)
            var total = Four(repeating: SIMD16<Int32>())
            for j in 0..<subBlocks {
                var acc = Four(repeating: SIMD16<Int32>()), odd = Four(repeating: SIMD16<Int32>())
                for k in stride(from: 0, to: quadsPerSubBlock, by: 2) {  // two chains per token, as above
                    let quad = j * quadsPerSubBlock + k
                    // K quants are at most six bits (Q6_K's q + 32 is 0...63).
                    acc = dotQuads(acc, w.loadUnaligned(fromByteOffset: 64 * quad, as: SIMD16<Int32>.self), q, 4 * quad,
                                   fullRange: false)
                    odd = dotQuads(odd, w.loadUnaligned(fromByteOffset: 64 * quad + 64, as: SIMD16<Int32>.self), q, 4 * quad + 4,
                                   fullRange: false)
                }
                acc = Four(acc.t0 &+ odd.t0, acc.t1 &+ odd.t1, acc.t2 &+ odd.t2, acc.t3 &+ odd.t3)
                let scale = w.loadUnaligned(fromByteOffset: superScalesOffset + 64 * j, as: SIMD16<Int32>.self)
                total = Four(total.t0 &+ acc.t0 &* scale, total.t1 &+ acc.t1 &* scale,
                             total.t2 &+ acc.t2 &* scale, total.t3 &+ acc.t3 &* scale)
            }
            let bsums = Four(block.t0 + Q8_K.bsumsOffset, block.t1 + Q8_K.bsumsOffset,
                             block.t2 + Q8_K.bsumsOffset, block.t3 + Q8_K.bsumsOffset)
            var pairs = Four(repeating: SIMD16<Int32>())
            for word in 0..<8 {
                let weights = w.loadUnaligned(fromByteOffset: superPairsOffset + 64 * word, as: SIMD16<Int32>.self)
                @inline(__always) func pair(_ acc: SIMD16<Int32>, _ p: UnsafeRawPointer) -> SIMD16<Int32> {
                    multiplyAddHalfWords(acc, weights, SIMD16(repeating: p.loadUnaligned(fromByteOffset: 4 * word, as: Int32.self)))
                }
                pairs = Four(pair(pairs.t0, bsums.t0), pair(pairs.t1, bsums.t1), pair(pairs.t2, bsums.t2), pair(pairs.t3, bsums.t3))
            }
            let d = w.loadUnaligned(fromByteOffset: superScaleOffset, as: SIMD16<Float>.self)
            @inline(__always) func d8(_ p: UnsafeRawPointer) -> SIMD16<Float> { SIMD16(repeating: KQuantPacking.scale(p)) }
            if format.pairsAreOffset {
                sum.t0.addProduct(floatLanes(total.t0 &+ pairs.t0), d * d8(block.t0))
                sum.t1.addProduct(floatLanes(total.t1 &+ pairs.t1), d * d8(block.t1))
                sum.t2.addProduct(floatLanes(total.t2 &+ pairs.t2), d * d8(block.t2))
                sum.t3.addProduct(floatLanes(total.t3 &+ pairs.t3), d * d8(block.t3))
            } else {
                let dmin = w.loadUnaligned(fromByteOffset: superMinimumOffset, as: SIMD16<Float>.self)
                sum.t0.addProduct(floatLanes(total.t0), d * d8(block.t0))
                sum.t1.addProduct(floatLanes(total.t1), d * d8(block.t1))
                sum.t2.addProduct(floatLanes(total.t2), d * d8(block.t2))
                sum.t3.addProduct(floatLanes(total.t3), d * d8(block.t3))
                minimum.t0.addProduct(floatLanes(pairs.t0), dmin * d8(block.t0))
                minimum.t1.addProduct(floatLanes(pairs.t1), dmin * d8(block.t1))
                minimum.t2.addProduct(floatLanes(pairs.t2), dmin * d8(block.t2))
                minimum.t3.addProduct(floatLanes(pairs.t3), dmin * d8(block.t3))
            }
        }
        guard !format.pairsAreOffset else { return sum }
        return Four(sum.t0 - minimum.t0, sum.t1 - minimum.t1, sum.t2 - minimum.t2, sum.t3 - minimum.t3)
    }

    // MARK: Shared steps

    /// Moves `quads` 4-byte groups of 16 staged rows (row r at `rows + r * rowStride`) into panel vectors:
    /// vector k, lane r = group k of row r. Done as 4 x 4 transposes of 16-byte pieces (two rounds of unpacks),
    /// each result stored straight into its quarter of a panel vector: assembling whole 16-lane vectors from
    /// scalar loads compiled to chains of `vpinsrd`.
    @inline(__always)
    static func transpose(_ rows: UnsafeRawPointer, rowStride: Int, quads: Int, into panel: UnsafeMutableRawPointer) {
        for group in 0..<panelRows / 4 {
            let source = rows + 4 * group * rowStride
            var k = 0
            while k < quads {
                @inline(__always) func piece(_ r: Int) -> SIMD4<UInt32> {
                    source.loadUnaligned(fromByteOffset: r * rowStride + 4 * k, as: SIMD4<UInt32>.self)
                }
                let a = piece(0), b = piece(1), c = piece(2), d = piece(3)
                let ab01 = SIMD4(a[0], b[0], a[1], b[1]), ab23 = SIMD4(a[2], b[2], a[3], b[3])
                let cd01 = SIMD4(c[0], d[0], c[1], d[1]), cd23 = SIMD4(c[2], d[2], c[3], d[3])
                let out = panel + 64 * k + 16 * group
                out.storeBytes(of: SIMD4(lowHalf: ab01.lowHalf, highHalf: cd01.lowHalf), as: SIMD4<UInt32>.self)
                out.storeBytes(of: SIMD4(lowHalf: ab01.highHalf, highHalf: cd01.highHalf), toByteOffset: 64, as: SIMD4<UInt32>.self)
                out.storeBytes(of: SIMD4(lowHalf: ab23.lowHalf, highHalf: cd23.lowHalf), toByteOffset: 128, as: SIMD4<UInt32>.self)
                out.storeBytes(of: SIMD4(lowHalf: ab23.highHalf, highHalf: cd23.highHalf), toByteOffset: 192, as: SIMD4<UInt32>.self)
                k += 4
            }
        }
    }

    /// Writes token t's 16 row results to output row t (only the valid tokens and rows).
    @inline(__always)
    static func store(_ sums: Four<SIMD16<Float>>, tokens: Range<Int>, rows: Range<Int>,
                      _ output: UnsafeMutablePointer<Float>, _ outputStride: Int) {
        for (i, t) in tokens.enumerated() {
            let v = sums[i]
            let out = output + t * outputStride + rows.lowerBound
            if rows.count == panelRows {
                UnsafeMutableRawPointer(out).storeBytes(of: v, as: SIMD16<Float>.self)
            } else {
                for r in 0..<rows.count { out[r] = v[r] }
            }
        }
    }
}

/// Natural-order unsigned quants of the weight types, for the panel packer.
///
/// Written on 32-bit words with byte masks: shifts of `SIMD32<UInt8>` were lowered lane by lane (a masked
/// `vgf2p8affineqb` per byte, a third of the Q4_K product's time), while word shifts are single instructions.
/// A word shift right by s < 8 followed by a mask of each byte's low bits keeps every bit within its byte.
enum PanelUnpack {
    static let lowNibbles: UInt32 = 0x0F0F_0F0F

    /// 32 quants of a Q4_0/Q4_1/Q5_0/Q5_1 block: byte j holds element j (low nibble) and j + 16 (high);
    /// element e's fifth bit, if any, is bit e of `fifthBits`.
    @inline(__always)
    static func nibbles(_ qs: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, fifthBits: UInt32? = nil) {
        let words = qs.loadUnaligned(as: SIMD4<UInt32>.self)
        var quants = SIMD8(lowHalf: words & lowNibbles, highHalf: (words &>> 4) & lowNibbles)
        if let qh = fifthBits {
            // Word w holds elements 4w..4w + 3, so it needs bits 4w..4w + 3 of qh; one multiply moves bit b (b < 4)
            // to bit 8b + 4, as the partial products 2^(b + 7c + 4) never collide. (Building byte lanes from the
            // four qh bytes was lowered lane by lane: 70% of a Q5_0 product.)
            let bits = SIMD8<UInt32>(repeating: qh) &>> SIMD8<UInt32>(0, 4, 8, 12, 16, 20, 24, 28)
            quants |= ((bits & 0xF) &* 0x0204_0810) & 0x1010_1010
        }
        dst.storeBytes(of: quants, as: SIMD8<UInt32>.self)
    }

    /// 32 quants of a Q8_0 block as q + 128.
    @inline(__always)
    static func signFlipped(_ qs: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer) {
        dst.storeBytes(of: qs.loadUnaligned(as: SIMD8<UInt32>.self) ^ 0x8080_8080, as: SIMD8<UInt32>.self)
    }

    /// 256 quants of a Q4_K/Q5_K super-block: each 64 elements are 32 bytes, low nibbles first; Q5_K's fifth bit
    /// of element 64c + l is bit 2c of qh[l] (bit 2c + 1 for 64c + 32 + l).
    @inline(__always)
    static func kNibbles(_ qs: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, fifthBits qh: UnsafeRawPointer?) {
        let high = qh.map { $0.loadUnaligned(as: SIMD8<UInt32>.self) } ?? SIMD8()
        for c in 0..<4 {
            let words = qs.loadUnaligned(fromByteOffset: 32 * c, as: SIMD8<UInt32>.self)
            var low = words & lowNibbles, upper = (words &>> 4) & lowNibbles
            if qh != nil {
                low |= ((high &>> UInt32(2 * c)) & 0x0101_0101) &<< 4
                upper |= ((high &>> UInt32(2 * c + 1)) & 0x0101_0101) &<< 4
            }
            dst.storeBytes(of: low, toByteOffset: 64 * c, as: SIMD8<UInt32>.self)
            dst.storeBytes(of: upper, toByteOffset: 64 * c + 32, as: SIMD8<UInt32>.self)
        }
    }

    /// 256 quants of a Q6_K super-block (0..63; see the layout in Q6_K.swift).
    @inline(__always)
    static func sixBits(_ block: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer) {
        for n in 0..<2 {
            let ql0 = block.loadUnaligned(fromByteOffset: 64 * n, as: SIMD8<UInt32>.self)
            let ql1 = block.loadUnaligned(fromByteOffset: 64 * n + 32, as: SIMD8<UInt32>.self)
            let h = block.loadUnaligned(fromByteOffset: Q6_K.qhOffset + 32 * n, as: SIMD8<UInt32>.self)
            @inline(__always) func twoBits(_ shift: UInt32) -> SIMD8<UInt32> { ((h &>> shift) & 0x0303_0303) &<< 4 }
            let out = dst + 128 * n
            out.storeBytes(of: (ql0 & lowNibbles) | twoBits(0), as: SIMD8<UInt32>.self)
            out.storeBytes(of: (ql1 & lowNibbles) | twoBits(2), toByteOffset: 32, as: SIMD8<UInt32>.self)
            out.storeBytes(of: ((ql0 &>> 4) & lowNibbles) | twoBits(4), toByteOffset: 64, as: SIMD8<UInt32>.self)
            out.storeBytes(of: ((ql1 &>> 4) & lowNibbles) | twoBits(6), toByteOffset: 96, as: SIMD8<UInt32>.self)
        }
    }

    /// Q4_K/Q5_K panel fields of one row: the 8 sub-block scales, the min pairs (m_w, m_w), d and dmin.
    @inline(__always)
    static func scalesAndMinimums(_ block: UnsafeRawPointer, _ fields: UnsafeMutableRawPointer, _ lane: Int) {
        let (scales, minimums) = Q4_K.unpackScales(block)
        for j in 0..<8 {
            let scale = UInt32(truncatingIfNeeded: scales >> UInt64(8 * j)) & 0xFF
            let minimum = UInt32(truncatingIfNeeded: minimums >> UInt64(8 * j)) & 0xFF
            fields.storeBytes(of: scale, toByteOffset: PanelMatMul.superScalesOffset + 64 * j + 4 * lane, as: UInt32.self)
            fields.storeBytes(of: minimum | minimum << 16, toByteOffset: PanelMatMul.superPairsOffset + 64 * j + 4 * lane, as: UInt32.self)
        }
        fields.storeBytes(of: loadHalf(block, 0), toByteOffset: PanelMatMul.superScaleOffset + 4 * lane, as: Float.self)
        fields.storeBytes(of: loadHalf(block, 2), toByteOffset: PanelMatMul.superMinimumOffset + 4 * lane, as: Float.self)
    }
}

/// A 32-element weight type as the panel kernel sees it.
protocol SmallBlockFormat {
    static var blockBytes: Int { get }
    /// The value subtracted from every unsigned quant (Q4_1/Q5_1: 0, they have a minimum instead).
    static var quantOffset: Int32 { get }
    /// Whether blocks carry a minimum m (x = d * q + m); their activations are then Q8_1, else Q8_0.
    static var hasMinimum: Bool { get }
    /// Whether the unsigned quants reach 128 and above (Q8_0's q + 128), which AVX2 multiplies in two halves.
    static var quantsFillByteRange: Bool { get }
    /// Unpacks one block into 32 unsigned quants in element order and returns its (d, m).
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer) -> (Float, Float)
}

extension SmallBlockFormat {
    static var activationBlockBytes: Int { hasMinimum ? Q8_1.blockBytes : Q8_0.blockBytes }
    static var activationQuantsOffset: Int { hasMinimum ? Q8_1.qsOffset : Q8_0.qsOffset }
}

extension Q4_0: SmallBlockFormat {
    static var quantOffset: Int32 { 8 }
    static var hasMinimum: Bool { false }
    static var quantsFillByteRange: Bool { false }
    @inline(__always)
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer) -> (Float, Float) {
        PanelUnpack.nibbles(block + qsOffset, quants)
        return (loadHalf(block, 0), 0)
    }
}

extension Q4_1: SmallBlockFormat {
    static var quantOffset: Int32 { 0 }
    static var hasMinimum: Bool { true }
    static var quantsFillByteRange: Bool { false }
    @inline(__always)
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer) -> (Float, Float) {
        PanelUnpack.nibbles(block + qsOffset, quants)
        return (loadHalf(block, 0), loadHalf(block, 2))
    }
}

extension Q5_0: SmallBlockFormat {
    static var quantOffset: Int32 { 16 }
    static var hasMinimum: Bool { false }
    static var quantsFillByteRange: Bool { false }
    @inline(__always)
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer) -> (Float, Float) {
        PanelUnpack.nibbles(block + qsOffset, quants, fifthBits: block.loadUnaligned(fromByteOffset: qhOffset, as: UInt32.self))
        return (loadHalf(block, 0), 0)
    }
}

extension Q5_1: SmallBlockFormat {
    static var quantOffset: Int32 { 0 }
    static var hasMinimum: Bool { true }
    static var quantsFillByteRange: Bool { false }
    @inline(__always)
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer) -> (Float, Float) {
        PanelUnpack.nibbles(block + qsOffset, quants, fifthBits: block.loadUnaligned(fromByteOffset: qhOffset, as: UInt32.self))
        return (loadHalf(block, 0), loadHalf(block, 2))
    }
}

extension Q8_0: SmallBlockFormat {
    /// Stored as q + 128 (the sign bit flipped), so 128 * sum(q8) comes off.
    static var quantOffset: Int32 { 128 }
    static var hasMinimum: Bool { false }
    static var quantsFillByteRange: Bool { true }
    @inline(__always)
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer) -> (Float, Float) {
        PanelUnpack.signFlipped(block + qsOffset, quants)
        return (loadHalf(block, 0), 0)
    }
}

/// A 256-element K type as the panel kernel sees it.
protocol SuperBlockFormat {
    static var blockBytes: Int { get }
    /// 32 (Q4_K, Q5_K) or 16 (Q6_K) elements per integer sub-block scale.
    static var subBlockElements: Int { get }
    /// Whether the `bsums` pair term is an integer correction of the quants (Q6_K's -32 offset) or the minimum,
    /// scaled by dmin and subtracted in float (Q4_K, Q5_K).
    static var pairsAreOffset: Bool { get }
    /// Unpacks one super-block of the row in panel lane `lane`: 256 unsigned quants in element order to
    /// `quants`, and the lane's scales, pair weights, d (and dmin) into the panel super-block at `fields`.
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer,
                                 _ fields: UnsafeMutableRawPointer, _ lane: Int)
}

extension Q4_K: SuperBlockFormat {
    static var subBlockElements: Int { 32 }
    static var pairsAreOffset: Bool { false }
    @inline(__always)
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer,
                                 _ fields: UnsafeMutableRawPointer, _ lane: Int) {
        PanelUnpack.kNibbles(block + qsOffset, quants, fifthBits: nil)
        PanelUnpack.scalesAndMinimums(block, fields, lane)
    }
}

extension Q5_K: SuperBlockFormat {
    static var subBlockElements: Int { 32 }
    static var pairsAreOffset: Bool { false }
    @inline(__always)
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer,
                                 _ fields: UnsafeMutableRawPointer, _ lane: Int) {
        PanelUnpack.kNibbles(block + qsOffset, quants, fifthBits: block + qhOffset)
        PanelUnpack.scalesAndMinimums(block, fields, lane)
    }
}

extension Q6_K: SuperBlockFormat {
    static var subBlockElements: Int { 16 }
    static var pairsAreOffset: Bool { true }
    /// Scales as Int32 lanes; pair weights (-32 sc_2w, -32 sc_2w+1) so that the `bsums` term is the -32 offset.
    @inline(__always)
    static func unpackPanelBlock(_ block: UnsafeRawPointer, _ quants: UnsafeMutableRawPointer,
                                 _ fields: UnsafeMutableRawPointer, _ lane: Int) {
        PanelUnpack.sixBits(block, quants)
        @inline(__always) func scale(_ j: Int) -> Int32 { Int32(block.load(fromByteOffset: scalesOffset + j, as: Int8.self)) }
        for j in 0..<16 {
            fields.storeBytes(of: scale(j), toByteOffset: PanelMatMul.superScalesOffset + 64 * j + 4 * lane, as: Int32.self)
        }
        for w in 0..<8 {
            let low = UInt32(UInt16(truncatingIfNeeded: -32 * scale(2 * w)))
            let high = UInt32(UInt16(truncatingIfNeeded: -32 * scale(2 * w + 1)))
            fields.storeBytes(of: low | high << 16, toByteOffset: PanelMatMul.superPairsOffset + 64 * w + 4 * lane, as: UInt32.self)
        }
        fields.storeBytes(of: loadHalf(block, dOffset), toByteOffset: PanelMatMul.superScaleOffset + 4 * lane, as: Float.self)
    }
}
