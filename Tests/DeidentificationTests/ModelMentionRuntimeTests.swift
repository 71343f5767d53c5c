import Deidentification
import Inference
import XCTest

/// The model-assisted pass on the real runtime with a bundled model: a hand-annotated message whose names have no
/// cue the rules use (no title, label, relation word or signature; lower case), so what is found beyond the rules
/// is the model's doing.
final class ModelMentionRuntimeTests: XCTestCase {
    static let text = """
        msg 2/3 10:40a
        marisol okonkwo-baptiste called back, still dizzy since the new bp pill, asks if she can skip tonight.
        told her to hold it and check bp at home. okonkwo-baptiste agrees. will route to cheng for fyi.
        """
    /// By hand: the words of every mention of the two people the message names, in order.
    static let nameWords = ["marisol", "okonkwo", "baptiste", "okonkwo", "baptiste", "cheng"]

    func testTheModelFindsNamesTheRulesCannotSeeAndRecallOnlyGoesUp() throws {
        let path = try bundledModelPath("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")
        let lexicons = try Lexicons.load()
        let t = TokenizedText(Self.text)

        let rules = Deidentifier(registry: .default(lexicons: lexicons)).analyze(t)
        var registry = RecognizerRegistry.default(lexicons: lexicons)
        registry.add(ModelMentionRecognizer(languageModel: try LanguageModel(path: path), threads: 2, lexicons: lexicons))
        let combined = Deidentifier(registry: registry).analyze(t)

        let nameSpans = combined.filter { $0.kind == .name }
        let wordsInNames = (0..<t.count).filter { k in
            t.isWord(k) && nameSpans.contains { $0.start <= t.tokens[k].start && t.tokens[k].end <= $0.end }
        }.map { t.key($0) }
        XCTAssertEqual(wordsInNames, Self.nameWords, "words inside NAME spans with the model")
        for span in rules {
            XCTAssertTrue(combined.contains { $0.start <= span.start && span.end <= $0.end }, "rules span \(span.logDescription) kept")
        }
    }
}
