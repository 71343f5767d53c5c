import Foundation
import Testing
@testable import Deidentification

struct OutputTests {
    static let document = """
        Patient: ROE, JANE A\r\nSeen by Dr. Ana Ruiz on 03/04/2023 and again 03/14/2023 ☕️.\r\n\
        Call (555) 123-4567. Email jane.roe@example.org. A 92-year-old; SSN 123-45-6789.\r\n\
        Jane's son John lives at 12 Oak Hill Rd, Springfield, IL 62704. Café ü ñ 👍🏽\n
        """

    /// Every scalar outside the spans must come through unchanged, in order.
    func assertInvariant(_ original: String, _ rendered: String, _ spans: [Detection], _ replacement: (Detection) -> String) {
        let scalars = Array(original.unicodeScalars)
        var expected = String.UnicodeScalarView()
        var cursor = 0
        for s in spans {
            expected.append(contentsOf: scalars[cursor..<s.start])
            expected.append(contentsOf: replacement(s).unicodeScalars)
            cursor = s.end
        }
        expected.append(contentsOf: scalars[cursor...])
        #expect(Array(rendered.utf8) == Array(String(expected).utf8))
        // And byte for byte: the UTF-8 of each gap appears in the output in order.
        var searchFrom = rendered.utf8.startIndex
        cursor = 0
        for s in spans + [Detection(start: scalars.count, end: scalars.count, kind: .name, score: 0, recognizer: "end")] {
            let gap = Array(String(String.UnicodeScalarView(scalars[cursor..<s.start])).utf8)
            if !gap.isEmpty {
                let hay = Array(rendered.utf8[searchFrom...])
                let found = (0...(hay.count - gap.count)).first { Array(hay[$0..<($0 + gap.count)]) == gap }
                #expect(found != nil, "gap before \(s.logDescription) was altered")
                if let f = found { searchFrom = rendered.utf8.index(searchFrom, offsetBy: f + gap.count) }
            }
            cursor = s.end
        }
    }

    @Test func taggedOutputIsInvariantOutsideSpansAndConsistent() {
        let text = TokenizedText(Self.document)
        let spans = pipeline.analyze(text)
        let tagger = PlaceholderTagger()
        let out = tagger.render(text, spans)
        let replay = PlaceholderTagger()
        assertInvariant(Self.document, out, spans) { replay.tag(for: $0.kind, original: text.text($0.range)) }
        #expect(out.contains("[NAME_1]") && out.contains("[DATE_1]") && out.contains("[DATE_2]"))
        #expect(!out.contains("Ruiz") && !out.contains("03/04/2023") && !out.contains("jane.roe"))
        // Same original, same tag: "Jane" in "Jane's" matches the propagated name.
        let second = tagger.render(TokenizedText("Dr. Ana Ruiz called."), pipeline.analyze("Dr. Ana Ruiz called."))
        #expect(second.contains(tagger.tag(for: .name, original: "Ana Ruiz")))
    }

    @Test func redactionIsInvariantOutsideSpans() {
        let text = TokenizedText(Self.document)
        let spans = pipeline.analyze(text)
        let out = Redactor.render(text, spans)
        assertInvariant(Self.document, out, spans) { _ in Redactor.marker }
        for s in spans { #expect(!out.contains(text.text(s.range)) || text.text(s.range).count < 3) }
    }

    @Test func surrogatesAreInvariantConsistentAndKeepIntervals() throws {
        let text = TokenizedText(Self.document)
        let spans = pipeline.analyze(text)
        let generator = SurrogateGenerator(patientKey: "patient-0042", lexicons: TestLexicons.small)
        let out = generator.render(text, spans)
        let replay = SurrogateGenerator(patientKey: "patient-0042", lexicons: TestLexicons.small)
        assertInvariant(Self.document, out, spans) { replay.surrogate(for: $0.kind, original: text.text($0.range)) }
        #expect(out.contains("90 or older"))
        #expect(!out.contains("Ruiz") && !out.contains("123-45-6789") && !out.contains("jane.roe@"))

        // Same patient, another document: same surrogates; another patient: another date offset.
        let again = SurrogateGenerator(patientKey: "patient-0042", lexicons: TestLexicons.small)
        #expect(again.surrogate(for: .name, original: "Ana Ruiz") == generator.surrogate(for: .name, original: "Ana Ruiz"))
        #expect(again.surrogate(for: .name, original: "Ruiz") == generator.surrogate(for: .name, original: "ruiz").capitalized)
        let other = SurrogateGenerator(patientKey: "patient-0043", lexicons: TestLexicons.small)
        #expect(other.dateShifter.days != generator.dateShifter.days)

        // The ten days between the two visits survive the shift, in the original format.
        let first = generator.surrogate(for: .date, original: "03/04/2023")
        let second = generator.surrogate(for: .date, original: "03/14/2023")
        #expect(first.count == 10 && second.count == 10 && first != "03/04/2023")
        #expect(try days(from: first, to: second) == 10)
        #expect(abs(generator.dateShifter.days) >= 30)
    }

    func days(from a: String, to b: String) throws -> Int {
        let f = DateFormatter()
        f.dateFormat = "MM/dd/yyyy"
        f.timeZone = TimeZone(identifier: "UTC")
        let da = try #require(f.date(from: a)), db = try #require(f.date(from: b))
        return Int((db.timeIntervalSince(da) / 86400).rounded())
    }

    @Test(arguments: [
        ("03/04/2023", "03/14/2023"), ("3-4-23", "3-14-23"), ("2023-03-04", "2023-03-14"), ("20230304", "20230314"),
        ("March 4th", "March 14th"), ("Mar 4, 2023", "Mar 14, 2023"), ("4 Mar 2023", "14 Mar 2023"),
        ("MARCH 4, 2023", "MARCH 14, 2023"),
    ])
    func dateShifterKeepsFormat(_ original: String, _ tenDaysLater: String) {
        #expect(DateShifter(days: 10).shift(original) == tenDaysLater)
        #expect(DateShifter(days: 0).shift(original) == original)
    }

    @Test func dateShifterCrossesMonthsAndYears() {
        #expect(DateShifter(days: 1).shift("12/31/2023") == "01/01/2024")
        #expect(DateShifter(days: 1).shift("Feb 28, 2024") == "Feb 29, 2024")
        #expect(DateShifter(days: 31).shift("Mar-2023") == "Apr-2023")
        #expect(DateShifter(days: -3).shift("the 4th")?.hasSuffix("1st") == true)
        #expect(DateShifter(days: 7).shift("Christmas") == "January 1")
    }
}
