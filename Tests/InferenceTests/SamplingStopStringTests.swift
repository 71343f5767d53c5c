@testable import Inference
import XCTest

/// `StopStringMatcher` fed text in pieces, as a generation loop feeds it decoded tokens.
final class SamplingStopStringTests: XCTestCase {
    /// Feeds `pieces` one by one; returns what was emitted after each, whether it stopped, and the flush.
    private func run(_ stops: [String], _ pieces: [String]) -> (emitted: [String], stopped: Bool, flushed: String) {
        var matcher = StopStringMatcher(stops)
        var emitted: [String] = []
        for piece in pieces {
            let (emit, stopped) = matcher.feed(piece)
            emitted.append(emit)
            if stopped { return (emitted, true, matcher.flush()) }
        }
        return (emitted, false, matcher.flush())
    }

    func testAStopStringInsideOnePieceCutsTheTextBeforeIt() {
        let result = run(["</note>"], ["Plan: rest.</note> trailing"])
        XCTAssertEqual(result.emitted, ["Plan: rest."])
        XCTAssertTrue(result.stopped)
        XCTAssertEqual(result.flushed, "", "nothing after a stop is ever released")
    }

    func testAStopStringSplitOverPiecesIsHeldBackAndNeverPrinted() {
        let result = run(["</note>"], ["Plan: rest.<", "/no", "te", ">", " more"])
        XCTAssertEqual(result.emitted, ["Plan: rest.", "", "", ""])
        XCTAssertTrue(result.stopped)
    }

    func testAPartialMatchThatFailsIsReleased() {
        let result = run(["</note>"], ["a </", "b> c"])
        XCTAssertEqual(result.emitted, ["a ", "</b> c"])
        XCTAssertFalse(result.stopped)
        XCTAssertEqual(result.flushed, "")
    }

    func testHeldTextIsReleasedByFlushAtTheEnd() {
        let result = run(["\nPatient:"], ["BP 120/80.", "\nPat"])
        XCTAssertEqual(result.emitted, ["BP 120/80.", ""])
        XCTAssertFalse(result.stopped)
        XCTAssertEqual(result.flushed, "\nPat")
        // A tail handed to flush can still complete a stop string.
        var matcher = StopStringMatcher(["\nPatient:"])
        XCTAssertEqual(matcher.feed("BP ok.\nPat").emit, "BP ok.")
        XCTAssertEqual(matcher.flush("ient: next"), "")
        XCTAssertTrue(matcher.isStopped)
    }

    /// Self-overlapping stop strings: after "aa" the matcher must keep "aa", not just "a", in reserve, and a
    /// failed longer match may still leave a shorter one pending.
    func testOverlappingPrefixes() {
        XCTAssertEqual(run(["aab"], ["xa", "a", "aab"]).emitted, ["x", "", "aa"])
        let result = run(["abab"], ["ab", "a", "c"])
        XCTAssertEqual(result.emitted, ["", "", "abac"])
        XCTAssertEqual(run(["abab"], ["aba", "bab"]).emitted, ["", ""], "stops at the first abab")
    }

    func testTheEarliestOfSeveralStopStringsWins() {
        let result = run(["END", "\n\n", "###"], ["one\n\ntwo END ###"])
        XCTAssertEqual(result.emitted, ["one"])
        XCTAssertTrue(result.stopped)
        // The longer stop string's prefix is pending when a shorter one completes later in the same piece.
        XCTAssertEqual(run(["<end_of_turn>", "<eos>"], ["x <end_of", "_t <eos>"]).emitted, ["x ", "<end_of_t "])
    }

    func testAfterStoppingEverythingIsDropped() {
        var matcher = StopStringMatcher(["STOP"])
        XCTAssertEqual(matcher.feed("go STOP").emit, "go ")
        let later = matcher.feed("more")
        XCTAssertEqual(later.emit, "")
        XCTAssertTrue(later.stopped)
    }

    func testNoStopStringsPassesEverythingThroughAtOnce() {
        XCTAssertEqual(run([], ["a", "<", "b"]).emitted, ["a", "<", "b"])
        XCTAssertEqual(run([""], ["a", "b"]).emitted, ["a", "b"], "an empty stop string is ignored")
    }

    /// Matching is on Unicode scalars (the exact bytes): a decomposed "é" is not the precomposed one, and
    /// multi-scalar text is never cut inside a scalar.
    func testUnicodeIsMatchedByScalars() {
        XCTAssertEqual(run(["\u{E9}"], ["cafe\u{301} caf\u{E9}"]).emitted, ["cafe\u{301} caf"])
        XCTAssertEqual(run(["🩺 Plan"], ["Notes 🩺", " Pl", "an"]).emitted, ["Notes ", "", ""])
        XCTAssertEqual(run(["🩺 Plan"], ["Notes 🩺", " Pl", "us"]).flushed, "")
        XCTAssertEqual(run(["🩺 Plan"], ["Notes 🩺", " Pl", "us"]).emitted, ["Notes ", "", "🩺 Plus"])
    }

    /// Random texts cut at random points: what is emitted, in total, is exactly the text before the first
    /// stop string (or all of it), whatever the cuts; and nothing emitted ever contains a stop string.
    func testRandomSplitsAgreeWithASearchOfTheWholeText() {
        var random = Xoshiro256StarStar(seed: 77)
        let alphabet = Array("ab</>\n é")
        let stops = ["</a>", "\n\n", "abba"]
        for _ in 0..<2000 {
            let length = Int(random.next() % 40)
            let text = String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            var pieces: [String] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                let cut = rest.index(rest.startIndex, offsetBy: Int(random.next() % 5) + 1, limitedBy: rest.endIndex) ?? rest.endIndex
                pieces.append(String(rest[..<cut]))
                rest = rest[cut...]
            }
            let result = run(stops, pieces)
            let output = result.emitted.joined() + result.flushed
            let firstStop = stops.compactMap { text.firstRange(of: $0)?.lowerBound }.min()
            let expected = firstStop.map { String(text[..<$0]) } ?? text
            XCTAssertEqual(output, expected, "pieces \(pieces)")
            XCTAssertEqual(result.stopped, firstStop != nil, "pieces \(pieces)")
            for stop in stops { XCTAssertFalse(output.contains(stop), "pieces \(pieces)") }
        }
    }
}
