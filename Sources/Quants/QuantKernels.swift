import GGUF

/// Entry points for the inference module: quantize an activation vector once, then dot it against many
/// weight rows read straight from the GGUF memory map.
///
/// ```swift
/// let act = UnsafeMutableRawPointer.allocate(
///     byteCount: QuantKernels.activationBytes(for: .q4_K, count: cols), alignment: 64)
/// QuantKernels.quantizeActivation(x, count: cols, for: .q4_K, into: act)
/// QuantKernels.matVec(type: .q4_K, weights: w, cols: cols, rows: 0..<rows, activation: act, into: y)
/// ```
///
/// Numerics follow llama.cpp's CPU backend: the activation is quantized to the weight type's `vec_dot_type`
/// (Q8_0 for Q4_0/Q5_0/Q8_0, Q8_1 for Q4_1/Q5_1, Q8_K for the K types; float weights take F32 as is) with
/// ggml's reference quantizers, and every block dot is exact in integers before its float scales are applied.
/// All functions are non-generic and take raw pointers so that they specialize across module boundaries.
public enum QuantKernels {
    /// Weight types with kernels here.
    public static let supportedWeightTypes: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]

    public static func supports(_ type: GGMLType) -> Bool { supportedWeightTypes.contains(type) }

    /// The activation format a weight type's dot consumes (ggml's `vec_dot_type`).
    public static func activationType(for weight: GGMLType) -> GGMLType {
        switch weight {
        case .q4_0, .q5_0, .q8_0: return .q8_0
        case .q4_1, .q5_1: return .q8_1
        case .q4_K, .q5_K, .q6_K: return .q8_K
        case .f32, .f16, .bf16: return .f32
        default: preconditionFailure("no kernels for \(weight)")
        }
    }

    /// Bytes of the buffer `quantizeActivation` fills for `count` elements: the activation blocks followed by
    /// their kernel-ordered packing. Allocate with 64-byte alignment.
    public static func activationBytes(for weight: GGMLType, count: Int) -> Int {
        switch weight {
        case .q4_0, .q5_0: return SmallBlockPacking.activationBytes(count: count, activationBlockBytes: Q8_0.blockBytes)
        case .q4_1, .q5_1: return SmallBlockPacking.activationBytes(count: count, activationBlockBytes: Q8_1.blockBytes)
        case .q8_0: return Q8_0.activationBytes(count: count)
        case .q4_K, .q5_K: return Q4_K.activationBytes(count: count)
        case .q6_K: return Q6_K.activationBytes(count: count)
        case .f32, .f16, .bf16: return count * 4
        default: preconditionFailure("no kernels for \(weight)")
        }
    }

    /// Quantizes (and packs) `count` activations for dotting against rows of `weight`.
    /// `count` must be a whole number of the weight type's blocks.
    public static func quantizeActivation(_ x: UnsafePointer<Float>, count: Int, for weight: GGMLType,
                                          into dst: UnsafeMutableRawPointer) {
        precondition(count % weight.blockElements == 0, "\(count) activations are not whole \(weight) blocks")
        switch weight {
        case .q4_0: Q4_0.prepareActivation(x, count: count, into: dst)
        case .q5_0: Q5_0.prepareActivation(x, count: count, into: dst)
        case .q4_1: Q4_1.prepareActivation(x, count: count, into: dst)
        case .q5_1: Q5_1.prepareActivation(x, count: count, into: dst)
        case .q8_0: Q8_0.prepareActivation(x, count: count, into: dst)
        case .q4_K, .q5_K: Q4_K.prepareActivation(x, count: count, into: dst)
        case .q6_K: Q6_K.prepareActivation(x, count: count, into: dst)
        case .f32, .f16, .bf16: dst.copyMemory(from: x, byteCount: count * 4)
        default: preconditionFailure("no kernels for \(weight)")
        }
    }

    /// ggml's `quantize_row_q8_0` (fast path, byte-identical to `Q8_0.quantizeReference`): `count / 32` blocks
    /// of 34 bytes at `dst`.
    public static func quantizeRowQ8_0(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        Q8_0.quantize(x, count: count, into: dst)
    }

    /// ggml's `quantize_row_q8_K` (fast path, byte-identical to `Q8_K.quantizeReference`): `count / 256` blocks
    /// of 292 bytes at `dst`.
    public static func quantizeRowQ8_K(_ x: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        Q8_K.quantize(x, count: count, into: dst)
    }

    /// The ggml reference dot of one row against activation *blocks* (the first region of a prepared
    /// activation, or plain F32 for float rows). Slow; for tests and debugging.
    public static func dotReference(type: GGMLType, row: UnsafeRawPointer, count: Int, activation: UnsafeRawPointer) -> Float {
        switch type {
        case .q4_0: return Q4_0.dotReference(row, activation, count: count)
        case .q4_1: return Q4_1.dotReference(row, activation, count: count)
        case .q5_0: return Q5_0.dotReference(row, activation, count: count)
        case .q5_1: return Q5_1.dotReference(row, activation, count: count)
        case .q8_0: return Q8_0.dotReference(row, activation, count: count)
        case .q4_K: return Q4_K.dotReference(row, activation, count: count)
        case .q5_K: return Q5_K.dotReference(row, activation, count: count)
        case .q6_K: return Q6_K.dotReference(row, activation, count: count)
        case .f32, .f16, .bf16:
            let x = activation.assumingMemoryBound(to: Float.self)
            var sum: Float = 0
            for i in 0..<count { sum += FloatRows.element(type, row, i) * x[i] }
            return sum
        default: preconditionFailure("no kernels for \(type)")
        }
    }

    /// Dequantizes `count` elements (whole blocks) of `type` to F32.
    public static func dequantizeRow(type: GGMLType, _ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        switch type {
        case .q4_0: Q4_0.dequantize(src, count: count, into: y)
        case .q4_1: Q4_1.dequantize(src, count: count, into: y)
        case .q5_0: Q5_0.dequantize(src, count: count, into: y)
        case .q5_1: Q5_1.dequantize(src, count: count, into: y)
        case .q8_0: Q8_0.dequantize(src, count: count, into: y)
        case .q4_K: Q4_K.dequantize(src, count: count, into: y)
        case .q5_K: Q5_K.dequantize(src, count: count, into: y)
        case .q6_K: Q6_K.dequantize(src, count: count, into: y)
        case .f32: UnsafeMutableRawPointer(y).copyMemory(from: src, byteCount: count * 4)
        case .f16: FloatRows.f16ToF32(src, count: count, into: y)
        case .bf16: FloatRows.bf16ToF32(src, count: count, into: y)
        default: preconditionFailure("no kernels for \(type)")
        }
    }

    /// The ggml `dequantize_row_*` reference for `type` (scalar; the specification the fast path is tested against).
    public static func dequantizeRowReference(type: GGMLType, _ src: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>) {
        switch type {
        case .q4_0: Q4_0.dequantizeReference(src, count: count, into: y)
        case .q4_1: Q4_1.dequantizeReference(src, count: count, into: y)
        case .q5_0: Q5_0.dequantizeReference(src, count: count, into: y)
        case .q5_1: Q5_1.dequantizeReference(src, count: count, into: y)
        case .q8_0: Q8_0.dequantizeReference(src, count: count, into: y)
        case .q4_K: Q4_K.dequantizeReference(src, count: count, into: y)
        case .q5_K: Q5_K.dequantizeReference(src, count: count, into: y)
        case .q6_K: Q6_K.dequantizeReference(src, count: count, into: y)
        case .f32, .f16, .bf16: for i in 0..<count { y[i] = FloatRows.element(type, src, i) }
        default: preconditionFailure("no kernels for \(type)")
        }
    }
}
