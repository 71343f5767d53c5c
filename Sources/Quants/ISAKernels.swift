import GGUF

/// The products whose inner loops depend on the instruction set, as this build of the kernel source computes
/// them. Package.swift compiles `Sources/Quants` once per instruction set (Quants itself is the generic build,
/// then QuantsAVX2 and QuantsAVX512VNNI), and `QuantKernels` (in `Dispatch/`, part of Quants only) calls one
/// build's `ISAKernels` per product: one dispatch per matrix, never per block. The entry points are
/// `@inline(never)` so that a build's code stays in its own functions, compiled for its own CPU.
package enum ISAKernels {
    /// `QuantKernels.dot` on this build.
    @inline(never)
    package static func dot(type: GGMLType, row: UnsafeRawPointer, count: Int, activation: UnsafeRawPointer) -> Float {
        switch type {
        case .q4_0: return Q4_0.dot(row, activation, count: count)
        case .q4_1: return Q4_1.dot(row, activation, count: count)
        case .q5_0: return Q5_0.dot(row, activation, count: count)
        case .q5_1: return Q5_1.dot(row, activation, count: count)
        case .q8_0: return Q8_0.dot(row, activation, count: count)
        case .q4_K: return Q4_K.dot(row, activation, count: count)
        case .q5_K: return Q5_K.dot(row, activation, count: count)
        case .q6_K: return Q6_K.dot(row, activation, count: count)
        case .f32: return FloatRows.dotF32(row, activation.assumingMemoryBound(to: Float.self), count: count)
        case .f16: return FloatRows.dotF16(row, activation.assumingMemoryBound(to: Float.self), count: count)
        case .bf16: return FloatRows.dotBF16(row, activation.assumingMemoryBound(to: Float.self), count: count)
        default: preconditionFailure("no kernels for \(type)")
        }
    }

    /// `QuantKernels.matVec` on this build.
    @inline(never)
    package static func matVec(type: GGMLType, weights: UnsafeRawPointer, cols: Int, rows: Range<Int>,
                              activation: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>) {
        guard let stride = type.byteCount(elements: cols) else {
            preconditionFailure("\(cols) columns are not whole \(type) blocks")
        }
        // One loop per type, each its own symbol, so the dot inlines into it (and shows up by name in profiles).
        switch type {
        case .q4_0: matVecQ4_0(weights, stride, cols, rows, activation, y)
        case .q4_1: matVecQ4_1(weights, stride, cols, rows, activation, y)
        case .q5_0: matVecQ5_0(weights, stride, cols, rows, activation, y)
        case .q5_1: matVecQ5_1(weights, stride, cols, rows, activation, y)
        case .q8_0: matVecQ8_0(weights, stride, cols, rows, activation, y)
        case .q4_K: matVecQ4_K(weights, stride, cols, rows, activation, y)
        case .q5_K: matVecQ5_K(weights, stride, cols, rows, activation, y)
        case .q6_K: matVecQ6_K(weights, stride, cols, rows, activation, y)
        case .f32: matVecF32(weights, stride, cols, rows, activation, y)
        case .f16: matVecF16(weights, stride, cols, rows, activation, y)
        case .bf16: matVecBF16(weights, stride, cols, rows, activation, y)
        default: preconditionFailure("no kernels for \(type)")
        }
    }

    @inline(never) static func matVecQ4_0(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = Q4_0.dot(w + r * stride, act, count: cols) }
    }
    @inline(never) static func matVecQ4_1(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = Q4_1.dot(w + r * stride, act, count: cols) }
    }
    @inline(never) static func matVecQ5_0(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = Q5_0.dot(w + r * stride, act, count: cols) }
    }
    @inline(never) static func matVecQ5_1(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = Q5_1.dot(w + r * stride, act, count: cols) }
    }
    @inline(never) static func matVecQ8_0(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = Q8_0.dot(w + r * stride, act, count: cols) }
    }
    @inline(never) static func matVecQ4_K(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = Q4_K.dot(w + r * stride, act, count: cols) }
    }
    @inline(never) static func matVecQ5_K(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = Q5_K.dot(w + r * stride, act, count: cols) }
    }
    @inline(never) static func matVecQ6_K(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = Q6_K.dot(w + r * stride, act, count: cols) }
    }
    @inline(never) static func matVecF32(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let x = act.assumingMemoryBound(to: Float.self)
        for r in rows { y[r] = FloatRows.dotF32(w + r * stride, x, count: cols) }
    }
    @inline(never) static func matVecF16(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let x = act.assumingMemoryBound(to: Float.self)
        for r in rows { y[r] = FloatRows.dotF16(w + r * stride, x, count: cols) }
    }
    @inline(never) static func matVecBF16(_ w: UnsafeRawPointer, _ stride: Int, _ cols: Int, _ rows: Range<Int>, _ act: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let x = act.assumingMemoryBound(to: Float.self)
        for r in rows { y[r] = FloatRows.dotBF16(w + r * stride, x, count: cols) }
    }

    /// `QuantKernels.matMulQuantized` on this build.
    @inline(never)
    package static func matMulQuantized(type: GGMLType, weights: UnsafeRawPointer, cols: Int, rows: Range<Int>,
                                       activations: UnsafeRawPointer, activationStride: Int, tokens: Int,
                                       output: UnsafeMutablePointer<Float>, outputStride: Int) {
        guard let rowBytes = type.byteCount(elements: cols) else {
            preconditionFailure("\(cols) columns are not whole \(type) blocks")
        }
        precondition(rows.upperBound <= outputStride, "rows \(rows) exceed the output stride \(outputStride)")
        guard tokens > 0, !rows.isEmpty else { return }
        let matrix = PanelSource(weights: weights, rowBytes: rowBytes, cols: cols)
        let batch = TokenBatch(base: activations, stride: activationStride, count: tokens)
        switch type {
        case .q4_0: PanelMatMul.smallBlocks(Q4_0.self, matrix, rows, batch, output, outputStride)
        case .q4_1: PanelMatMul.smallBlocks(Q4_1.self, matrix, rows, batch, output, outputStride)
        case .q5_0: PanelMatMul.smallBlocks(Q5_0.self, matrix, rows, batch, output, outputStride)
        case .q5_1: PanelMatMul.smallBlocks(Q5_1.self, matrix, rows, batch, output, outputStride)
        case .q8_0: PanelMatMul.smallBlocks(Q8_0.self, matrix, rows, batch, output, outputStride)
        case .q4_K: PanelMatMul.superBlocks(Q4_K.self, matrix, rows, batch, output, outputStride)
        case .q5_K: PanelMatMul.superBlocks(Q5_K.self, matrix, rows, batch, output, outputStride)
        case .q6_K: PanelMatMul.superBlocks(Q6_K.self, matrix, rows, batch, output, outputStride)
        default:
            for t in 0..<tokens {
                let activation = activations + t * activationStride
                for r in rows {
                    output[t * outputStride + r] = dot(type: type, row: weights + r * rowBytes, count: cols, activation: activation)
                }
            }
        }
    }
}
