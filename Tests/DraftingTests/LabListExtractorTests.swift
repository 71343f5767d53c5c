@testable import Drafting
import Deidentification
import XCTest

/// Results written many to a line or in a dated table, read from the de-identified record (dates are
/// placeholders there) and dated by the list's or row's own date, not the note around it.
final class LabListExtractorTests: XCTestCase {
    static let record = """
        Office visit 04/22/2025
        Labs 04/15/2025: Na 139, K 5.4 mmol/L (repeat pending), eGFR 48 mL/min/1.73m2, Hgb 10.2 g/dL,
          ferritin 9 ng/mL, HIV Ag/Ab nonreactive.
        Feels better. BP 132/84.
        labs today: TSH 6.1; free T4 0.9.

        anticoagulation flowsheet
        date          INR     warfarin dose (mg/wk)    comments
        03/01/2025    1.8     35                       missed 2 doses
        03/15/2025    2.6     37.5                     --
        03/29/2025    3.4     --                       bruising; Hgb 11.0
        Plan: recheck INR 1 wk.
        """

    private func results() -> [LabLineExtractor.Result] {
        let deidentifier = Deidentifier(registry: .default(lexicons: .empty), kinds: Set(PHIKind.allCases))
        return LabListExtractor.results(in: RecordLines(ProtectedText(Self.record, deidentifier: deidentifier)))
    }

    func testAnInlineListAndItsContinuationLineAreDatedByTheList() {
        let found = results().filter { $0.line <= 3 }
        XCTAssertEqual(found.map { "\($0.name)=\($0.value)@\($0.date ?? "-")" },
                       ["Na=139@2025-04-15", "K=5.4 mmol/L@2025-04-15", "eGFR=48 mL/min/1.73m2@2025-04-15",
                        "Hgb=10.2 g/dL@2025-04-15", "ferritin=9 ng/mL@2025-04-15"])
        XCTAssertEqual(found.map(\.line), [2, 2, 2, 2, 3])
    }

    func testAListWithoutItsOwnDateIsLeftToTheLine() {
        let found = results().filter { $0.line == 5 }
        XCTAssertEqual(found.map { "\($0.name)=\($0.value)" }, ["TSH=6.1", "free T4=0.9"])
        XCTAssertEqual(found.map(\.date), [nil, nil])
    }

    func testADatedTableGivesOneResultPerCellWithItsRowDate() {
        let found = results().filter { $0.line >= 9 }
        XCTAssertEqual(found.map { "\($0.name)=\($0.value)@\($0.date ?? "-")" },
                       ["INR=1.8@2025-03-01", "warfarin dose=35 mg/wk@2025-03-01",
                        "INR=2.6@2025-03-15", "warfarin dose=37.5 mg/wk@2025-03-15",
                        "INR=3.4@2025-03-29", "Hgb=11.0@2025-03-29"])
        XCTAssertEqual(Set(found.map(\.headerLine)), [8], "a row's cell is read with its header, so both are cited")
    }

    func testLinesThatAreNotListsGiveNothing() {
        XCTAssertNil(LabListExtractor.listItems("Reviewed results with the patient at length."))
        XCTAssertNil(LabListExtractor.listItems("Plan: labs in 3 months"))
        XCTAssertTrue(LabListExtractor.results("creatinine back to baseline, no biopsy needed", line: 1, date: nil).isEmpty)
        XCTAssertNil(LabListExtractor.tableHeader("date of surgery  03/01/2025"))
    }
}
