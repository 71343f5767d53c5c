// The seeded generator, aligned buffers and random rows live in the shared TestSupport target (the benchmarks
// build the same inputs); re-exported so every file of this target sees them.
@_exported import TestSupport
import GGUF
import Quants

func storeHalf(_ value: Float, _ p: UnsafeMutableRawPointer, _ offset: Int) {
    p.storeBytes(of: Float16(value), toByteOffset: offset, as: Float16.self)
}

/// sum |a[i] - b[i]|^2 / sum b[i]^2 (normalized mean squared error), as llama.cpp's check-nmse.
func nmse(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
    var num = 0.0, den = 0.0
    for i in 0..<count {
        let e = Double(a[i]) - Double(b[i])
        num += e * e
        den += Double(b[i]) * Double(b[i])
    }
    return den == 0 ? num : num / den
}

/// sum |w_i * x_i| with dequantized weights: the scale of rounding in any summation order.
func absoluteDot(_ type: GGMLType, _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ count: Int) -> Float {
    let w = AlignedBuffer(bytes: 4 * count)
    QuantKernels.dequantizeRowReference(type: type, row, count: count, into: w.floats)
    var s: Float = 0
    for i in 0..<count { s += abs(w.floats[i] * x[i]) }
    return max(s, 1e-6)
}

/// Runs `body` once on every kernel path this CPU supports (each product dispatches on `QuantKernels.path`),
/// then restores the path the process started with.
func forEachKernelPath(_ body: (KernelPath) throws -> Void) rethrows {
    let start = QuantKernels.path
    defer { try! QuantKernels.use(start) }
    for path in QuantKernels.supportedPaths {
        try! QuantKernels.use(path)
        try body(path)
    }
}
