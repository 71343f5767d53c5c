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

    private func results(of record: String = record) -> [LabLineExtractor.Result] {
        let deidentifier = Deidentifier(registry: .default(lexicons: .empty), kinds: Set(PHIKind.allCases))
        return LabListExtractor.results(in: RecordLines(ProtectedText(record, deidentifier: deidentifier)))
    }

    func testAnInlineListAndItsContinuationLineAreDatedByTheList() {
        let found = results().filter { $0.line <= 3 }
        XCTAssertEqual(found.map { "\($0.name)=\($0.value)@\($0.date ?? "-")" },
                       ["Na=139@2025-04-15", "K=5.4 mmol/L@2025-04-15", "eGFR=48 mL/min/1.73m2@2025-04-15",
                        "Hgb=10.2 g/dL@2025-04-15", "ferritin=9 ng/mL@2025-04-15"])
        XCTAssertEqual(found.map(\.line), [2, 2, 2, 2, 3])
    }

    func testAListWithoutItsOwnDateTakesItsNotesDate() {
        let found = results().filter { $0.line == 5 }
        XCTAssertEqual(found.map { "\($0.name)=\($0.value)" }, ["TSH=6.1", "free T4=0.9"])
        XCTAssertEqual(found.map(\.date), ["2025-04-22", "2025-04-22"])
    }

    func testADatedTableGivesOneResultPerCellWithItsRowDate() {
        let found = results().filter { $0.line >= 9 }
        XCTAssertEqual(found.map { "\($0.name)=\($0.value)@\($0.date ?? "-")" },
                       ["INR=1.8@2025-03-01", "warfarin dose=35 mg/wk@2025-03-01",
                        "INR=2.6@2025-03-15", "warfarin dose=37.5 mg/wk@2025-03-15",
                        "INR=3.4@2025-03-29", "Hgb=11.0@2025-03-29"])
        XCTAssertEqual(Set(found.map(\.headerLine)), [8], "a row's cell is read with its header, so both are cited")
    }

    func testAFlowsheetGivesEachCellTheDateOfItsColumn() {
        let sheet = """
            Clinic letter 08/02/2025
            cumulative results      01/09/25    04/02/25    07/15/25
            hemoglobin (g/dL)       11.8        10.9 L      12.2
            ferritin (ng/mL)        --          8 L         41
            TSH                     2.1         pending     3.4
            comment: fasting draws
            """
        let found = results(of: sheet)
        XCTAssertEqual(found.map { "\($0.name)=\($0.value)@\($0.date ?? "-")" },
                       ["hemoglobin=11.8 g/dL@2025-01-09", "hemoglobin=10.9 g/dL@2025-04-02", "hemoglobin=12.2 g/dL@2025-07-15",
                        "ferritin=8 ng/mL@2025-04-02", "ferritin=41 ng/mL@2025-07-15",
                        "TSH=2.1@2025-01-09", "TSH=3.4@2025-07-15"])
        XCTAssertEqual(found.map(\.line), [3, 3, 3, 4, 4, 5, 5])
        XCTAssertEqual(Set(found.map(\.headerLine)), [2], "a cell is cited with its header, which carries its date")
    }

    func testAFlowsheetWithYearlessColumnsAndAUnitsColumn() {
        let sheet = """
            Nephrology follow-up 03/20/2024
            chemistries    units     12/28     2/14     3/18
            creatinine     mg/dL     1.9       2.3 H    2.1
            potassium      mmol/L    4.9       5.6 H    5.1
            Assessment: CKD 4, stable.
            """
        XCTAssertEqual(results(of: sheet).map { "\($0.name)=\($0.value)@\($0.date ?? "-")" },
                       ["creatinine=1.9 mg/dL@2023-12-28", "creatinine=2.3 mg/dL@2024-02-14", "creatinine=2.1 mg/dL@2024-03-18",
                        "potassium=4.9 mmol/L@2023-12-28", "potassium=5.6 mmol/L@2024-02-14", "potassium=5.1 mmol/L@2024-03-18"])
    }

    func testAListInsideASentenceIsDatedByItsNoteNotByARemarksDate() {
        let note = """
            Anticoagulation visit 06/11/2023
            Bruising on both shins. Labs today: INR 4.6 (2.1 on 04/13/2023), hemoglobin 12.9 g/dL,
            platelets 226. Hold tonight's dose.
            """
        let found = results(of: note)
        XCTAssertEqual(found.map { "\($0.name)=\($0.value)@\($0.date ?? "-")" },
                       ["INR=4.6@2023-06-11", "hemoglobin=12.9 g/dL@2023-06-11", "platelets=226@2023-06-11"])
    }

    /// "Jun 11 '23" is a full date, so an ED note headed that way dates its lines; a report's comparison study
    /// ("Comparison: CT 10/14/2022") dates nothing after it.
    func testTwoDigitYearsAfterAnApostropheAndComparisonLines() {
        XCTAssertEqual(FactExtractor("Arrival: Jun 11 '23 07:55").facts().first { $0.kind == .date }?.key, "6-11-2023")
        let record = """
            CT CHEST   Date: 04/27/2023
            Comparison: CT angiogram 10/14/2022
            Impression: nodule stable.
            ED NOTE
            Arrival: Jun 11 '23 07:55
            LABS: INR 4.6 (2.1 on 04/13/2023).
            """
        let lines = RecordLines(ProtectedText(record, deidentifier: Deidentifier(registry: .default(lexicons: .empty), kinds: Set(PHIKind.allCases))))
        XCTAssertEqual(lines[3]?.date, "2023-04-27")
        XCTAssertEqual(lines[6]?.contextDate, "2023-06-11")
        XCTAssertEqual(LabListExtractor.results(in: lines).map { "\($0.name)=\($0.value)@\($0.date ?? "-")" }, ["INR=4.6@2023-06-11"])
    }

    func testAListsOwnDateDoesNotRedateTheRestOfItsNote() {
        let lines = RecordLines(ProtectedText(Self.record, deidentifier: Deidentifier(registry: .default(lexicons: .empty), kinds: Set(PHIKind.allCases))))
        XCTAssertEqual(lines[4]?.date, "2025-04-22", "the visit's lines after a dated lab list keep the visit's date")
    }

    func testLinesThatAreNotListsGiveNothing() {
        XCTAssertNil(LabListExtractor.flowsheetColumns("Seen 01/09/2025 and 04/02/2025  by cardiology", near: nil))
        XCTAssertNil(LabListExtractor.flowsheetRow("Plan   recheck   in 2 weeks", columns: [.init(role: .date("2025-01-01")), .init(role: .date("2025-02-01"))]))
        XCTAssertNil(LabListExtractor.listItems("Reviewed results with the patient at length."))
        XCTAssertNil(LabListExtractor.listItems("Plan: labs in 3 months"))
        XCTAssertTrue(LabListExtractor.results("creatinine back to baseline, no biopsy needed", line: 1, date: nil).isEmpty)
        XCTAssertNil(LabListExtractor.tableHeader("date of surgery  03/01/2025"))
    }
}
