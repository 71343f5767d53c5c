@testable import Drafting
import XCTest

final class NoteFilterTests: XCTestCase {
    func testUndocumentedStatusSentencesAreLeftOut() {
        let source = "45M R knee pain x3d after fall. no swelling."
        let text = "Right knee pain for 3 days after a fall. Denies smoking. No known drug allergies.\n- No swelling."
        let (kept, removed) = UndocumentedStatusFilter.apply(to: text, source: source)
        XCTAssertEqual(removed, 2)
        XCTAssertEqual(kept, "Right knee pain for 3 days after a fall.\n- No swelling.")
    }

    func testDocumentedStatusesStay() {
        let source = "smoker 1ppd. NKDA."
        let text = "Smokes one pack per day. No known drug allergies."
        XCTAssertEqual(UndocumentedStatusFilter.apply(to: text, source: source).0, text)
    }

    func testTemplateHeadingsBecomeSections() throws {
        let template = try NoteTemplate.parse("CHIEF COMPLAINT:\nwhy the patient came\n## Exam\nASSESSMENT AND PLAN:\n", source: "t.txt")
        XCTAssertEqual(template.sections.map(\.title), ["CHIEF COMPLAINT", "Exam", "ASSESSMENT AND PLAN"])
        XCTAssertEqual(template.sections[0].guidance, "why the patient came")
        XCTAssertThrowsError(try NoteTemplate.parse("just text\n", source: "t.txt")) { error in
            XCTAssertEqual((error as? DraftingError)?.description, "template t.txt: line 1: text before the first heading (a heading is a line ending in ':' or starting with '#')")
        }
    }

    func testSectionCleanupDropsRepeatedHeading() {
        XCTAssertEqual(NoteDrafter.cleanSection("Subjective:\nCough for 3 days.\n", title: "Subjective"), "Cough for 3 days.")
        XCTAssertEqual(NoteDrafter.cleanSection("**Plan:** Rest.", title: "Plan"), "Rest.")
    }
}
