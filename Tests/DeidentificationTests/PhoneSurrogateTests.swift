import TestSupport
import Testing
@testable import Deidentification

/// Surrogate telephone and fax numbers: always in the range the NANP reserves for fiction (555-0100 through
/// 555-0199, behind an area code of valid form), in the original's layout, and the same for the same original
/// and patient key.
struct PhoneSurrogateTests {
    /// Digits become "9", everything else stays: two numbers in the same layout have the same shape.
    static func shape(_ number: String) -> String {
        String(number.map { $0.isASCII && $0.isNumber ? "9" : $0 })
    }

    /// A NANP fictional number as the plan defines it, in any of the layouts the recognizer finds: an optional
    /// "+1" or trunk "1", an optional area code NXX (N 2-9, X 0-8 in the middle), 555, then 0100-0199; then an
    /// optional extension. Written from the definition, not from the generator.
    static func isFictional(_ number: String) -> Bool {
        let fictional = #/^(?:\+?1[ .\-]?)?(?:\(?([2-9][0-8][0-9])\)?[ .\-^]?)?555[ .\-]?01[0-9]{2}(?:,? ?(?:x|ext\.?:?|#) ?[0-9]+)?$/#
        guard let match = number.wholeMatch(of: fictional) else { return false }
        // N11 (211, 311, ... 911) are service codes, not area codes.
        if let areaCode = match.1 { return areaCode.dropFirst() != "11" }
        return true
    }

    /// Layouts the phone recognizer reports: "N" stands for a digit of the national number, "E" for one of the
    /// extension; everything else is written as is.
    static let templates = [
        "(NNN) NNN-NNNN", "NNN-NNN-NNNN", "NNN.NNN.NNNN", "NNNNNNNNNN", "NNN-NNN-NNNN xEEE", "NNN.NNN.NNNN ext. EE",
        "(NNN) NNN-NNNN, ext: E", "NNN-NNN-NNNN #EE", "+1 NNN NNN NNNN", "+1 (NNN) NNN-NNNN", "1-NNN-NNN-NNNN",
        "NNN-NNNN", "NNN^NNNNNNN",
    ]

    /// `template` with the national number `national` (10 digits; a 7-digit layout takes the last 7) and `ext`.
    static func fill(_ template: String, national: String, ext: String = "204") -> String {
        let count = template.filter { $0 == "N" }.count
        var digits = national.suffix(count).makeIterator()
        var extensionDigits = ext.makeIterator()
        return String(template.map { $0 == "N" ? digits.next()! : $0 == "E" ? extensionDigits.next()! : $0 })
    }

    static let layouts = templates.map { fill($0, national: "2175551234") }

    @Test(arguments: layouts)
    func surrogateIsFictionalInTheOriginalsLayout(_ original: String) {
        let generator = SurrogateGenerator(patientKey: "patient-0042")
        for kind in [PHIKind.phone, .fax] {
            let surrogate = generator.surrogate(for: kind, original: original)
            #expect(Self.isFictional(surrogate), "\(kind) \(original) -> \(surrogate)")
            #expect(Self.shape(surrogate) == Self.shape(original), "\(kind) \(original) -> \(surrogate)")
            #expect(surrogate != original)
        }
    }

    /// Outside the NANP (or with a digit count no NANP number has) there is no layout to keep: the surrogate is
    /// the dashed NANP form, after "+1" when the original had a country code.
    @Test(arguments: [("+44 20 7946 0958", "+9 999 999 9999"), ("+33-1-42-68-53-00", "+9-999-999-9999"),
                      ("12-34-5678", "999-999-9999"), ("+44 20 7946 0958 ext 7", "+9 999 999 9999 ext 9")])
    func numberWithoutANANPLayoutGetsTheDashedForm(_ original: String, _ expectedShape: String) {
        let surrogate = SurrogateGenerator(patientKey: "patient-0042").surrogate(for: .phone, original: original)
        #expect(Self.isFictional(surrogate), "\(original) -> \(surrogate)")
        #expect(Self.shape(surrogate) == expectedShape, "\(original) -> \(surrogate)")
    }

    @Test func sameOriginalAndKeyGiveTheSameSurrogate() {
        let first = SurrogateGenerator(patientKey: "patient-0042")
        let replay = SurrogateGenerator(patientKey: "patient-0042")
        let otherPatient = SurrogateGenerator(patientKey: "patient-0043")
        var differsForOtherPatient = false
        for original in Self.layouts {
            let surrogate = first.surrogate(for: .phone, original: original)
            #expect(replay.surrogate(for: .phone, original: original) == surrogate)
            // A phone number later labelled a fax (or written again) maps to the same number.
            #expect(first.surrogate(for: .fax, original: original) == surrogate)
            differsForOtherPatient = differsForOtherPatient || otherPatient.surrogate(for: .phone, original: original) != surrogate
        }
        #expect(differsForOtherPatient)
    }

    /// The digits depend on the number, not on how it is written: each layout keeps its own punctuation.
    @Test func oneNumberInTwoLayoutsGetsTheSameDigits() {
        let generator = SurrogateGenerator(patientKey: "patient-0042")
        let digits = { (number: String) in number.filter(\.isNumber) }
        let parenthesized = generator.surrogate(for: .phone, original: "(217) 555-1234")
        #expect(digits(generator.surrogate(for: .phone, original: "217.555.1234")) == digits(parenthesized))
        #expect(digits(generator.surrogate(for: .phone, original: "+1 217 555 1234")) == "1" + digits(parenthesized))
        #expect(digits(generator.surrogate(for: .phone, original: "217-555-1234 x204")).hasPrefix(digits(parenthesized)))
    }

    /// Seeded random numbers in every layout, a third of them already fictional (which must still change).
    @Test func everyGeneratedNumberIsFictional() {
        var rng = SeededGenerator(seed: 555_0100)
        let generator = SurrogateGenerator(patientKey: "fuzz")
        let randomDigits = { (count: Int, rng: inout SeededGenerator) in
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
        }
        for _ in 0..<600 {
            let areaCode = String(Int.random(in: 2...9, using: &rng)) + randomDigits(2, &rng)
            let alreadyFictional = Int.random(in: 0..<3, using: &rng) == 0
            let local = alreadyFictional ? "55501" + randomDigits(2, &rng) : randomDigits(7, &rng)
            let original = Self.fill(Self.templates.randomElement(using: &rng)!, national: areaCode + local,
                                     ext: randomDigits(3, &rng))
            let surrogate = generator.surrogate(for: .phone, original: original)
            #expect(Self.isFictional(surrogate), "\(original) -> \(surrogate)")
            #expect(Self.shape(surrogate) == Self.shape(original), "\(original) -> \(surrogate)")
            #expect(surrogate != original)
        }
    }

    @Test func renderedDocumentCarriesOnlyFictionalNumbers() {
        let document = "Call (217) 555-1234 x204 or the clinic 217.555.9876.\nFax: 312-555-4400\n"
        let text = TokenizedText(document)
        let spans = pipeline.analyze(text).filter { $0.kind == .phone || $0.kind == .fax }
        #expect(spans.map(\.kind) == [.phone, .phone, .fax])
        let generator = SurrogateGenerator(patientKey: "patient-0042")
        let rendered = generator.render(text, spans)
        for span in spans {
            let surrogate = generator.surrogate(for: span.kind, original: text.text(span.range))
            #expect(Self.isFictional(surrogate) && rendered.contains(surrogate), "\(surrogate) in \(rendered)")
        }
        #expect(!rendered.contains("1234") && !rendered.contains("9876") && !rendered.contains("4400"))
    }
}
