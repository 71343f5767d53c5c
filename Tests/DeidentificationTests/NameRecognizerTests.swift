import Foundation
import Testing
@testable import Deidentification

struct NameRecognizerTests {
    let names = NameRecognizer(lexicons: TestLexicons.small)

    @Test(arguments: [
        ("Seen by Dr. Ana Ruiz today", ["Ana Ruiz"]),                       // title stays outside
        ("Attending\nMD: Oluwaseun Adebanjo-Kraft\nPager", ["Oluwaseun Adebanjo-Kraft"]),  // a credential as a field label
        ("Co-signed\nNP: Dana Whitt", ["Dana Whitt"]),
        ("MD: not required for refills", []),                                 // no name after the label
        ("Mrs. Parkinson reports", ["Parkinson"]),                          // title beats the eponym list
        ("Patient: ROE, JANE A    MRN: 1", ["ROE, JANE A"]),                // label, LAST, FIRST, initial
        ("Her son John called", ["John"]),                                  // relation
        ("Parent Zdenka Foley informed by phone.", ["Zdenka Foley"]),       // a parent, named
        ("Jane Roe, MD", ["Jane Roe"]),                                     // credential stays outside
        ("Sincerely,\n\nAna Ruiz, MD", ["Ana Ruiz"]),                       // signature
        ("Dictated by: Ana Ruiz\nAR/km", ["Ana Ruiz", "AR", "km"]),         // typist initials
        ("RM 318  PEMBERTON, HAROLD 93M", ["PEMBERTON, HAROLD"]),           // ALL CAPS comma form
        ("Mary Smith's daughter", ["Mary Smith"]),                          // possessive 's outside
        ("patient Francis O'Shaughnessy, DOB", ["Francis O'Shaughnessy"]),
        ("PID|QUINTERO^ALEJANDRA^M||", ["QUINTERO", "ALEJANDRA", "M"]),    // HL7
        ("user jdoyle opened the chart", ["jdoyle"]),                      // initial + surname login
        ("key: kpw = Kathleen P. Wojcik, RN\nflu shot kpw", ["kpw", "Kathleen P. Wojcik", "kpw"]),
        ("Jane Roe was seen. Later Roe called.", ["Jane Roe", "Roe"]),      // propagation
        ("On-coming RN: Will Smith", ["Will Smith"]),                       // safe word with label context
        ("daughters Mary and Grace visited", ["Mary", "Grace"]),
        ("Patient: Annika van der Berg   DOB", ["Annika van der Berg"]),   // particles
        ("Patient: Jane \"Janie\" Roe   DOB", ["Jane \"Janie\" Roe"]),   // a quoted nickname
        ("Patient: Jane “Janie” Roe   DOB", ["Jane “Janie” Roe"]),        // curly quotes
        ("Patient: Jane 'Janie' Roe   DOB", ["Jane 'Janie' Roe"]),        // single quotes
        ("called receiving RN Mary at 14:05", ["Mary"]),                    // a role written as a title
        ("Patient: Price, Mark   DOB", ["Price, Mark"]),                   // eponym-like surname, given name after
        ("Veteran: Ana \"Annie\" Okafor-Bell   Last 4", ["Ana \"Annie\" Okafor-Bell"]),  // a person-role label
        ("2  NF24043319   PEMBERTON, XOCHITL   11/03/1985", ["PEMBERTON, XOCHITL"]),  // unlisted given name in caps
        ("Certifier: Ana Ruiz, CNM     Informant: mother     Clerk: dfh\n", ["Ana Ruiz", "dfh"]),  // no relation across a gap
        ("Mother's maiden surname: Doyle     Mother's DOB", ["Doyle"]),   // a name field
        ("Margins clear.\n\nGross by LMT. Electronically signed", ["LMT"]),   // staff initials after "by"
        ("D: 03/09/2024   Typed by: dfh\n", ["dfh"]),                      // typist initials after a label
        ("Send me his weight and I'll write it up. - SR\n", ["SR"]),         // initials signing a message
        ("Refill sent to the usual pharmacy. — ME\n", ["ME"]),              // initials that spell a word
        ("Left a message with the daughter.   /kq\n", ["kq"]),              // initials after a slash, ending the line
        ("OK to leave a voicemail.    dw/pn\n", ["dw", "pn"]),            // writer and typist after the last sentence
        ("Form signed and scanned.\nWitnessed by RKT.\n", ["RKT"]),          // initials after a step done by someone
        ("RE: Rafael Wróblewski-Nunes, DOB 4/9/1961\n", ["Rafael Wróblewski-Nunes"]),   // a patient by name and birth date
        ("Faxed records for Tadeusz Quintero (DOB 02/11/1988).", ["Tadeusz Quintero"]),
        ("Home PT starts tomorrow; therapist Rafael will call first.", ["Rafael"]),  // role noun, given name
        ("Met with her\npartner, Will Roe, at bedside.", ["Will Roe"]),    // given name after a strong relation
        ("Mrs. Parkinson fell. No Parkinson ophthalmopathy; Parkinson and her son agreed.", ["Parkinson", "Parkinson"]),  // eponym surname propagates where no noun follows
        ("Oncologist: Grace Hope   Navigator: Mark Price, RN", ["Grace Hope", "Mark Price"]),  // specialty label, safe names
        ("caller: jane roe re refill", ["jane roe"]),                      // a name typed in lower case after a label
        ("her dad john roe fell at home", ["john roe"]),                   // ... after a relation
        ("pls call dr doyle back", ["doyle"]),                             // ... after a title
        ("Veteran: Hyun-woo Roe   DOB", ["Hyun-woo Roe"]),                 // a lower-case syllable after a hyphen
        ("Seen by Dr. Ana Ruiz with Xochitl Ruiz, her sister.", ["Ana Ruiz", "Xochitl Ruiz"]),  // an unlisted given name
        ("Note by Mary Smith; cosigned K. Smith.", ["Mary Smith", "K. Smith"]),  // a first initial before a known surname

    ])
    func finds(_ text: String, _ expected: [String]) {
        #expect(found(names, text) == expected)
    }

    @Test(arguments: [
        "History of Parkinson disease and Graves disease.",
        "Foley catheter placed; Apgar 8 and 9.",
        "Epley\nmaneuver not indicated.",
        "Bell's palsy on the left.",
        "Will continue current meds. Hope to taper.",
        "Hoehn and Yahr stage 2.5",
        "Triage RN: reviewed",
        "DEA AB1234563 CPT 99213",
        "NURSE ADVICE LINE - CALL RECORD",
        "Scores: Wells 4, Gleason 7, Clark level II, Bishop 6.",
        "1234 N. 5TH ST. APT. 2F, SACRAMENTO CA 95811",
        "Employee: Full Time   Student: Yes",        // role labels heading ordinary fields
        "2  QRSTUV, XOCHITL   ambient",              // capitals with an unknown surname stay unnamed
        "Interpreter: Spanish, by phone",            // a language after a person label
        "Labs drawn. Follow up in 2 weeks. - OK\n",  // a closing abbreviation, not initials
        "reviewed by the therapist Hope is low.",     // a safe word after a role noun
        "Gross by the resident, see below",          // no name after "by"
        "Take with food and/or milk.\nIn/out cath done.",   // two words around a slash are no initials
        "Checked by RN at bedside.",                 // a step done by a role, written as a credential
        "Mother, DOB 3/4/1960, lives nearby.",       // a relation word before the birth date
        "Health Maintenance, DOB verified at check-in.",   // ordinary words before the birth date
        "Technologist: Pending   Oncologist: Hope",  // a specialty label before a lone safe word
        "Hope PT from the agency starts tomorrow",   // a safe word (and surname) before a credential
        "Dog: 3-year-old boxer named Mark, owner unknown",   // an animal's name
        "bitten by a terrier named Roe at the park",          // an animal's name the lexicon knows
        "drives a gray Roe F-150 with plates",                // a make before a model code
        "caller: mother re refill",                           // a relation after a label
        "pt will call dr back tomorrow",                      // no name after a lower-case title
        "Dx: follow-up in two weeks",                         // a hyphenated word, no name
    ])
    func ignores(_ text: String) {
        #expect(found(names, text).isEmpty, "false names in: \(text)")
    }

    /// Given names that are ordinary words ("Grace") join the loaded safe words: a name only with context.
    @Test func loadedLexiconsTreatCommonWordGivenNamesAsSafe() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deid-lexicon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = ["first_names.txt": "grace\namazing\njane\n", "last_names.txt": "roe\ngrace\n",
                     "safe_words.txt": "hope\n", "cities.txt": "springfield\n"]
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let loaded = try Lexicons.load(directory: dir)
        #expect(loaded.isSafe("grace") && loaded.isSafe("hope") && !loaded.isSafe("jane"))
        let recognizer = NameRecognizer(lexicons: loaded)
        #expect(found(recognizer, "We sang \"Amazing Grace\" at the bedside. Grace was said.").isEmpty)
        #expect(found(recognizer, "His wife, Grace Roe, visited.") == ["Grace Roe"])
    }

    @Test func worksWithoutLexiconsOnContextAlone() {
        #expect(found(NameRecognizer(lexicons: .empty), "Seen by Dr. Ana Ruiz; son John called") == ["Ana Ruiz", "John"])
    }
}

struct PipelineTests {
    @Test func spanRulesKeepLabelsTitlesAndPossessivesOutside() {
        let text = "MRN: 4451882. Dr. Ruiz's note, Jane Roe, MD."
        #expect(labelled(pipeline, text) == ["MRN:4451882", "NAME:Ruiz", "NAME:Jane Roe"])
    }

    @Test func statesAndCitiesAreNotNames() {
        #expect(labelled(pipeline, "Apt 3, Boston, MA 02115-0001") == ["ADDRESS:Apt 3", "CITY:Boston", "ZIP:02115-0001"])
        #expect(labelled(pipeline, "Mailing: PO BOX 12, Springfield IL 62704.") == ["ADDRESS:PO BOX 12", "CITY:Springfield", "ZIP:62704"])
    }

    @Test func allCapsNotes() {
        let text = "SEEN BY DR. SMITH IN THE ER. LIVES WITH WIFE MARY. FOLLOW UP WITH PCP DR. HOPE."
        #expect(labelled(pipeline, text) == ["NAME:SMITH", "NAME:MARY", "NAME:HOPE"])
    }

    @Test func negativesFromTheIssue() {
        let text = """
            Parkinson disease, Foley catheter, Apgar 8/9, Epley maneuver. Will follow up; hope for the best.
            CPT 99213, ICD-10 I10 and E11.9. In 2019 for 4 weeks. GCS 15. BP 120/80, HR 88, SpO2 97%.
            Metformin 500 mg twice daily, tooth #14, room 4.
            """
        #expect(labelled(pipeline, text) == [])
    }

    @Test func emptyInputGivesNoSpans() {
        #expect(pipeline.analyze("").isEmpty)
        #expect(pipeline.analyze("\n\n  \n").isEmpty)
    }

    @Test func offsetsCountUnicodeScalars() {
        // "é" written as e + U+0301 is two scalars; the emoji is one scalar; Python would index the same.
        let text = "Ame\u{301}lie 😀 seen 03/04/2023"
        let spans = pipeline.analyze(text)
        let date = spans.first { $0.kind == .date }
        #expect(date?.start == 15 && date?.end == 25)
    }

    @Test func megabyteLineDoesNotCrash() {
        let line = String(repeating: "word 12345 x ", count: 80_000)   // ~1 MB, no line breaks
        let spans = pipeline.analyze(line)
        #expect(spans.count < 200_000)
    }
}

struct OverlapResolverTests {
    func d(_ s: Int, _ e: Int, _ k: PHIKind, _ score: Double) -> Detection {
        Detection(start: s, end: e, kind: k, score: score, recognizer: "t")
    }

    @Test func sameKindMerges() {
        let text = Array("0123456789abcdef".unicodeScalars)
        let out = OverlapResolver().resolve([d(0, 5, .address, 0.9), d(4, 9, .address, 0.8)], in: text)
        #expect(out == [d(0, 9, .address, 0.9)])
    }

    @Test func higherScoreWinsAndTheRestIsKept() {
        let text = Array("Jane Roe 555-1234".unicodeScalars)
        let out = OverlapResolver().resolve([d(0, 17, .idOther, 0.3), d(9, 17, .phone, 0.9)], in: text)
        #expect(out == [d(0, 8, .idOther, 0.3), d(9, 17, .phone, 0.9)])
    }

    @Test func manySpansResolveInLinearTime() {
        // 200,000 disjoint spans; an insertion-sorted list would take minutes.
        let text = Array(String(repeating: "ab ", count: 200_000).unicodeScalars)
        let spans = (0..<200_000).reversed().map { d($0 * 3, $0 * 3 + 2, .name, 0.5) }
        #expect(OverlapResolver().resolve(spans, in: text).count == 200_000)
    }

    @Test func containedLoserDisappears() {
        let text = Array("abcdefghij".unicodeScalars)
        let out = OverlapResolver().resolve([d(2, 4, .name, 0.5), d(0, 10, .address, 0.9)], in: text)
        #expect(out == [d(0, 10, .address, 0.9)])
    }
}
