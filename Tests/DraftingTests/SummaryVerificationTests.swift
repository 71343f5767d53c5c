@testable import Drafting
import Deidentification
import XCTest

/// The summary's checks on what a model proposes, fed answer lines directly: which items the record supports,
/// which line they cite, and what status the record's own words (and dates) give them.
final class SummaryVerificationTests: XCTestCase {
    static let record = """
        PROGRESS NOTE - 01/09/2024
        Medications: metformin 500 mg twice daily; lisinopril 10 mg daily; simvastatin 20 mg nightly.
        Allergies: sulfa (hives). Family history: mother with breast cancer.
        A1C 7.9 % today. 10-year ASCVD risk 9.8 %.
        Plan: increase lisinopril to 20 mg daily.
        PHONE NOTE - 03/18/2024
        Simvastatin stopped today because of myalgia. Will start rosuvastatin 5 mg daily once aches resolve.
        PROGRESS NOTE - 06/04/2024
        Started rosuvastatin 5 mg daily today. No chest pain.
        Referred for screening colonoscopy; to be scheduled by GI.
        HEMOGLOBIN A1C      7.4 %      (4.0-5.6)   H
        """

    /// The collector after the given answers, with no de-identification (the record above has no identifiers
    /// that matter to these checks, and the deidentifier is not what is under test).
    /// A record's lines with no de-identification.
    private func plainLines(_ text: String) -> RecordLines {
        RecordLines(ProtectedText(text, deidentifier: Deidentifier(registry: RecognizerRegistry([]), kinds: [])))
    }

    /// Each problem's status by its name (the first of a name listed twice).
    private func statuses(_ summary: RecordSummary) -> [String: ProblemStatus] {
        Dictionary(summary.problems.map { ($0.name, $0.status) }, uniquingKeysWith: { a, _ in a })
    }

    private func summary(_ answers: [(SummaryCategory, [String], Int)], record: String = record) -> RecordSummary {
        let protected = ProtectedText(record, deidentifier: Deidentifier(registry: RecognizerRegistry([]), kinds: []))
        let lines = RecordLines(protected)
        var collector = MentionCollector(lines: lines, protected: protected)
        let verifier = ItemVerifier(lines: lines, range: 1...lines.lines.count)
        for (category, fields, line) in answers { collector.add(ExtractedLine(fields: fields, line: line), category: category, verifier: verifier) }
        collector.addLabLines(LabLineExtractor.results(in: lines))
        return collector.summary(provenance: Provenance(model: "m", modelSHA256: nil, templateVersion: "t"), timings: StageTimings(), chunks: 1)
    }

    func testLatestDatedMentionDecidesMedicationStatus() {
        let s = summary([
            (.medications, ["simvastatin", "20 mg", "nightly", "current"], 2),
            (.medications, ["simvastatin", "?", "?", "current"], 7),
            (.medications, ["rosuvastatin", "5 mg", "daily", "planned"], 7),
            (.medications, ["rosuvastatin", "5 mg", "daily", "current"], 9),
            (.medications, ["lisinopril", "20 mg", "daily", "current"], 5),
            (.medications, ["metformin", "500 mg", "twice daily", "current"], 2),
        ])
        let status = Dictionary(uniqueKeysWithValues: s.medications.map { ($0.name, $0.status) })
        XCTAssertEqual(status["simvastatin"], .stopped, "stopped on 2024-03-18, though a model called it current")
        XCTAssertEqual(status["rosuvastatin"], .current, "planned on 2024-03-18, started on 2024-06-04")
        XCTAssertEqual(status["lisinopril"], .changed)
        XCTAssertEqual(status["metformin"], .current)
        XCTAssertEqual(s.medications.first { $0.name == "lisinopril" }?.dose, "20 mg")
        XCTAssertEqual(s.medications.first { $0.name == "simvastatin" }?.date, "2024-03-18")
    }

    func testItemsNoLineNamesAreSetApartAndWrongCitationsAreMended() {
        let s = summary([
            (.medications, ["atorvastatin", "40 mg", "daily", "current"], 2),
            (.allergies, ["sulfa", "hives", ""], 9),
        ])
        XCTAssertTrue(s.medications.isEmpty)
        XCTAssertEqual(s.unsupported.map(\.category), ["medications"])
        XCTAssertEqual(s.allergies.first?.citations.first?.lineStart, 3, "re-cited to the line that names it")
        XCTAssertEqual(s.allergies.first?.citations.first?.quote, "Allergies: sulfa (hives). Family history: mother with breast cancer.")
    }

    func testValuesMustBeOnTheCitedLine() {
        let s = summary([
            (.medications, ["metformin", "1000 mg", "twice daily", "current"], 2),
            (.results, ["A1C", "9.8 %"], 4),
            (.results, ["A1C", "7.9 %"], 4),
        ])
        XCTAssertNil(s.medications.first?.dose, "1000 mg is not on the cited line; the dose is left unknown, not invented")
        XCTAssertEqual(s.medications.first?.frequency, "twice daily")
        XCTAssertFalse(s.results.contains { $0.value.hasPrefix("9.8") }, "9.8 % is the ASCVD risk, not an A1C")
        XCTAssertTrue(s.results.contains { $0.value == "7.9 %" && $0.date == "2024-01-09" })
    }

    func testFamilyHistoryNegationAndPlansAreNotThePatientsFacts() {
        let s = summary([
            (.problems, ["breast cancer", "active", ""], 3),
            (.problems, ["chest pain", "active", ""], 9),
            (.events, ["screening colonoscopy", "", ""], 10),
            (.events, ["rosuvastatin started", "", ""], 9),
        ])
        XCTAssertTrue(s.problems.isEmpty)
        XCTAssertEqual(Set(s.unsupported.map(\.reason)), ["a family member's history, not the patient's", "the record says it is absent or ruled out"])
        XCTAssertTrue(s.timeline.allSatisfy { !$0.event.contains("colonoscopy") })
        XCTAssertEqual(s.planned.map(\.event), ["screening colonoscopy"])
        XCTAssertEqual(s.timeline.filter { $0.event.contains("rosuvastatin") }.map(\.date), ["2024-06-04"])
    }

    func testAProblemsStatusComesFromItsOwnClauseAndAProcedureIsHistory() {
        let lines = RecordLines(ProtectedText("""
            Hypertension, well controlled; h/o appendectomy.
            Liver transplant 2019, no rejection. Former smoker.
            Kidney transplant rejection, acute.
            """, deidentifier: Deidentifier(registry: RecognizerRegistry([]), kinds: [])))
        let verifier = ItemVerifier(lines: lines, range: 1...3)
        func status(_ name: String, _ line: Int) -> ProblemStatus { verifier.problemStatus(name: name, line: lines[line]!.deidentified, proposed: "active") }
        XCTAssertEqual(status("hypertension", 1), .active, "the history cue is in the other clause")
        XCTAssertEqual(status("appendectomy", 1), .historical)
        XCTAssertEqual(status("liver transplant", 2), .historical)
        XCTAssertEqual(status("tobacco use", 2), .historical, "'former smoker'")
        XCTAssertEqual(status("kidney transplant rejection", 3), .active)
    }

    func testLinesOfAnotherKindAreNotProblemsOrMedications() {
        let s = summary([
            (.problems, ["lisinopril 20 mg daily", "active", ""], 5),
            (.problems, ["A1C 7.9 %", "active", ""], 4),
            (.problems, ["Plan: increase lisinopril", "active", ""], 5),
            (.medications, ["sulfa", "?", "?", "current"], 3),
            (.medications, ["A1C 7.9 %", "?", "?", "current"], 4),
        ])
        XCTAssertTrue(s.problems.isEmpty, "\(s.problems)")
        XCTAssertTrue(s.medications.isEmpty, "\(s.medications)")
        XCTAssertFalse(ItemVerifier.isTestWithValue("levetiracetam 500 mg twice daily"), "a dose is not a result")
        XCTAssertFalse(ItemVerifier.isTestWithValue("Eliquis 5"), "nor is a strength without a unit")
        XCTAssertTrue(ItemVerifier.isTestWithValue("HCV RNA 1,200 IU/mL"))
        XCTAssertEqual(s.unsupported.map(\.reason), ["a medication and its dose, not a problem", "a result and its value, not a problem",
                                                     "a plan, allergy or result line, not a problem", "an allergy, not a medication",
                                                     "a result and its value, not a medication"])
    }

    func testAMedicationListEntryIsNotAnEventAndOneResultIsListedOnce() {
        let s = summary([
            (.events, ["metformin 500 mg twice daily", ""], 2),
            (.events, ["simvastatin stopped", ""], 7),
            (.results, ["A1C", "7.9"], 4),
            (.results, ["A1C test", "7.9 %"], 4),
        ])
        XCTAssertEqual(s.unsupported.map(\.reason), ["a medication list entry, not an event"])
        XCTAssertTrue(s.timeline.contains { $0.event == "simvastatin stopped" })
        XCTAssertEqual(s.results.filter { $0.date == "2024-01-09" }.map { "\($0.name) \($0.value)" }, ["A1C test 7.9 %"])
    }

    func testMedicationStartsStopsChangesAndDatedResultsAreTimelineEvents() {
        let s = summary([
            (.medications, ["simvastatin", "?", "?", "current"], 7),
            (.medications, ["rosuvastatin", "5 mg", "daily", "planned"], 7),
            (.medications, ["rosuvastatin", "5 mg", "daily", "current"], 9),
            (.medications, ["lisinopril", "20 mg", "daily", "current"], 5),
            (.medications, ["metformin", "500 mg", "twice daily", "current"], 2),
            (.results, ["A1C", "7.9 %"], 4),
        ])
        let events = s.timeline.map { "\($0.date) \($0.event) L\($0.citations.map(\.lineStart))" }
        XCTAssertEqual(events, ["2024-01-09 A1C 7.9 % L[4]",
                                "2024-01-09 lisinopril changed to 20 mg daily L[5]",
                                "2024-03-18 simvastatin stopped L[7]",
                                "2024-06-04 rosuvastatin 5 mg daily started L[9]",
                                "2024-06-04 HEMOGLOBIN A1C 7.4 % L[11]"],
                       "a medication merely listed (metformin) and a planned start are not events")
    }

    func testLabTableLinesAreReadWithoutTheModel() {
        XCTAssertEqual(LabLineExtractor.parse("HEMOGLOBIN A1C      7.4 %      (4.0-5.6)   H", line: 3),
                       .init(name: "HEMOGLOBIN A1C", value: "7.4 %", line: 3))
        XCTAssertEqual(LabLineExtractor.parse("Potassium: 5.3 mmol/L [3.5-5.1]", line: 1),
                       .init(name: "Potassium", value: "5.3 mmol/L", line: 1))
        XCTAssertNil(LabLineExtractor.parse("Walked 20 minutes most days", line: 1))
        XCTAssertNil(LabLineExtractor.parse("Plan: increase lisinopril to 20 mg daily.", line: 1))
    }

    func testAFieldCutInsideAPlaceholderLosesTheFragment() {
        let parsed = ExtractionPrompts.parse("- stopped: mycophenolate (GI intolerance, [DATE_3]); valganciclovir ([DATE | L40\n", category: .events)
        XCTAssertEqual(parsed.first?.fields, ["stopped: mycophenolate (GI intolerance, [DATE_3]); valganciclovir"])
        XCTAssertEqual(ExtractionPrompts.withoutCutPlaceholder("seen [NAME_1] on [DATE_2]"), "seen [NAME_1] on [DATE_2]")
    }

    func testAnswerLinesParse() {
        let parsed = ExtractionPrompts.parse("- metformin | 500 mg | bid | current | L2\n- junk line\n- aspirin | ? | ? | stopped | line 7\nNONE", category: .medications)
        XCTAssertEqual(parsed, [ExtractedLine(fields: ["metformin", "500 mg", "bid", "current"], line: 2),
                                ExtractedLine(fields: ["aspirin", "?", "?", "stopped"], line: 7)])
    }

    /// A record whose medication table a model reads, while the sentences that stop, hold, restart or finish
    /// a drug are written elsewhere (invented for these cases).
    static let trailRecord = """
        CARDIOLOGY CLINIC - 02/06/2023
        Current medications:
        | ticagrelor 90 mg | twice daily |
        | metoprolol succinate 25 mg | daily |
        | vitamin D3 1000 IU | daily |
        | vitamin B12 1000 mcg | daily |
        Allergies: penicillin (hives). Mother took warfarin 5 mg daily.
        ED NOTE - 03/11/2023
        Nausea. Ondansetron 4 mg IV given. Nitrofurantoin 100 mg bid x 5 days for cystitis.
        Lithium 450 mg twice daily held for level 1.9.
        PHONE NOTE - 04/02/2023
        Dyspnea on ticagrelor; ticagrelor stopped today, clopidogrel 75 mg daily instead. Restart lithium 300 mg twice daily.
        """

    func testEveryLineNamingADrugCanDecideItsStatus() {
        let s = summary([
            (.medications, ["ticagrelor", "90 mg", "twice daily", "current"], 3),
            (.medications, ["metoprolol succinate", "25 mg", "daily", "current"], 4),
            (.medications, ["metoprolol", "?", "?", "current"], 4),
            (.medications, ["vitamin D3", "1000 IU", "daily", "current"], 5),
            (.medications, ["vitamin B12", "1000 mcg", "daily", "current"], 6),
            (.medications, ["ondansetron", "4 mg", "?", "current"], 9),
            (.medications, ["nitrofurantoin", "100 mg", "bid", "current"], 9),
            (.medications, ["lithium", "450 mg", "twice daily", "current"], 10),
            (.medications, ["penicillin", "?", "?", "current"], 7),
        ], record: Self.trailRecord)
        let byName = Dictionary(s.medications.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byName["ticagrelor"]?.status, .stopped, "a later sentence the model never listed stops it")
        XCTAssertEqual(byName["ticagrelor"]?.citations.last?.lineStart, 12, "the deciding line is cited")
        XCTAssertEqual(byName["ondansetron"]?.status, .stopped, "a single dose given in the ED")
        XCTAssertEqual(byName["nitrofurantoin"]?.status, .stopped, "a 5-day course that ended before the record does")
        XCTAssertEqual(byName["lithium"]?.status, .current, "held, then restarted")
        XCTAssertEqual(byName["lithium"]?.dose, "300 mg", "at the restart's dose")
        XCTAssertEqual(s.medications.filter { $0.name.hasPrefix("metoprolol") }.count, 1, "one item per drug")
        XCTAssertEqual(byName["metoprolol"]?.status, .current)
        XCTAssertEqual(Set(s.medications.map(\.name)).intersection(["vitamin D3", "vitamin B12"]).count, 2,
                       "two vitamins are two drugs")
        XCTAssertNil(byName["penicillin"], "an allergy is not a medication")
        let events = Set(s.timeline.map { $0.date + " " + $0.event })
        XCTAssertTrue(events.isSuperset(of: ["2023-04-02 ticagrelor stopped", "2023-04-02 lithium 300 mg started",
                                             "2023-03-11 lithium stopped"]), "\(events)")
    }

    func testOnceDailyIsNotASingleDoseAndACourseStillRunningIsCurrent() {
        XCTAssertNil(ItemVerifier.statedStatus(drug: "warfarin", clause: " warfarin 5 mg once daily "))
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "ceftriaxone", clause: " ceftriaxone 1 g iv once in the ed "), .stopped)
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "aspirin", clause: " continue aspirin 81 mg "), .current)
        XCTAssertEqual(MedicationTrail.courseDays(" amoxicillin 500 mg tid x 10 days "), 10)
        XCTAssertEqual(MedicationTrail.courseDays(" a 7-day course of doxycycline "), 7)
        XCTAssertNil(MedicationTrail.courseDays(" metformin 500 mg for 10 years "))
        XCTAssertEqual(RecordLines.day("2024-02-25", plus: 5), "2024-03-01")
    }

    /// A dose by vein, muscle or nebulizer with no schedule, or a drip at an hourly rate, was given where it was
    /// written and is over; with a schedule it is a course or maintenance. A course counted in doses lasts as many
    /// intervals. A name written with its strength gives the strength as the dose.
    func testDosesGivenInAFacilityAreOver() {
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "magnesium", clause: " magnesium sulfate 2 g iv "), .stopped)
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "morphine", clause: " morphine 2 mg iv x 2 for pain "), .stopped)
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "ipratropium", clause: " - ipratropium 0.5 mg nebulized "), .stopped)
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "heparin", clause: " heparin drip at 18 units/kg/h "), .stopped)
        XCTAssertNil(ItemVerifier.statedStatus(drug: "cyanocobalamin", clause: " cyanocobalamin 1000 mcg im monthly "))
        XCTAssertNil(ItemVerifier.statedStatus(drug: "vedolizumab", clause: " vedolizumab 300 mg iv every 8 weeks "))
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "ertapenem", clause: " continue ertapenem 1 g iv daily via picc "), .current)
        XCTAssertEqual(MedicationTrail.courseDays(" ferumoxytol 510 mg iv weekly x 2 doses "), 14)
        XCTAssertEqual(MedicationTrail.courseDays(" zoledronic acid every 4 weeks x 3 infusions "), 84)
        XCTAssertEqual(MentionCollector.strengthApart("valsartan 80 mg tab").name, "valsartan")
        XCTAssertEqual(MentionCollector.strengthApart("valsartan 80 mg tab").strength, "80 mg")
        XCTAssertNil(MentionCollector.strengthApart("valsartan").strength)
    }

    /// A list's label gives every drug after it its status, a negated continuing word ("do not restart") keeps a drug
    /// stopped, and a drug only discussed in a sentence whose next clause declines it is no medication (invented lines).
    func testListLabelsNegatedRestartsAndDeclinedProposals() {
        let text = "Reconciliation 02/03/2025\nStopped (do not resume): lisinopril, metformin, naproxen,\nomeprazole.\nInsomnia: trazodone was offered; he declined.\nContinue sertraline 50 mg daily."
        let lines = plainLines(text)
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "lisinopril", clause: " stopped (do not resume): lisinopril, "), .stopped)
        XCTAssertEqual(MedicationTrail.labelStatus("Held: apixaban, clopidogrel"), .stopped)
        XCTAssertNil(MedicationTrail.labelStatus("Plan: continue metformin"))
        let trail = MedicationTrail(lines: lines)
        for drug in ["lisinopril", "metformin", "naproxen", "omeprazole"] {
            XCTAssertEqual(trail.statements(about: [drug]).last?.status, .stopped, drug)
        }
        XCTAssertEqual(trail.statements(about: ["sertraline"]).last?.status, .current)
        let verifier = ItemVerifier(lines: lines, range: 1...5)
        XCTAssertNotNil(verifier.medicationRejection(line: lines[4]!.deidentified, name: "trazodone", dose: "?"))
        XCTAssertNil(verifier.medicationRejection(line: lines[5]!.deidentified, name: "sertraline", dose: "50 mg"))
    }

    /// The label of a list ("Intolerance:", "INTOLERANCES:") says what each entry after it is (invented lines).
    func testAListLabelTypesItsEntries() {
        let text = "Intolerance: codeine -- vomiting (2019).\nALLERGIES: latex (hives). INTOLERANCES: metformin (diarrhea); simvastatin (myalgia)"
        let lines = plainLines(text)
        func isIntolerance(_ substance: String, _ line: Int) -> Bool {
            ItemVerifier.intoleranceCues.contains(where: MentionCollector.statement(about: substance, onLine: line, in: lines).contains)
        }
        XCTAssertTrue(isIntolerance("codeine", 1))
        XCTAssertTrue(isIntolerance("simvastatin", 2))
        XCTAssertTrue(isIntolerance("metformin", 2))
        XCTAssertFalse(isIntolerance("latex", 2))
    }

    /// "From 30 mg to 60 mg" changes a dose; "from A to B" switches drugs. A section label or a clinician's name is no event.
    func testDoseChangeIsNoSwitchAndLabelsAreNoEvents() {
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "sertraline", clause: " increase sertraline from 50 mg to 100 mg daily "), .changed)
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "sertraline", clause: " switched from sertraline to escitalopram "), .stopped)
        XCTAssertTrue(ItemVerifier.namesNoEvent("HPI"))
        XCTAssertTrue(ItemVerifier.namesNoEvent("[NAME_2], MD"))
        XCTAssertFalse(ItemVerifier.namesNoEvent("colonoscopy with polypectomy"))
    }

    /// A later note's reconciliation that records an old stop ("stopped 05/2022") speaks as of its own date, and
    /// outranks a stale list in the same note; a drug offered and declined is no medication (invented record).
    func testAStopRecordedInALaterNoteOutranksAStaleListAndADeclinedDrugIsNone() {
        let record = """
            CLINIC NOTE 03/01/2022
            Meds: amiodarone 200 mg daily.
            CLINIC NOTE 09/12/2024
            Outside fill history lists amiodarone 200 mg daily (last fill 04/2022).
            Inactive medications:
              amiodarone - stopped 05/20/2022 (thyroid)
            Statin offered again for his LDL; he declines rosuvastatin.
            """
        let s = summary([
            (.medications, ["amiodarone", "200 mg", "daily", "current"], 2),
            (.medications, ["amiodarone", "200 mg", "daily", "current"], 4),
            (.medications, ["rosuvastatin", "?", "?", "current"], 7),
        ], record: record)
        XCTAssertEqual(s.medications.first { $0.name == "amiodarone" }?.status, .stopped)
        XCTAssertNil(s.medications.first { $0.name == "rosuvastatin" })
    }

    /// What a record says about an allergy's substance runs to the end of its sentence, across a wrapped line, so
    /// a remark there ("not an allergy") makes it an intolerance; the next substance's words are not read.
    func testAnAllergyStatementReadsOnAcrossAWrappedLine() {
        let record = """
            allergies: sulfa - rash. contrast dye - flushing and
            nausea with infusion (not an allergy; premedicate).
            codeine - vomiting. latex - hives.
            """
        let deidentifier = Deidentifier(registry: .default(lexicons: .empty), kinds: Set(PHIKind.allCases))
        let lines = RecordLines(ProtectedText(record, deidentifier: deidentifier))
        let dye = MentionCollector.statement(about: "contrast dye", onLine: 1, in: lines)
        XCTAssertTrue(ItemVerifier.intoleranceCues.contains(where: dye.contains), dye)
        let sulfa = MentionCollector.statement(about: "sulfa", onLine: 1, in: lines)
        XCTAssertFalse(ItemVerifier.intoleranceCues.contains(where: sulfa.contains), sulfa)
        let latex = MentionCollector.statement(about: "latex", onLine: 3, in: lines)
        XCTAssertEqual(latex, "latex - hives.")
    }

    /// A drug "not started" or "never started" is not taken: it is planned, however the start word reads.
    func testADrugNotYetStartedIsPlanned() {
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "tezepelumab", clause: " tezepelumab - awaiting insurance, not started "), .planned)
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "alendronate", clause: " alendronate 70 mg weekly prescribed; has not yet started "), .planned)
        XCTAssertEqual(ItemVerifier.statedStatus(drug: "apixaban", clause: " apixaban 5 mg bid started 3/2 "), .current)
    }

    func testAProblemEndsWhereALaterLineSaysSo() {
        let record = """
            HOSPITAL DAY 2 - 05/02/2024
            Acute kidney injury after contrast: Cr 2.1 from 1.0. Holding lisinopril.
            Delirium overnight, reoriented with family.
            CLINIC - 06/10/2024
            Kidney injury resolved, creatinine back to baseline 1.0. Delirium has not resolved fully per daughter.
            """
        let s = summary([
            (.problems, ["acute kidney injury", "active"], 2),
            (.problems, ["delirium", "active"], 3),
        ], record: record)
        let status = statuses(s)
        XCTAssertEqual(status["acute kidney injury"], .resolved, "the June line ends it, though the model read it from May")
        XCTAssertEqual(s.problems.first { $0.name == "acute kidney injury" }?.citations.last?.lineStart, 5)
        XCTAssertEqual(status["delirium"], .active, "'has not resolved' is no ending")
    }

    /// Diagnosis lists read without the model: a labelled list and the lines it wraps onto, numbered items under a
    /// label alone, each cut to its condition's name; suspected, negated and planned entries and prose are none
    /// (invented record).
    func testDiagnosisListsAreReadByTheirStructure() {
        let record = """
            CLINIC NOTE - 01/10/2025
            PMH: asthma; hypertension; osteoarthritis (knees); s/p appendectomy
            (2001) for perforation.
            Impression: possible sleep apnea; no evidence of heart failure.
            ASSESSMENT:
            1. Type 2 diabetes - A1c 8.1%, increase metformin.
            2. Reduce salt.
            3. Metformin 1000 mg twice daily.
            CT REPORT - 02/01/2025
            IMPRESSION: Recommend CT in 6 months.
            DISCHARGE SUMMARY - 03/01/2025
            DIAGNOSIS: ACUTE EXACERBATION OF ASTHMA TRIGGERED BY INFLUENZA A,
            WITH ACUTE HYPOXEMIC RESPIRATORY FAILURE.
            """
        let lines = plainLines(record)
        let entries = ProblemListExtractor.entries(in: lines)
        XCTAssertEqual(entries.map(\.name), ["asthma", "hypertension", "osteoarthritis", "s/p appendectomy for perforation",
                                             "Type 2 diabetes", "acute exacerbation of asthma", "influenza A",
                                             "acute hypoxemic respiratory failure"])
        XCTAssertEqual(entries.map(\.line), [2, 2, 2, 2, 6, 12, 12, 13])
        let s = summary(entries.map { (.problems, [$0.name, "active"], $0.line) }, record: record)
        let status = statuses(s)
        XCTAssertEqual(status["s/p appendectomy for perforation"], .historical)
        XCTAssertEqual(status["asthma"], .active)
    }

    /// A problem whose name denies, doubts or only prevents it is none, nor is a relative's condition on a line a
    /// family history section wraps onto (invented record).
    func testNamesThatDenyDoubtOrPreventAndWrappedFamilyHistory() {
        let record = """
            VISIT - 01/10/2025
            FAMILY HISTORY: father - atrial fibrillation; brother -
            dilated cardiomyopathy with a pacemaker. Sister - asthma.
            No known kidney disease. Gout, stable.
            Intolerance: colchicine (diarrhea). Daytime sleepiness; narcolepsy is
            not diagnosed, sleep study pending.
            Steroid-induced hyperglycemia on prednisone.
            """
        let s = summary([
            (.problems, ["dilated cardiomyopathy", "active"], 3),
            (.problems, ["no known kidney disease", "active"], 4),
            (.problems, ["migraine still unconfirmed", "active"], 4),
            (.problems, ["stroke prevention", "active"], 4),
            (.problems, ["gout", "active"], 4),
            (.problems, ["colchicine (diarrhea)", "active"], 5),
            (.problems, ["narcolepsy", "active"], 5),
            (.problems, ["steroid-induced hyperglycemia", "active"], 7),
        ], record: record)
        XCTAssertEqual(s.problems.map(\.name), ["gout", "steroid-induced hyperglycemia"])
    }

    /// A drug named in a list of intolerances is no medication the patient takes (invented record).
    func testAnIntoleranceListIsNoMedication() {
        let record = """
            VISIT - 01/10/2025
            Meds: escitalopram 10 mg daily.
            Intolerances: citalopram (nausea), mirtazapine (weight gain).
            """
        let s = summary([
            (.medications, ["escitalopram", "10 mg", "daily", "current"], 2),
            (.medications, ["Intolerances: citalopram (nausea), mirtazapine", "?", "?", "current"], 3),
            (.medications, ["mirtazapine", "?", "?", "current"], 3),
        ], record: record)
        XCTAssertEqual(s.medications.map(\.name), ["escitalopram"])
    }

    /// A list's label that ends every entry after it ("Resolved: ...") ends each of them (invented record).
    func testAResolvedListEndsItsEntries() {
        let record = """
            VISIT - 01/10/2025
            Cellulitis of the left leg, cephalexin started.
            VISIT - 03/01/2025
            Resolved: left leg cellulitis; epistaxis.
            """
        let s = summary([(.problems, ["cellulitis", "active"], 2)], record: record)
        XCTAssertEqual(s.problems.first?.status, .resolved)
        // Read by its structure, an entry of the list is listed as ended even when the model passed over it.
        let lines = plainLines(record)
        let entries = ProblemListExtractor.entries(in: lines)
        XCTAssertEqual(entries.map(\.name), ["left leg cellulitis", "epistaxis"])
        let read = summary(entries.map { (.problems, [$0.name, "active"], $0.line) }, record: record)
        XCTAssertEqual(Set(read.problems.map(\.status)), [.resolved], "\(read.problems)")
    }

    /// An acute illness the record last mentions months before it ends has run its course; one mentioned near the
    /// end has not. A pregnancy ends with a later delivery. A problem the line says was not diagnosed is not one
    /// (invented record).
    func testAcuteIllnessesRunTheirCourseAndPregnancyEndsWithDelivery() {
        let record = """
            ADMISSION - 02/03/2024
            Delirium on night 2, reoriented with family; UTI treated with cephalexin.
            Pregnancy at 30 weeks, gestational hypertension.
            POSTPARTUM VISIT - 04/20/2024
            Delivered 03/28/2024, vaginal delivery. Anxiety -- not diagnosed, screen negative, recheck in 2 weeks.
            CLINIC - 11/30/2024
            Fall at home; right ankle sprain. Knee osteoarthritis stable.
            """
        let s = summary([
            (.problems, ["delirium", "active"], 2),
            (.problems, ["UTI", "active"], 2),
            (.problems, ["pregnancy", "active"], 3),
            (.problems, ["anxiety -- not diagnosed", "active"], 5),
            (.problems, ["right ankle sprain", "active"], 7),
            (.problems, ["knee osteoarthritis", "active"], 7),
        ], record: record)
        let status = statuses(s)
        XCTAssertEqual(status["delirium"], .resolved, "last mentioned ten months before the record ends")
        XCTAssertEqual(status["UTI"], .resolved)
        XCTAssertEqual(status["pregnancy"], .resolved, "a delivery follows it")
        XCTAssertNil(status["anxiety -- not diagnosed"], "\(s.problems)")
        XCTAssertEqual(status["right ankle sprain"], .active, "mentioned at the last visit")
        XCTAssertEqual(status["knee osteoarthritis"], .active)
    }

    func testARecordWrappedAtAFixedWidthIsReadAsSentences() {
        let record = """
            ANTICOAGULATION VISIT - 03/17/2025
            After talking it over we will switch warfarin to
            apixaban 2.5 mg twice daily. Last warfarin dose
            tonight. Ergocalciferol 50,000 IU weekly for 8 weeks.
            Family: daughter takes sertraline 50 mg daily.
            MoCA 24/30 today. Hgb 11.2 g/dL.
            FOLLOW-UP - 07/01/2025
            Doing well on apixaban. Hgb 12.0 g/dL.
            """
        let s = summary([
            (.medications, ["warfarin", "?", "?", "current"], 2),
            (.medications, ["ergocalciferol", "50,000 IU", "weekly", "current"], 4),
            (.medications, ["sertraline", "50 mg", "daily", "current"], 5),
            (.medications, ["MoCA 24/30", "?", "?", "current"], 6),
            (.problems, ["Hgb", "active"], 6),
            (.results, ["Hgb", "11.2 g/dL"], 6),
        ], record: record)
        let status = Dictionary(s.medications.map { ($0.name, $0.status) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(status["warfarin"], .stopped, "switched to apixaban across a line break, and its last dose given")
        XCTAssertEqual(status["ergocalciferol"], .stopped, "an 8-week course ended before the July visit")
        XCTAssertNil(status["sertraline"], "a relative's medication")
        XCTAssertNil(status["MoCA 24/30"], "a score names no drug and gives no dose")
        XCTAssertTrue(s.problems.isEmpty, "a test's name is not a problem")
        XCTAssertTrue(Set(s.unsupported.map(\.reason)).isSuperset(of: ["a family member's, not the patient's", "a test's name, not a problem"]))
    }

    func testAnItemIsDatedByItsOwnSentence() {
        let record = """
            DISCHARGE SUMMARY - 01/24/2025
            Hospital course: fixation on 1/19/2025. On 1/20/2025 Hgb was 8.6 with dizziness.
            The night of 1/20 she was agitated. Duplex on 1/23: no DVT.
            Seen 12/28 by her PCP before the fall.
            Warfarin held.
            """
        let lines = plainLines(record)
        XCTAssertEqual(lines.date(of: "hgb", onLine: 2), "2025-01-20", "not the line's first date")
        XCTAssertEqual(lines.date(of: "fixation", onLine: 2), "2025-01-19")
        XCTAssertEqual(lines.date(of: "duplex", onLine: 3), "2025-01-23", "a year-less date in the note's year")
        XCTAssertEqual(lines.date(of: "pcp", onLine: 4), "2024-12-28", "a January note's December is the year before")
        XCTAssertEqual(lines.date(of: "warfarin", onLine: 5), "2025-01-24", "no date of its own: the note's")
    }

    func testOneProblemInTwoSpellingsIsOneItemAndAListIsSeveral() {
        let record = """
            ED NOTE - 01/18/2025
            Displaced left intertrochanteric femur fracture. PMH: hypertension. hypothyroidism.
            ORTHO VISIT - 03/03/2025
            Left intertrochanteric femur fracture, s/p nailing 1/19/2025, healing well.
            """
        let s = summary([
            (.problems, ["displaced intertrochanteric femur fracture", "active"], 2),
            (.problems, ["hypertension . hypothyroidism", "active"], 2),
            (.problems, ["left intertrochanteric femur fracture, s/p nailing", "historical"], 4),
            (.problems, ["closed left intertrochanteric femur fracture", "resolved"], 2),
        ], record: record)
        XCTAssertEqual(s.problems.filter { $0.name.contains("femur") }.map(\.status), [.historical], "the later spelling decides")
        XCTAssertEqual(Set(s.problems.map(\.name)).intersection(["hypertension", "hypothyroidism"]).count, 2)
    }

    func testOnlyTheRecordsWordsEndAProblemAndAnInformantIsNotTheSubject() {
        let record = """
            DISCHARGE SUMMARY - 01/24/2025
            Diagnoses: permanent atrial fibrillation. Postoperative delirium - resolved.
            Acute blood loss anemia, transfused 1 unit packed red cells.
            Osteoporosis reviewed with daughter. Mother with breast cancer.
            """
        let s = summary([
            (.problems, ["permanent atrial fibrillation", "resolved"], 2),
            (.problems, ["postoperative delirium", "active"], 2),
            (.problems, ["acute blood loss anemia, transfused 1 unit packed red cells", "active"], 3),
            (.problems, ["osteoporosis", "active"], 4),
            (.problems, ["breast cancer", "active"], 4),
        ], record: record)
        let status = statuses(s)
        XCTAssertEqual(status["permanent atrial fibrillation"], .active, "a model's 'resolved' without the record's words")
        XCTAssertEqual(status["postoperative delirium"], .resolved)
        XCTAssertEqual(status["acute blood loss anemia, transfused 1 unit packed red cells"], .active, "a dose without a drug")
        XCTAssertEqual(status["osteoporosis"], .active, "the daughter is there as a companion")
        XCTAssertNil(status["breast cancer"], "the mother's")
    }

    func testAMedicationReconciliationIsReadEntryByEntry() {
        let record = """
            MEDICATION RECONCILIATION (11/04/2024)
              ACTIVE
               clopidogrel 75 mg PO daily (held 1/3-1/9/24 for colonoscopy,
                   restarted 1/10/24)
               atorvastatin 40 mg PO nightly (reduced from 80 mg - myalgia)
               ezetimibe 10 mg PO daily
              PENDING
               empagliflozin 10 mg PO daily - awaiting prior authorization
              DISCONTINUED
               ciprofloxacin / metronidazole - 7-day course, completed
            A/P: given his CAD, add dapagliflozin
               10 mg daily once approved.
            """
        let s = summary([
            (.medications, ["clopidogrel", "75 mg", "daily", "current"], 3),
            (.medications, ["ezetimibe", "10 mg", "daily", "current"], 6),
            (.medications, ["empagliflozin", "10 mg", "daily", "planned"], 8),
            (.medications, ["ciprofloxacin", "?", "?", "current"], 10),
            (.medications, ["dapagliflozin", "?", "?", "current"], 11),
        ], record: record)
        let status = Dictionary(s.medications.map { ($0.name, $0.status) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(status["clopidogrel"], .current, "held, then restarted: the cue written last")
        XCTAssertEqual(status["ezetimibe"], .current, "an entry is not continued into the next entry's 'reduced'")
        XCTAssertEqual(status["empagliflozin"], .planned, "an entry is not continued into the heading below")
        XCTAssertEqual(status["ciprofloxacin"], .stopped, "drugs joined by a slash share their words")
        XCTAssertEqual(status["dapagliflozin"], .planned, "'given his CAD' is no dose given")
    }

    func testTheModelsReadingEndsOnlyAnAcuteProblem() {
        let lines = plainLines("Diagnoses: contrast-associated AKI. Hypertension.")
        let verifier = ItemVerifier(lines: lines, range: 1...1)
        XCTAssertEqual(verifier.problemStatus(name: "contrast-associated AKI", line: lines[1]!.deidentified, proposed: "resolved"), .resolved)
        XCTAssertEqual(verifier.problemStatus(name: "hypertension", line: lines[1]!.deidentified, proposed: "resolved"), .active)
    }

    /// In a list separated by commas each entry has its own status words, a bare status after a comma is the entry's
    /// before it, and an episode ending (a flare) leaves the lasting condition active (invented lines).
    func testStatusWordsBelongToTheirOwnEntry() {
        let text = "Discharge diagnoses: pyelonephritis (resolved), asthma, hyponatremia (resolved).\nPsoriasis: flare resolved with a steroid taper.\nHyperkalemia, resolved after the dose change."
        let lines = plainLines(text)
        let verifier = ItemVerifier(lines: lines, range: 1...3)
        func status(_ name: String, _ line: Int) -> ProblemStatus { verifier.problemStatus(name: name, line: lines[line]!.deidentified, proposed: "active") }
        XCTAssertEqual(status("asthma", 1), .active)
        XCTAssertEqual(status("pyelonephritis", 1), .resolved)
        XCTAssertEqual(status("hyponatremia", 1), .resolved)
        XCTAssertEqual(status("psoriasis", 2), .active)
        XCTAssertEqual(status("psoriasis flare", 2), .resolved)
        XCTAssertEqual(status("hyperkalemia", 3), .resolved)
    }
}
