@testable import Drafting
import XCTest

/// The fact check on planted unsupported facts: each draft below states one thing its source does not, and
/// the check must name it (kind and exact words), while faithful paraphrases of the source pass.
final class FactCheckerTests: XCTestCase {
    let checker = FactChecker()

    private func findings(_ draft: String, _ source: String) -> [Finding] { checker.check(draft: draft, source: source) }

    private func assertFlags(_ draft: String, _ source: String, kind: FactKind, text: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        let found = findings(draft, source)
        XCTAssertTrue(found.contains { $0.kind == kind && $0.text == text },
                      "expected \(kind) \"\(text)\" flagged; got \(found.map { "\($0.kind) \"\($0.text)\"" })", file: file, line: line)
        // The offsets point at the flagged words.
        if let f = found.first(where: { $0.kind == kind && $0.text == text }) {
            let scalars = Array(draft.unicodeScalars)[f.start..<f.end]
            XCTAssertEqual(String(String.UnicodeScalarView(scalars)), text, file: file, line: line)
        }
    }

    private func assertClean(_ draft: String, _ source: String, file: StaticString = #filePath, line: UInt = #line) {
        let found = findings(draft, source)
        XCTAssertEqual(found, [], "faithful draft flagged: \(found.map { "\($0.kind) \"\($0.text)\": \($0.reason)" })", file: file, line: line)
    }

    func testFaithfulExpansionOfShorthandPasses() {
        let source = "58F f/u HTN, BP 148/92. on lisinopril 10 daily. neg CP/SOB. plan incr lisinopril 20 daily, BMP 2wk, f/u 4w"
        assertClean("""
            58-year-old woman here for follow-up of hypertension. Blood pressure 148/92.
            She takes lisinopril 10 mg once daily. She denies chest pain and shortness of breath.
            Increase lisinopril to 20 mg daily. Basic metabolic panel in 2 weeks. Follow up in 4 weeks.
            """, source)
    }

    func testInventedDrugIsFlagged() {
        assertFlags("Continue lisinopril. Start atorvastatin 20 mg nightly.", "on lisinopril 10 daily", kind: .drug, text: "atorvastatin")
    }

    func testInventedDoseIsFlagged() {
        assertFlags("Metformin 1000 mg twice daily.", "metformin 500 bid", kind: .dose, text: "1000 mg")
    }

    func testDoseGivenForAnotherDrugIsFlagged() {
        // 20 is in the source, but for lisinopril, not for amlodipine.
        let source = "lisinopril 20 daily. amlodipine 5 daily."
        assertFlags("Amlodipine 20 mg daily.", source, kind: .dose, text: "20 mg")
    }

    func testMisreadFrequencyIsFlagged() {
        // "5 bid" is 5 mg twice a day; five times a day is a misreading.
        assertFlags("Apixaban 5 mg three times daily.", "apixaban 5 bid", kind: .frequency, text: "three times daily")
        assertClean("Apixaban 5 mg twice a day.", "apixaban 5 bid")
    }

    func testNumberMovedToAnotherTestIsFlagged() {
        // The ASCVD risk is 9.8%; an A1C of 9.8% is a number moved to the wrong test.
        let source = "A1C 7.1 last month. ASCVD risk 9.8%."
        assertFlags("Hemoglobin A1c 9.8%.", source, kind: .number, text: "9.8%")
        assertClean("ASCVD risk 9.8%. A1C 7.1.", source)
    }

    func testInventedDateAndDurationAreFlagged() {
        assertFlags("Follow up on 12/05/2025.", "f/u 2w", kind: .date, text: "12/05/2025")
        assertFlags("Follow up in 3 weeks.", "f/u 2w", kind: .number, text: "3 weeks")
        assertClean("Follow up in two weeks.", "f/u 2w")
    }

    func testWrongSideIsFlagged() {
        assertFlags("Pain and swelling of the left knee.", "R knee pain + swelling x3d", kind: .laterality, text: "left knee")
        assertClean("Right knee pain and swelling for 3 days.", "R knee pain + swelling x3d")
    }

    func testUnsupportedNegationIsFlagged() {
        assertFlags("Denies fever. No vomiting.", "c/o cough x3d. no fever.", kind: .negation, text: "No vomiting")
        assertClean("Denies fever.", "c/o cough x3d. no fever.")
    }

    func testStatusNeverGivenIsFlaggedUnlessSaidNotDocumented() {
        let source = "cough x3d, no fever"
        let found = findings("Social history: denies smoking.", source)
        XCTAssertTrue(found.contains { $0.kind == .negation && $0.reason.contains("smoking") }, "\(found)")
        assertClean("Smoking status: not documented.", source)
    }

    func testPlaceholdersAndNumbersInsideWordsAreNotFacts() {
        // Identifiers restored from the input and digits inside words (a drug's "XR", "T2DM") are not numbers.
        assertClean("Type 2 diabetes (T2DM), on metformin XR.", "T2DM on metformin XR")
    }

    func testNegativeTurnedPositiveIsFlagged() {
        let source = "neg polyuria/polydipsia, no CP. L foot: monofilament intact, no ulcers"
        assertFlags("The patient had polyuria and polydipsia.", source, kind: .negation, text: "polyuria")
        assertFlags("Diagnoses: diabetes, foot ulcer.", source, kind: .negation, text: "ulcer")
        assertClean("No polyuria or polydipsia. No chest pain. No foot ulcers.", source)
    }

    func testEachNegatedFindingIsCheckedOnItsOwn() {
        assertFlags("Denies chest pain or fatigue.", "no CP", kind: .negation, text: "fatigue")
    }

    func testNumbersAreTiedToWhatTheyMeasure() {
        let source = "A1C 8.1, BP 146/90"
        assertFlags("Fasting blood sugar of 8.1.", source, kind: .number, text: "8.1")
        assertClean("Blood pressure 146/90. Hemoglobin A1c 8.1.", source)
        assertClean("Type 2 diabetes.", "f/u T2DM")
        assertFlags("Stage 4 chronic kidney disease.", "CKD stage 3a", kind: .number, text: "4")
    }

    func testADoseInAnotherUnitIsFlagged() {
        let source = "levothyroxine 50 mcg daily. insulin glargine 20 units qhs."
        let flagged = checker.check(draft: "Levothyroxine 50 mg daily. Insulin glargine 20 units at bedtime.", source: source)
        XCTAssertEqual(flagged.map(\.text), ["50 mg"])
        XCTAssertEqual(checker.check(draft: "Levothyroxine 50 micrograms daily.", source: source), [])
        XCTAssertEqual(checker.check(draft: "Lisinopril 10 mL daily.", source: "lisinopril 10 daily").map(\.text), ["10 mL"])
    }
}
