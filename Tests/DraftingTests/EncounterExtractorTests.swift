@testable import Drafting
import Deidentification
import XCTest

/// Encounters read from a chart export's headings: each dated heading is an event with the document's stated
/// reason, no identifier of the heading's author, and no result row taken for a heading.
final class EncounterExtractorTests: XCTestCase {
    static let record = """
        Riverside Family Medicine -- chart export
        Phone: 555-0142

        ====================================================
        Sick visit   Jan 9, 2023   (seen by Dr. Imani Osei)
        ====================================================
        c/o L ear pain x2d, fever 38.6.
        Dx: acute otitis media, left. Amoxicillin 1000 mg bid x10d.

        ANNUAL PHYSICAL 09/14/2023
        Feels well. BP 118/76.
        Assessment: healthy adult; eczema, mild.

        LAB RESULTS
        09/14/2023  Hemoglobin A1c 5.4 %
        09/14/2023  LDL 96 mg/dL

        Telephone encounter 10/02/2023
        Mother called to cancel the tympanostomy tube surgery.
        """

    private func encounters() -> [EncounterExtractor.Encounter] {
        let deidentifier = Deidentifier(registry: .default(lexicons: .empty), kinds: Set(PHIKind.allCases))
        return EncounterExtractor.encounters(in: RecordLines(ProtectedText(Self.record, deidentifier: deidentifier)))
    }

    func testEachDatedHeadingIsAnEncounterWithItsReason() {
        let found = encounters()
        XCTAssertEqual(found.map(\.date), ["2023-01-09", "2023-09-14", "2023-10-02"], "\(found)")
        XCTAssertEqual(found.first?.text, "Sick visit: acute otitis media, left")
        XCTAssertEqual(found.first?.headingLine, 5)
        XCTAssertEqual(found.first?.reasonLine, 8)
        XCTAssertEqual(found[1].text, "ANNUAL PHYSICAL: healthy adult; eczema, mild.")
        XCTAssertEqual(found[2].text, "Telephone encounter")
        XCTAssertNil(found[2].reasonLine)
    }

    func testNoIdentifierOrTitleOfTheAuthorStays() {
        for encounter in encounters() {
            XCTAssertFalse(encounter.text.contains("Osei") || encounter.text.contains("Dr") || encounter.text.contains("["), encounter.text)
        }
    }

    func testReasonLabelsAndOtherLines() {
        XCTAssertEqual(EncounterExtractor.reason("Impression: community-acquired pneumonia. Start doxycycline."), "community-acquired pneumonia")
        XCTAssertEqual(EncounterExtractor.reason("A/P - asthma, mild persistent"), "asthma, mild persistent")
        XCTAssertNil(EncounterExtractor.reason("Imperfect historian; mother gives most of the history."))
        XCTAssertNil(EncounterExtractor.reason("Discussed the diagnosis at length."))
    }
}
