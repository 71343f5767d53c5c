import Testing
@testable import Deidentification

/// Test double for the runtime adapter: answers " yes" for prompts that ask about the listed words.
struct ScriptedScorer: CandidateScorer {
    let names: Set<String>
    func logProbabilities(of continuations: [String], after prompts: [String]) throws -> [[Double]] {
        #expect(continuations == [" yes", " no"])
        return prompts.map { prompt in
            let isName = names.contains { prompt.contains("is \"\($0)\" the name") }
            return isName ? [-0.1, -2.5] : [-3.0, -0.05]
        }
    }
}

struct FailingScorer: CandidateScorer {
    struct Failure: Error {}
    func logProbabilities(of continuations: [String], after prompts: [String]) throws -> [[Double]] { throw Failure() }
}

struct ModelNameRecognizerTests {
    let text = TokenizedText("The family said Hope would visit on Sunday with Xochitl and the Lasix dose.")
    let names = NameRecognizer(lexicons: TestLexicons.small)

    @Test func acceptsOnlyCandidatesTheModelCallsNames() {
        let recognizer = ModelNameRecognizer(scorer: ScriptedScorer(names: ["Xochitl"]), names: names)
        #expect(recognizer.analyze(text).map { text.text($0.range) } == ["Xochitl"])
    }

    @Test func scorerFailureReportsEveryCandidate() {
        let recognizer = ModelNameRecognizer(scorer: FailingScorer(), names: names)
        let found = recognizer.analyze(text).map { text.text($0.range) }
        #expect(found.contains("Hope") && found.contains("Xochitl"))
    }

    @Test func promptGolden() {
        let recognizer = ModelNameRecognizer(scorer: FailingScorer(), names: names, contextRadius: 12)
        let range = text.tokens[text.tokens.firstIndex { text.text($0.start..<$0.end) == "Hope" }!]
        let prompt = recognizer.prompt(text, range.start..<range.end)
        #expect(prompt == """
            Below is an excerpt of a clinical note.
            ---
            family said Hope would visit
            ---
            Question: In this excerpt, is "Hope" the name of a person (a patient, relative, clinician or other \
            individual)? Eponyms in disease or test names, drugs, places and ordinary words are not.
            Answer (yes or no):
            """)
    }

    @Test func registryAcceptsTheModelRecognizer() {
        var registry = RecognizerRegistry.default(lexicons: TestLexicons.small)
        registry.add(ModelNameRecognizer(scorer: ScriptedScorer(names: ["Xochitl"]), names: names))
        let spans = Deidentifier(registry: registry).analyze(text)
        #expect(spans.contains { text.text($0.range) == "Xochitl" && $0.kind == .name })
    }
}
