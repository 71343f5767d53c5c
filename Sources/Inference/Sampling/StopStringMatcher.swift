/// Watches streamed text for stop strings, so that a generation can end *before* a stop string and never
/// print any of it — even when it arrives split over several tokens ("</", "end", ">").
///
/// Feed it each decoded piece; it answers with the text that is safe to show now and whether a stop string
/// has completed. Text that could still turn out to be the start of a stop string is held back until the
/// following pieces settle it. Matching is by Unicode scalars, i.e. on the exact UTF-8 bytes, like
/// llama.cpp's server (no Unicode normalization: "é" as one scalar does not match "e\u{301}").
///
/// ```swift
/// var stops = StopStringMatcher(["\nPatient:", "</note>"])
/// let (emit, stopped) = stops.feed(piece)   // print `emit`; end the generation when `stopped`
/// ...
/// print(stops.flush())                      // at the end: whatever was held back
/// ```
public struct StopStringMatcher: Sendable {
    private let stops: [[Unicode.Scalar]]
    /// Text received but not yet released: always shorter than the longest stop string.
    private var pending: [Unicode.Scalar] = []
    /// Once a stop string has completed, everything after it is discarded.
    public private(set) var isStopped = false

    /// Empty stop strings are ignored (they would stop before the first token).
    public init(_ stopStrings: [String]) {
        stops = stopStrings.filter { !$0.isEmpty }.map { Array($0.unicodeScalars) }
    }

    /// Adds `piece` to the stream. Returns the text that can be shown now, and `stopped` = true when a stop
    /// string has completed (the text returned is then everything before it; the stop string itself and
    /// anything after it are dropped, now and in later calls).
    public mutating func feed(_ piece: String) -> (emit: String, stopped: Bool) {
        guard !isStopped else { return ("", true) }
        pending.append(contentsOf: piece.unicodeScalars)
        if let start = earliestMatch() {
            isStopped = true
            let before = Self.string(pending[..<start])
            pending.removeAll()
            return (before, true)
        }
        let held = longestPartialMatch()
        let emit = Self.string(pending[..<(pending.count - held)])
        pending.removeFirst(pending.count - held)
        return (emit, false)
    }

    /// Ends the stream: feeds `tail` (say, the detokenizer's final bytes) and releases everything held back,
    /// which can no longer become a stop string. A stop string completed by `tail` is still cut off.
    public mutating func flush(_ tail: String = "") -> String {
        let (emit, stopped) = feed(tail)
        guard !stopped else { return emit }
        let rest = Self.string(pending[...])
        pending.removeAll()
        return emit + rest
    }

    /// Where the first complete stop string in `pending` begins, if any.
    private func earliestMatch() -> Int? {
        var earliest: Int?
        for stop in stops where stop.count <= pending.count {
            for start in 0...(pending.count - stop.count) {
                if let e = earliest, start >= e { break }
                if pending[start..<(start + stop.count)].elementsEqual(stop) {
                    earliest = start
                    break
                }
            }
        }
        return earliest
    }

    /// The length of the longest suffix of `pending` that is a proper prefix of some stop string. Only that
    /// suffix has to wait: any earlier text cannot be part of a stop string that completes later.
    private func longestPartialMatch() -> Int {
        var longest = 0
        for stop in stops {
            var length = min(stop.count - 1, pending.count)
            while length > longest {
                if pending[(pending.count - length)...].elementsEqual(stop[..<length]) {
                    longest = length
                    break
                }
                length -= 1
            }
        }
        return longest
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        return String(s)
    }
}
