import Foundation
import Testing
@testable import Deidentification

/// Names known from the document: once context names a person, the other mentions of that person's name in the
/// same document are found too, in any casing. Expected spans are written out by hand for each small text.
struct DocumentNamesTests {
    let names = NameRecognizer(lexicons: TestLexicons.small)

    @Test(arguments: [
        // A surname that is a common word, capitalized mid-sentence, after a title found the full name.
        ("Seen by Dr. Rose Will. Plan per Will; we will call if worse.", ["Rose Will", "Will"]),
        // The full name again in lower case (a phone message), and reversed with a comma.
        ("Seen by Dr. Rose Will.\nmsg: rose will called re refill. WILL, ROSE signed.", ["Rose Will", "rose will", "WILL, ROSE"]),
        // A middle initial between the parts of the repeated name.
        ("Seen by Dr. Rose Will. Rose M. Will to review.", ["Rose Will", "Rose M. Will"]),
        // A part that is no common word, written in lower case.
        ("Her son Tomasz Wroblewski visited.\ncalled tomasz back, wroblewski aware", ["Tomasz Wroblewski", "tomasz", "wroblewski"]),
        // Parts with diacritics, in capitals and in lower case.
        ("Patient: Łukasz Ramírez   DOB\nRAMÍREZ tolerated diet; łukasz walked", ["Łukasz Ramírez", "RAMÍREZ", "łukasz"]),
    ])
    func findsEveryMentionOfAPersonNamedByContext(_ text: String, _ expected: [String]) {
        #expect(found(names, text) == expected)
    }

    @Test(arguments: [
        // Common words stay words: the lower-case verb, a sentence-start modal, a month, a heading in capitals.
        ("Seen by Dr. Rose Will. Will call back. We will see. The rose garden.", ["Rose Will"]),
        ("Seen by Dr. Hope Finch. Hope to taper in May; Finch agrees.", ["Hope Finch", "Finch"]),
        ("Seen by Dr. Mark Will.\nMARK FOR REVIEW", ["Mark Will"]),
        // An eponym surname before its medical noun is the disease, even in a document that names a Dr. Bell.
        ("Seen by Dr. Ana Bell. No Bell palsy.", ["Ana Bell"]),
        // Parts glued to digits or an e-mail "@" belong to a code or an address.
        ("Seen by Dr. Tomasz Wroblewski. Login wroblewski2; mail tomasz@example.org", ["Tomasz Wroblewski"]),
    ])
    func leavesOtherUsesOfTheWordsAlone(_ text: String, _ expected: [String]) {
        #expect(found(names, text) == expected)
    }

    @Test func everyMentionGetsTheSamePartSurrogate() {
        let text = TokenizedText("Seen by Dr. Rose Will.\nmsg: will, rose called back.")
        let spans = Deidentifier(registry: RecognizerRegistry([names])).analyze(text)
        let rendered = SurrogateGenerator(patientKey: "patient-1", lexicons: TestLexicons.small).render(text, spans)
        // "Rose Will" -> "<Given> <Surname>" and "will, rose" -> "<surname>, <given>", word for word.
        let words = rendered.split { !$0.isLetter }.map(String.init)
        #expect(words.count == 10, "\(rendered)")
        let (given, surname) = (words[3], words[4])
        #expect(words[6] == surname.lowercased() && words[7] == given.lowercased(), "\(rendered)")
        #expect(!rendered.lowercased().contains("rose") && !rendered.lowercased().contains("will"), "\(rendered)")
    }
}
