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
        XCTAssertEqual(SectionWriter.cleanSection("Subjective:\nCough for 3 days.\n", title: "Subjective"), "Cough for 3 days.")
        XCTAssertEqual(SectionWriter.cleanSection("**Plan:** Rest.", title: "Plan"), "Rest.")
    }
}

final class ShorthandRouterTests: XCTestCase {
    func testClausesGoToTheirParts() {
        let routed = ShorthandRouter.route("""
            58F f/u HTN, BP 148/92 today, on lisinopril 10 daily. neg CP, SOB.
            plan incr lisinopril 20 daily, BMP 2wk, f/u 4w
            """)
        XCTAssertEqual(routed[.subjective], ["58-year-old woman, f/u HTN", "on lisinopril 10 daily.", "neg CP, SOB."])
        XCTAssertEqual(routed[.objective], ["BP 148/92 today"])
        XCTAssertEqual(routed[.plan], ["plan incr lisinopril 20 daily", "BMP 2wk", "f/u 4w"])
        XCTAssertEqual(routed[.assessment], ["58-year-old woman, f/u HTN"], "the visit's reason stands for a missing assessment")
    }

    func testEveryClauseIsKept() {
        let shorthand = "c/o R knee pain x3d after fall; ttp medial joint line, no effusion. xr neg fx. a: sprain. ice, rest, rtc 1wk"
        let routed = ShorthandRouter.route(shorthand)
        let all = NotePart.allCases.flatMap { routed[$0] ?? [] }
        for word in ["knee", "ttp", "effusion", "xr", "sprain", "ice", "rtc"] {
            XCTAssertTrue(all.contains { $0.contains(word) }, "\(word) lost")
        }
        XCTAssertEqual(routed[.assessment], ["a: sprain."])
    }

    func testHeadingsMapToParts() {
        XCTAssertEqual(NotePart.parts(forHeading: "HPI"), [.subjective])
        XCTAssertEqual(NotePart.parts(forHeading: "Assessment and Plan"), [.assessment, .plan])
        XCTAssertEqual(NotePart.parts(forHeading: "Physical Exam"), [.objective])
        XCTAssertEqual(NotePart.parts(forHeading: "Patient education"), [])
    }
}

final class AgeSexShorthandTests: XCTestCase {
    func testOpeningsAreWrittenOut() {
        XCTAssertEqual(AgeSexShorthand.expand("55M CP x2wk"), "55-year-old man, CP x2wk")
        XCTAssertEqual(AgeSexShorthand.expand("f58 here for HTN"), "58-year-old woman, here for HTN")
        XCTAssertEqual(AgeSexShorthand.expand("4yo F WCC"), "4-year-old girl, WCC")
        XCTAssertEqual(AgeSexShorthand.expand("9mo M fever"), "9-month-old boy, fever")
        XCTAssertEqual(AgeSexShorthand.expand("pt 72 yo male, AF"), "72-year-old man, AF")
        XCTAssertEqual(AgeSexShorthand.expand("34F"), "34-year-old woman")
    }

    func testOtherOpeningsAreLeftAlone() {
        for clause in ["2 f/u visits missed", "10 mg lisinopril", "6 min walk 300 m", "Mild cough x3d", "F/u HTN"] {
            XCTAssertEqual(AgeSexShorthand.expand(clause), clause)
        }
    }
}

final class ClauseCoverageTests: XCTestCase {
    func testAClauseWhoseFactOrWordsTheTextLostIsFound() {
        let clauses = ["BP 152/94 HR 78.", "ECG NSR, no ST changes.", "trop neg x2 (ED yesterday)."]
        let written = "Blood pressure 152/94, heart rate 78. ECG normal sinus rhythm."
        XCTAssertEqual(ClauseCoverage.missing(clauses, in: written), ["ECG NSR, no ST changes.", "trop neg x2 (ED yesterday)."])
    }

    func testAbbreviationsAndTheirExpansionsCountAsKept() {
        let clauses = ["c/o CP x2wk, exertional.", "lisinopril 10 mg bid"]
        let written = "Complains of chest pain for 2 weeks, exertional. Lisinopril 10 mg twice daily."
        XCTAssertEqual(ClauseCoverage.missing(clauses, in: written), [])
    }

    func testADiagnosisLeftOpenMustStayOpen() {
        XCTAssertEqual(ClauseCoverage.missing(["imp: stable angina, r/o CAD."], in: "Stable angina. Coronary artery disease."),
                       ["imp: stable angina, r/o CAD."])
        XCTAssertEqual(ClauseCoverage.missing(["imp: stable angina, r/o CAD."], in: "Stable angina; rule out coronary artery disease."), [])
        XCTAssertFalse(ClauseCoverage.hedged("Visit for hypertension; BP improved."), "'vs' inside a word is no doubt")
    }

    func testAChangedDoseIsLost() {
        XCTAssertEqual(ClauseCoverage.missing(["atorva 80 qhs"], in: "Atorvastatin 40 mg at bedtime."), ["atorva 80 qhs"])
    }
}

/// Each clause's rewrite against that clause alone: kept when faithful, else the clause as written.
final class ClauseRewriterTests: XCTestCase {
    let clauses = ["55-year-old man, CP x2wk, exertional.", "RF: HTN, FHx father MI at 52, current smoker 1ppd.",
                   "no syncope.", "imp: stable angina, r/o CAD."]

    func testFaithfulRewritesAreKeptAndUnfaithfulOnesFallBackToTheClause() {
        let answer = """
            1. 55-year-old man with exertional chest pain for 2 weeks.
            2. Risk factors: hypertension, father who was a smoker at 52, heart disease.
            3. He denies syncope.
            4. Stable angina; coronary artery disease.

            """
        let (text, asWritten) = ClauseRewriter.assemble(answer, clauses: clauses, bulleted: false)
        XCTAssertEqual(text, "55-year-old man with exertional chest pain for 2 weeks. RF: HTN, FHx father MI at 52, current smoker 1ppd. "
                       + "He denies syncope. imp: stable angina, r/o CAD.")
        XCTAssertEqual(asWritten, 2, "the mixed-up risk factors (MI lost, smoking lost, heart disease added) and the lost doubt")
    }

    func testListMarkersAndFullStops() {
        let (plan, _) = ClauseRewriter.assemble("", clauses: ["- IV NS at 1/2 maint", "-2 kg goal", "* recheck Hb"], bulleted: true)
        XCTAssertEqual(plan, "- IV NS at 1/2 maint\n- -2 kg goal\n- recheck Hb")
        let (paragraph, _) = ClauseRewriter.assemble("", clauses: ["no CP", "pain 9/10."], bulleted: false)
        XCTAssertEqual(paragraph, "no CP. pain 9/10.")
    }

    func testAMissingOrUnnumberedLineIsTheClause() {
        let (text, asWritten) = ClauseRewriter.assemble("1. Exertional chest pain.\nsomething else\n", clauses: Array(clauses.prefix(2)), bulleted: true)
        XCTAssertEqual(asWritten, 2, "line 1 lost the age and sex, line 2 never came")
        XCTAssertEqual(text, "- 55-year-old man, CP x2wk, exertional.\n- RF: HTN, FHx father MI at 52, current smoker 1ppd.")
    }

    func testTheGrammarAllowsOneNumberedLinePerClause() throws {
        let grammar = try ClauseRewriter.grammar(clauseCount: 2)
        XCTAssertTrue(grammar.matches("1. Chest pain.\n2. No syncope.\n"))
        XCTAssertFalse(grammar.matches("1. Chest pain.\n3. No syncope.\n"))
        XCTAssertFalse(grammar.matches("1. Chest pain.\n"))
    }
}

