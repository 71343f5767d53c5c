@testable import Drafting
import Deidentification
import XCTest

/// Results written in sentences: a known test's name, a value and its unit, dated by their own clause. Expected
/// values are written by hand from each sentence.
final class ProseResultExtractorTests: XCTestCase {
    private func found(_ text: String) -> [String] {
        ProseResultExtractor.results(text, line: 1).map { "\($0.name)=\($0.value)" }
    }

    func testNamesValuesAndUnitsInSentences() {
        XCTAssertEqual(found("Troponin T peaked at 0.31 ng/mL overnight; echo showed ejection fraction 55-60%."),
                       ["Troponin T=0.31 ng/mL", "ejection fraction=55-60 %"])
        XCTAssertEqual(found("MoCA today is 24. PHQ-9 7, GAD-7 5."), ["MoCA=24", "PHQ-9=7", "GAD-7=5"])
        XCTAssertEqual(found("BP 142/88, HR 76, SpO2 97% on room air, weight 81.4 kg."),
                       ["BP=142/88", "HR=76", "SpO2=97 %", "weight=81.4 kg"])
        XCTAssertEqual(found("Post-void residual 120 mL; TSH: 3.2 and free T4 1.1 ng/dL"),
                       ["Post-void residual=120 mL", "TSH=3.2", "free T4=1.1 ng/dL"])
        XCTAssertEqual(found("platelets 1,250 today"), ["platelets=1,250"])
    }

    func testGoalsDosesTimesAndOtherNumbersAreNotResults() {
        for sentence in ["LDL goal < 70.", "Keep INR 2-3.", "Continue potassium 20 mEq daily.", "Repeat A1c in 3 months.",
                         "Walks 2 blocks before resting.", "Hgb 2 weeks ago was normal.", "INR checked 4/12 at the clinic.",
                         "recheck TSH 6 weeks after the change", "vitamin D 50,000 units weekly", "calcium 600 mg twice a day",
                         "target A1c 7", "HbSS disease", "Pain 7/10.", "Prediabetes (A1c 6.0% in 2019)."] {
            XCTAssertEqual(found(sentence), [], sentence)
        }
    }

    func testAResultIsDatedByItsClauseAndNotByARemarksDate() {
        let record = """
            Anticoagulation clinic 02/14/2025
            Bruising on the forearms. INR 3.8 (2.4 on 01/10/2025). Troponin I was 0.04 on 02/01/2025 at the outside ED.
            """
        let deidentifier = Deidentifier(registry: .default(lexicons: .empty), kinds: Set(PHIKind.allCases))
        let results = ProseResultExtractor.results(in: RecordLines(ProtectedText(record, deidentifier: deidentifier)))
        XCTAssertEqual(results.map { "\($0.name)=\($0.value)@\($0.date ?? "-")" },
                       ["INR=3.8@2025-02-14", "Troponin I=0.04@2025-02-01"])
    }
}
