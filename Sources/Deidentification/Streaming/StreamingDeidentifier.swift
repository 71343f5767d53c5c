/// De-identifies an unbounded stream in bounded memory.
///
/// Text is analysed in windows of about ``chunkScalars`` scalars. Each window is cut at a line break (or a
/// space, for very long lines) ``overlapScalars`` before its end, and never inside a detected span; the text
/// after the cut is analysed again with the next window, together with ``contextScalars`` of left context,
/// so a span that crosses a window edge is found whole. Offsets in the output are absolute (Unicode scalars
/// from the start of the stream).
///
/// ```swift
/// let stream = StreamingDeidentifier(deidentifier: deid)
/// for segment in stream.feed(scalars) { write(segment) }
/// for segment in stream.finish() { write(segment) }
/// ```
public final class StreamingDeidentifier {
    /// A committed stretch of the stream: its text and the spans inside it.
    public struct Segment: Sendable {
        /// Absolute scalar offset of `scalars[0]`.
        public var offset: Int
        public var scalars: [Unicode.Scalar]
        /// Spans with absolute offsets, inside `offset..<offset + scalars.count`.
        public var detections: [Detection]

        public init(offset: Int, scalars: [Unicode.Scalar], detections: [Detection]) {
            self.offset = offset
            self.scalars = scalars
            self.detections = detections
        }
    }

    public let deidentifier: Deidentifier
    public let chunkScalars: Int
    public let overlapScalars: Int
    public let contextScalars: Int

    private var buffer: [Unicode.Scalar] = []
    /// Absolute offset of `buffer[0]`.
    private var bufferStart = 0
    /// Absolute offset up to which segments were emitted.
    private var committed = 0

    public init(deidentifier: Deidentifier, chunkScalars: Int = 256 * 1024, overlapScalars: Int = 2048,
                contextScalars: Int = 512) {
        precondition(chunkScalars > 2 * overlapScalars && overlapScalars > 0 && contextScalars >= 0)
        self.deidentifier = deidentifier
        self.chunkScalars = chunkScalars
        self.overlapScalars = overlapScalars
        self.contextScalars = contextScalars
    }

    /// Adds text; returns the segments that are now final.
    public func feed(_ scalars: [Unicode.Scalar]) -> [Segment] {
        buffer.append(contentsOf: scalars)
        var out: [Segment] = []
        while buffer.count - (committed - bufferStart) >= chunkScalars {
            out.append(commitWindow(final: false))
        }
        return out
    }

    /// Ends the stream; returns the remaining segment (possibly empty).
    public func finish() -> [Segment] {
        guard bufferStart + buffer.count > committed || committed == 0 else { return [] }
        return [commitWindow(final: true)]
    }

    private func commitWindow(final: Bool) -> Segment {
        let text = TokenizedText(scalars: buffer)
        let spans = deidentifier.analyze(text)
        let localCommitted = committed - bufferStart
        var cut = buffer.count
        if !final {
            cut = cutPoint(before: buffer.count - overlapScalars, after: localCommitted)
            // Never cut inside a span: move the cut to the start of any span that straddles it.
            for span in spans where span.start < cut && span.end > cut { cut = min(cut, span.start) }
            if cut <= localCommitted { cut = buffer.count - overlapScalars }   // a huge span: cut through it
        }
        var detections: [Detection] = []
        for var span in spans where span.end > localCommitted && span.start < cut {
            span.start = max(span.start, localCommitted) + bufferStart
            span.end = min(span.end, cut) + bufferStart
            detections.append(span)
        }
        let segment = Segment(offset: committed, scalars: Array(buffer[localCommitted..<cut]), detections: detections)
        committed = bufferStart + cut
        // Keep left context before the cut for the next window.
        let keepFrom = max(0, cut - contextScalars)
        buffer.removeFirst(keepFrom)
        bufferStart += keepFrom
        return segment
    }

    /// The last line break (or else space) in `after..<limit`, as the offset just after it.
    private func cutPoint(before limit: Int, after floor: Int) -> Int {
        var i = limit
        while i > floor, buffer[i - 1] != "\n" { i -= 1 }
        if i > floor + overlapScalars { return i }
        i = limit
        while i > floor, !CharacterClass.isHorizontalSpace(buffer[i - 1]) { i -= 1 }
        return i > floor ? i : limit
    }
}
