import Testing
@testable import Deidentification

/// Stands in for the runtime: answers every instruction with a fixed list, and keeps the instructions it got.
final class ScriptedChatModel: LocalChatModel, @unchecked Sendable {
    let answer: String
    private(set) var instructions: [String] = []
    init(answer: String) { self.answer = answer }
    func reply(to instruction: String, maxTokens: Int) throws -> String {
        instructions.append(instruction)
        return answer
    }
}

struct FailingChatModel: LocalChatModel {
    struct Failure: Error {}
    func reply(to instruction: String, maxTokens: Int) throws -> String { throw Failure() }
}

struct ModelMentionRecognizerTests {
    let lexicons = TestLexicons.small

    private func spans(_ text: String, answer: String) -> [String] {
        found(ModelMentionRecognizer(model: ScriptedChatModel(answer: answer), lexicons: lexicons), text)
    }

    @Test func listedLowercaseNamesAreFoundAtEveryMention() {
        let text = "caller: june ellery re her dad walt ellery. she will call crystal herself. crystal is the aide."
        let answer = "june ellery (daughter)\nwalt ellery\ncrystal from the home care agency\n"
        #expect(spans(text, answer: answer) == ["june ellery", "walt ellery", "crystal", "crystal"])
    }

    /// A model that finds no name in a terse note echoes its lines: a copied line of three words or more not written
    /// as a name is no name (invented note).
    @Test func copiedLinesAreNoNames() {
        let text = "derm f/u - est pt\neczema - better, no new patches since last visit\nhx warts (2019)\nseen with Nadia Brook"
        let answer = "eczema - better, no new patches since last visit\nhx warts (2019)\nNadia Brook"
        #expect(spans(text, answer: answer) == ["Nadia Brook"])
    }

    @Test func aCommonWordNameIsOnlyTheNameWhereWrittenAsOne() {
        // "Grace" is a listed given name; "grace" in lower case stays the ordinary word in a capitalized note.
        let text = "Spoke with Grace Okafor today. Told Grace to rest. Said grace before meals."
        #expect(spans(text, answer: "Grace Okafor") == ["Grace Okafor", "Grace"])
    }

    @Test func titlesRolesAndSeparatorsAreCutAway() {
        let text = "routed to dr hollis / ts for FYI. Signed, Yolanda P., MA"
        let answer = "1. dr hollis / ts for FYI\n2. Yolanda P., MA\n"
        let result = spans(text, answer: answer)
        #expect(result.contains("hollis") && result.contains("ts") && result.contains("Yolanda"))
        #expect(!result.contains("dr") && !result.contains("routed"))
    }

    @Test func namesTheDocumentDoesNotContainAddNothing() {
        let text = "Patient seen for cough. Plan: rest."
        #expect(spans(text, answer: "John Smith\nDr. Ana Ruiz\n").isEmpty)
    }

    @Test func organizationsAddressesAndNumbersAreNotPeople() {
        let text = "She went to Copley Valley Hospital ED; pharmacy Ridgeway Drug on Elm St; room 12."
        let answer = "Copley Valley Hospital ED\nRidgeway Drug\n12 Elm St\njane@example.com\n"
        #expect(spans(text, answer: answer).isEmpty)
    }

    @Test func conditionsAndDrugsListedAsPeopleAreNot() {
        let text = "Assessment/Plan: Hypothyroidism, controlled on levothyroxine. Lisinopril continued. Seen with Ines."
        #expect(spans(text, answer: "Hypothyroidism\nLisinopril\nInes\n") == ["Ines"])
    }

    @Test func employersAreFoundWhereTheirWholeNameOccurs() {
        let text = "started the new job at pinecrest dental lab. Pinecrest Dental Lab uses acrylates. Seen at Lakeside Clinic."
        let answer = "jada\nemployer: pinecrest dental lab\nemployer: Lakeside Clinic\n"
        let t = TokenizedText(text)
        let detections = ModelMentionRecognizer(model: ScriptedChatModel(answer: answer), lexicons: lexicons).analyze(t)
        #expect(detections.filter { $0.kind == .employer }.map { t.text($0.range) } == ["pinecrest dental lab", "Pinecrest Dental Lab"])
    }

    @Test func hyphenatedNamesMatchTheDocumentsWords() {
        let text = "From: jada okwuosa-bright\nthanks, jada"
        #expect(spans(text, answer: "jada okwuosa-bright") == ["jada okwuosa-bright", "jada"])
    }

    @Test func aFailingModelAddsNothing() {
        let recognizer = ModelMentionRecognizer(model: FailingChatModel(), lexicons: lexicons)
        #expect(recognizer.analyze("Spoke with Grace Okafor today.").isEmpty)
    }

    @Test func longDocumentsAreAskedAboutInExcerptsThatEndAtLineEnds() {
        let line = "Seen today, stable, no change in plan.\n"      // 39 scalars
        let text = String(repeating: line, count: 10)
        let model = ScriptedChatModel(answer: "")
        _ = ModelMentionRecognizer(model: model, lexicons: lexicons, excerptLength: 100).analyze(text)
        #expect(model.instructions.count == 5)
        for instruction in model.instructions {
            #expect(instruction.contains("\"\"\"\n" + line + line + "\n\"\"\""))
        }
    }

    @Test func combinedWithTheRulesRecallOnlyGoesUp() {
        var registry = RecognizerRegistry.default(lexicons: lexicons)
        let rulesOnly = Deidentifier(registry: registry)
        registry.add(ModelMentionRecognizer(model: ScriptedChatModel(answer: "crystal\nMary Smith"), lexicons: lexicons))
        let text = "Dr. Mary Smith called; crystal will visit 03/04/2025."
        let withModel = found(Deidentifier(registry: registry), text)
        for span in found(rulesOnly, text) { #expect(withModel.contains(span)) }
        #expect(withModel.contains("crystal"))
    }
}
