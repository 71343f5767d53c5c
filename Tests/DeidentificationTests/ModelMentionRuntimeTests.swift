import Deidentification
import Inference
import TestSupport
import XCTest

/// The model-assisted pass on the real runtime with a bundled model: a hand-annotated message whose names have no
/// cue the rules use (no title, label, relation word or signature; lower case), so what is found beyond the rules
/// is the model's doing.
final class ModelMentionRuntimeTests: XCTestCase {
    static let text = HandAnnotatedMessages.lowerCaseNames
    static let nameWords = HandAnnotatedMessages.lowerCaseNameWords

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
