import CBLAS
import GGUF

// Batched products for prompt prefill: Y = X · W^T through OpenBLAS `cblas_sgemm`, dequantizing W a tile of
// rows at a time so the F32 tile stays cache-resident while sgemm reuses it across the whole batch.
// (Decode, with a batch of one, goes through `matVec`'s quantized dots instead.)
extension QuantKernels {
    /// Scratch floats for `matMul` tiles of about `tileBytes` (default 512 KiB, a quarter of this machine's L2):
    /// a whole number of rows, at least one.
    public static func matMulScratchCount(cols: Int, tileBytes: Int = 512 * 1024) -> Int {
        max(1, tileBytes / (cols * 4)) * cols
    }

    /// Y[b][r] = sum_k X[b][k] * W[r][k] for b in 0..<batch and r in `rows`.
    ///
    /// - X: `batch` rows of `cols` floats, contiguous.
    /// - W: rows of `cols` elements of `type` (row stride `type.byteCount(elements: cols)`).
    /// - Y: `batch` rows of `outputStride` floats (usually W's total row count); only columns in `rows` are written.
    /// - scratch: `scratchCount` floats, at least `cols` (see `matMulScratchCount`); one per thread.
    /// Disjoint row ranges may run on different threads (call `setBLASThreads(1)` first so OpenBLAS does not
    /// add threads of its own).
    public static func matMul(type: GGMLType, weights: UnsafeRawPointer, cols: Int, rows: Range<Int>,
                              input x: UnsafePointer<Float>, batch: Int,
                              output y: UnsafeMutablePointer<Float>, outputStride: Int,
                              scratch: UnsafeMutablePointer<Float>, scratchCount: Int) {
        guard let stride = type.byteCount(elements: cols) else {
            preconditionFailure("\(cols) columns are not whole \(type) blocks")
        }
        precondition(rows.upperBound <= outputStride, "rows \(rows) exceed the output stride \(outputStride)")
        guard batch > 0, !rows.isEmpty else { return }
        if type == .f32 {
            sgemm(x, batch: batch, cols: cols, weights: weights.advanced(by: rows.lowerBound * stride).assumingMemoryBound(to: Float.self),
                  rowCount: rows.count, into: y + rows.lowerBound, outputStride: outputStride)
            return
        }
        precondition(scratchCount >= cols, "matMul scratch of \(scratchCount) floats cannot hold one row of \(cols)")
        let tileRows = scratchCount / cols
        var r0 = rows.lowerBound
        while r0 < rows.upperBound {
            let n = min(tileRows, rows.upperBound - r0)
            for t in 0..<n {
                dequantizeRow(type: type, weights + (r0 + t) * stride, count: cols, into: scratch + t * cols)
            }
            sgemm(x, batch: batch, cols: cols, weights: scratch, rowCount: n, into: y + r0, outputStride: outputStride)
            r0 += n
        }
    }

    /// Sets OpenBLAS's own thread count (process-wide).
    public static func setBLASThreads(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// C[batch][rowCount] (leading dimension outputStride) = X[batch][cols] · W[rowCount][cols]^T.
    private static func sgemm(_ x: UnsafePointer<Float>, batch: Int, cols: Int, weights: UnsafePointer<Float>, rowCount: Int,
                              into c: UnsafeMutablePointer<Float>, outputStride: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                    blasint(batch), blasint(rowCount), blasint(cols),
                    1, x, blasint(cols), weights, blasint(cols),
                    0, c, blasint(outputStride))
    }
}
