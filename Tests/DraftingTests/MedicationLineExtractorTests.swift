@testable import Drafting
import XCTest

/// Medication entries read by pattern, on lines invented for these cases.
final class MedicationLineExtractorTests: XCTestCase {
    private func entries(_ text: String) -> [MedicationLineExtractor.Entry] { MedicationLineExtractor.parse(text, line: 7) }

    func testListTableAndProseEntries() {
        XCTAssertEqual(entries("  metoprolol succinate 25 mg PO daily"),
                       [.init(name: "metoprolol succinate", dose: "25 mg", frequency: "daily", line: 7, status: nil)])
        XCTAssertEqual(entries("| apixaban | 2.5 mg | BID |").map(\.name), ["apixaban"])
        XCTAssertEqual(entries("| apixaban | 2.5 mg | BID |").first?.dose, "2.5 mg")
        let prose = entries("STOP ticagrelor. START clopidogrel 75 mg daily, continue aspirin 81 mg.")
        XCTAssertEqual(prose.map(\.name), ["clopidogrel", "aspirin"], "ticagrelor has no dose of its own here")
        XCTAssertEqual(prose.map(\.dose), ["75 mg", "81 mg"])
        XCTAssertEqual(prose.last?.status, .current)
    }

    func testEntriesThatAreNotThePatientsMedications() {
        XCTAssertTrue(entries("Allergies: amoxicillin 500 mg (hives)").isEmpty)
        XCTAssertTrue(entries("Mother: warfarin 5 mg daily for AF").isEmpty)
        XCTAssertTrue(entries("Lithium level 1.9 mmol/L").isEmpty)
        XCTAssertTrue(entries("Potassium 20 mEq daily").isEmpty, "a drug family's name is left to the model")
        XCTAssertTrue(entries("Discussed starting atorvastatin").isEmpty, "no dose: not a list entry")
    }

    func testAStoppedEntryKeepsItsCue() {
        XCTAssertEqual(entries("ticagrelor 90 mg BID - stopped (dyspnea)").first?.status, .stopped)
    }
}
