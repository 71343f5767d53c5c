/// Rows of logits a session produced, read in place from its buffers.
///
/// The value keeps the buffers alive (it holds the run state), so it is safe to use after the session itself
/// is gone; but the next evaluation on the same session overwrites the contents. Copy with `Array(logits)`
/// to keep them.
public struct Logits: RandomAccessCollection, @unchecked Sendable {
    private let owner: RunState
    public let buffer: UnsafeMutableBufferPointer<Float>
    /// Entries per row (the vocabulary size).
    public let rowLength: Int

    init(owner: RunState, rows: Int, rowLength: Int) {
        self.owner = owner
        self.rowLength = rowLength
        buffer = UnsafeMutableBufferPointer(start: owner.logits, count: rows * rowLength)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { buffer.count }
    public subscript(position: Int) -> Float { buffer[position] }

    public var rowCount: Int { buffer.count / rowLength }

    /// Row `index` (the logits after the index-th of the rows requested).
    public func row(_ index: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(rebasing: buffer[(index * rowLength)..<((index + 1) * rowLength)])
    }
}
