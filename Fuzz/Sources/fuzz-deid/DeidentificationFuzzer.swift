import Deidentification
import FuzzSupport
import Foundation

/// The rules-only de-identifier (every default recognizer over the real lexicons, no model), as `vellum deid`
/// runs it: bytes through the validating stream decoder, text through the streaming windows, spans rendered in
/// each output format.
let lexicons: Lexicons = {
    do {
        return try Lexicons.load(directory: URL(fileURLWithPath: FuzzData.directory("deid-data", variable: Lexicons.environmentVariable)))
    } catch {
        fatalError("fuzz-deid: \(error)")
    }
}()
let deidentifier = Deidentifier.standard(lexicons: lexicons)
/// One tagger and one surrogate generator for the whole run, as `vellum deid` keeps one per patient across
/// documents (building a generator sorts the name lexicons, most of a second).
let tagger = PlaceholderTagger()
let surrogates = SurrogateGenerator(patientKey: "fuzz", lexicons: lexicons)

/// Spans must be what `analyze` documents: inside the text, non-empty, sorted and disjoint.
func checkSpans(_ spans: [Detection], within range: Range<Int>, _ what: String) {
    var previousEnd = range.lowerBound
    for span in spans {
        fuzzCheck(span.start >= previousEnd && span.start < span.end && span.end <= range.upperBound,
                  "\(what): span \(span.start)..<\(span.end) after \(previousEnd), text \(range)")
        previousEnd = span.end
    }
}

func fuzzDeidentification(_ bytes: UnsafeRawBufferPointer) {
    // Two blocks, split where the first byte says, so a UTF-8 sequence can be cut between them.
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var decoder = UTF8StreamDecoder()
    var scalars: [Unicode.Scalar] = []
    do {
        try decoder.decode(bytes[..<split], into: &scalars)
        try decoder.decode(bytes[split...], into: &scalars)
        try decoder.finish()
        fuzzCheck(String(validating: bytes, as: UTF8.self).map { Array($0.unicodeScalars) == scalars } ?? false,
                  "the stream decoder accepted bytes Swift's validator decodes differently")
    } catch {
        // `vellum deid` refuses such input; other callers repair it, so the repaired text is analysed instead.
        fuzzCheck(String(validating: bytes, as: UTF8.self) == nil, "the stream decoder refused valid UTF-8: \(error)")
        scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
    }

    let text = TokenizedText(scalars: scalars)
    let spans = deidentifier.analyze(text)
    checkSpans(spans, within: 0..<scalars.count, "analyze")
    _ = tagger.render(text, spans)
    _ = Redactor.render(text, spans)
    _ = surrogates.render(text, spans)

    // Small windows, so that inputs of a few hundred bytes already cross several window edges.
    let stream = StreamingDeidentifier(deidentifier: deidentifier, chunkScalars: 96, overlapScalars: 24, contextScalars: 16)
    var segments: [StreamingDeidentifier.Segment] = []
    for start in stride(from: 0, to: scalars.count, by: 37) {
        segments += stream.feed(Array(scalars[start..<min(start + 37, scalars.count)]))
    }
    segments += stream.finish()
    var offset = 0
    for segment in segments {
        fuzzCheck(segment.offset == offset, "segment at \(segment.offset), expected \(offset)")
        checkSpans(segment.detections, within: segment.offset..<(segment.offset + segment.scalars.count), "stream")
        fuzzCheck(Array(scalars[segment.offset..<(segment.offset + segment.scalars.count)]) == segment.scalars,
                  "segment text differs from the input")
        offset += segment.scalars.count
    }
    fuzzCheck(offset == scalars.count, "segments cover \(offset) of \(scalars.count) scalars")
}
