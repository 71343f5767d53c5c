import Deidentification
import Foundation
import XCTest

/// The token scorer on tiny hand-made documents whose expected counts were worked out by hand from the rules in
/// `TokenScorer`'s documentation, not by running the scorer.
final class EvaluationScorerTests: XCTestCase {
    private func document(_ text: String, _ spans: [(Int, Int, PHIKind)]) throws -> GoldDocument {
        try GoldDocument(id: "doc", text: text, spans: spans.map { LabeledSpan(start: $0.0, end: $0.1, label: $0.2) })
    }

    private func spans(_ list: [(Int, Int, PHIKind)]) -> [LabeledSpan] {
        list.map { LabeledSpan(start: $0.0, end: $0.1, label: $0.2) }
    }

    func testTokensSplitOnWhitespaceAndPunctuationAndKeepCombiningMarks() {
        // "Zoe" + U+0308 is four scalars and one token.
        let text = "Dr. O'Neil, 03/04/2023; HG8841207 Zoe\u{308}."
        let scalars = Array(text.unicodeScalars)
        let tokens = TokenScorer.tokens(of: scalars).map { String(String.UnicodeScalarView(scalars[$0])) }
        XCTAssertEqual(tokens, ["Dr", "O", "Neil", "03", "04", "2023", "HG8841207", "Zoe\u{308}"])
        XCTAssertEqual(TokenScorer.tokens(of: scalars).last, 34..<38)
        XCTAssertEqual(TokenScorer.tokens(of: []), [])
    }

    func testAnyLabelRecallAgainstStrictRecall() throws {
        //          0         1         2
        //          0123456789012345678901234
        let text = "Call Ann Lee at 555-0142."
        let gold = try document(text, [(5, 12, .name), (16, 24, .phone)])
        // "Ann" found as a name, "Lee" missed, the phone found but labelled DATE.
        let report = TokenScorer().score([(gold, spans([(5, 8, .name), (16, 24, .date)]))])

        XCTAssertEqual(report.overall.goldTokens, 4)            // Ann, Lee, 555, 0142
        XCTAssertEqual(report.overall.recalledTokens, 3)        // Ann, 555, 0142
        XCTAssertEqual(report.overall.recalledTokensStrict, 1)  // Ann
        XCTAssertEqual(report.overall.predictedTokens, 3)
        XCTAssertEqual(report.overall.correctPredictedTokens, 3)
        XCTAssertEqual(report.overall.correctPredictedTokensStrict, 1)
        XCTAssertEqual(report.overall.recall, 0.75)
        XCTAssertEqual(report.overall.precision, 1.0)

        XCTAssertEqual(report.score(for: .name)?.goldTokens, 2)
        XCTAssertEqual(report.score(for: .name)?.recalledTokens, 1)
        XCTAssertEqual(report.score(for: .phone)?.recalledTokens, 2)
        XCTAssertEqual(report.score(for: .phone)?.recalledTokensStrict, 0)
        XCTAssertEqual(report.score(for: .date)?.predictedTokens, 2)
        XCTAssertEqual(report.score(for: .date)?.correctPredictedTokens, 2)
        XCTAssertEqual(report.score(for: .date)?.correctPredictedTokensStrict, 0)

        XCTAssertEqual(report.misses, [ScoredSpan(document: "doc", start: 5, end: 12, label: .name,
                                                  text: "Ann Lee", tokens: ["Lee"])])
        XCTAssertEqual(report.falsePositives, [])
        XCTAssertEqual(report.errorSummary(), "missed tokens by gold kind: NAME 1")
    }

    func testNameRecallPerRoleFromTheGoldRoleField() throws {
        //          0         1         2         3         4
        //          0123456789012345678901234567890123456789012345
        let text = "Dr. Ana Ruiz saw Jo Fenn; wife Kim Fenn called."
        let gold = try GoldDocument(id: "doc", text: text, spans: [
            LabeledSpan(start: 4, end: 12, label: .name, role: "clinician"),
            LabeledSpan(start: 17, end: 24, label: .name, role: "patient"),
            LabeledSpan(start: 31, end: 39, label: .name, role: "relative"),
        ])
        // "Ana Ruiz" found as a NAME, "Jo" missed, "Fenn" found as a DATE (counts, not strictly), the wife's name missed.
        let report = TokenScorer().score([(gold, spans([(4, 12, .name), (20, 24, .date)]))])

        XCTAssertEqual(report.roles.map(\.role), ["clinician", "patient", "relative"])
        XCTAssertEqual(report.roles.map(\.goldTokens), [2, 2, 2])
        XCTAssertEqual(report.roles.map(\.recalledTokens), [2, 1, 0])
        XCTAssertEqual(report.roles.map(\.recalledTokensStrict), [2, 0, 0])
        XCTAssertEqual(report.roles[1].recall, 0.5)
        XCTAssertEqual(report.misses.map(\.role), ["patient", "relative"])
        XCTAssertTrue(report.errorListing().contains("MISS doc 17..<24 NAME/patient"), report.errorListing())
        XCTAssertTrue(report.table().contains("NAME/relative"), report.table())
    }

    func testTimePerThousandCharacters() {
        var report = EvaluationReport()
        XCTAssertNil(report.millisecondsPerThousandCharacters)
        report.characters = 4_000
        report.seconds = 0.5
        XCTAssertEqual(report.millisecondsPerThousandCharacters ?? 0, 125, accuracy: 1e-9)
    }

    func testFalsePositiveAndFacilityTokensNeitherRightNorWrong() throws {
        //          0         1         2         3         4
        //          012345678901234567890123456789012345678901234
        let text = "Seen at Mercy Hospital for Parkinson disease."
        let gold = try document(text, [(8, 22, .facility)])
        let report = TokenScorer().score([(gold, spans([(8, 13, .name), (27, 36, .name)]))])

        // No Safe Harbor gold; "Mercy" lies in a facility and is ignored; "Parkinson" is a false positive.
        XCTAssertEqual(report.overall.goldTokens, 0)
        XCTAssertNil(report.overall.recall)
        XCTAssertEqual(report.overall.predictedTokens, 1)
        XCTAssertEqual(report.overall.precision, 0.0)
        XCTAssertEqual(report.score(for: .name)?.predictedTokens, 1)
        XCTAssertEqual(report.score(for: .name)?.correctPredictedTokens, 0)
        // The facility row: 2 gold tokens, "Mercy" removed by a NAME span, none by a FACILITY span.
        XCTAssertEqual(report.score(for: .facility)?.goldTokens, 2)
        XCTAssertEqual(report.score(for: .facility)?.recalledTokens, 1)
        XCTAssertEqual(report.score(for: .facility)?.recalledTokensStrict, 0)
        XCTAssertEqual(report.falsePositives, [ScoredSpan(document: "doc", start: 27, end: 36, label: .name,
                                                          text: "Parkinson", tokens: ["Parkinson"])])
        XCTAssertEqual(report.misses, [])
        XCTAssertEqual(report.errorSummary(), "false-positive tokens by predicted kind: NAME 1")
    }

    func testAPartlyCoveredTokenIsMissed() throws {
        let text = "DOB 20230304"
        let gold = try document(text, [(4, 12, .date)])
        let report = TokenScorer().score([(gold, spans([(4, 10, .date)]))])
        XCTAssertEqual(report.overall.goldTokens, 1)
        XCTAssertEqual(report.overall.recalledTokens, 0)
        // The predicted span overlaps a gold token, so it is not a false positive.
        XCTAssertEqual(report.overall.predictedTokens, 1)
        XCTAssertEqual(report.overall.correctPredictedTokens, 1)
    }

    func testOnlyThePartOfATokenInsideTheGoldSpanMustBeCovered() throws {
        // Gold marks "1234" inside the token "A1234"; covering exactly that part recalls the token.
        let gold = try document("ID:A1234", [(4, 8, .mrn)])
        let report = TokenScorer().score([(gold, spans([(4, 8, .mrn)]))])
        XCTAssertEqual(report.overall.recalledTokens, 1)
        XCTAssertEqual(report.overall.recalledTokensStrict, 1)
    }

    func testTheUnionOfPredictedSpansCoversAToken() throws {
        //                0123456789
        let gold = try document("12 Elm St", [(0, 9, .address)])
        // Two predictions, one of them with the wrong label, each covering part of the address.
        let report = TokenScorer().score([(gold, spans([(0, 2, .address), (3, 9, .city)]))])
        XCTAssertEqual(report.overall.goldTokens, 3)
        XCTAssertEqual(report.overall.recalledTokens, 3)
        XCTAssertEqual(report.overall.recalledTokensStrict, 1)
        XCTAssertEqual(report.score(for: .city)?.predictedTokens, 2)
        XCTAssertEqual(report.score(for: .city)?.correctPredictedTokensStrict, 0)
    }

    func testCountsAddUpAcrossDocuments() throws {
        let first = try document("Ann", [(0, 3, .name)])
        let second = try GoldDocument(id: "second", text: "no phi here", spans: [])
        let report = TokenScorer().score([(first, []), (second, spans([(0, 2, .name)]))])
        XCTAssertEqual(report.documents, 2)
        XCTAssertEqual(report.characters, 14)
        XCTAssertEqual(report.overall.recall, 0.0)
        XCTAssertEqual(report.overall.precision, 0.0)
        XCTAssertEqual(report.misses.map(\.document), ["doc"])
        XCTAssertEqual(report.falsePositives.map(\.document), ["second"])
    }

    func testGoldDocumentRejectsWrongTextAndOverlaps() {
        XCTAssertThrowsError(try GoldDocument(id: "d", text: "Ann Lee",
                                              spans: [LabeledSpan(start: 0, end: 3, label: .name, text: "Lee")])) {
            XCTAssertEqual($0 as? EvaluationError, .spanTextMismatch(file: "d", index: 0, start: 0, end: 3,
                                                                     expected: "Lee", found: "Ann"))
        }
        XCTAssertThrowsError(try GoldDocument(id: "d", text: "Ann Lee", spans: [
            LabeledSpan(start: 0, end: 5, label: .name), LabeledSpan(start: 4, end: 7, label: .name),
        ])) {
            XCTAssertEqual($0 as? EvaluationError, .overlappingSpans(file: "d", first: 0..<5, second: 4..<7))
        }
        XCTAssertThrowsError(try GoldDocument(id: "d", text: "Ann", spans: [LabeledSpan(start: 1, end: 9, label: .name)])) {
            XCTAssertEqual($0 as? EvaluationError, .spanOutOfRange(file: "d", index: 0, start: 1, end: 9,
                                                                   documentLength: 3))
        }
    }

    func testPredictionsMustMatchTheCorpusDocuments() throws {
        let corpus = GoldCorpus(documents: [try document("Ann", [(0, 3, .name)])])
        XCTAssertThrowsError(try CorpusEvaluation.evaluate(corpus, predictions: PredictionSet(documents: [:]),
                                                           source: "p.json")) {
            XCTAssertEqual($0 as? EvaluationError, .predictionsMissingDocument(file: "p.json", document: "doc"))
        }
        XCTAssertThrowsError(try CorpusEvaluation.evaluate(
            corpus, predictions: PredictionSet(documents: ["doc": [], "other": []]), source: "p.json")) {
            XCTAssertEqual($0 as? EvaluationError, .predictionsUnknownDocument(file: "p.json", document: "other"))
        }
        XCTAssertThrowsError(try CorpusEvaluation.evaluate(
            corpus, predictions: PredictionSet(documents: ["doc": spans([(2, 4, .name)])]), source: "p.json")) {
            XCTAssertEqual($0 as? EvaluationError, .spanOutOfRange(file: "p.json [doc]", index: 0, start: 2, end: 4,
                                                                   documentLength: 3))
        }
        let report = try CorpusEvaluation.evaluate(
            corpus, predictions: PredictionSet(tool: "t", seconds: 0.5, documents: ["doc": spans([(0, 3, .name)])]),
            source: "p.json")
        XCTAssertEqual(report.overall.recall, 1.0)
        XCTAssertEqual(report.charactersPerSecond, 6.0)
    }

    func testLoadingACorpusNamesTheBadFile() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("deid-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        try Data("Ann Lee".utf8).write(to: directory.appendingPathComponent("001-a.txt"))
        XCTAssertThrowsError(try GoldCorpus.load(directory: directory)) {
            guard case .missingGold(document: "001-a", _)? = $0 as? EvaluationError else {
                return XCTFail("expected missingGold, got \($0)")
            }
        }
        let gold = #"{"spans": [{"start": 0, "end": 3, "label": "PERSON", "text": "Ann"}]}"#
        try Data(gold.utf8).write(to: directory.appendingPathComponent("001-a.json"))
        XCTAssertThrowsError(try GoldCorpus.load(directory: directory)) {
            guard case .invalidJSON(let file, let reason)? = $0 as? EvaluationError else {
                return XCTFail("expected invalidJSON, got \($0)")
            }
            XCTAssertTrue(file.hasSuffix("001-a.json"))
            XCTAssertTrue(reason.contains("spans[0].label"), reason)
        }
        try Data(#"{"spans": [{"start": 0, "end": 3, "label": "NAME", "text": "Ann"}]}"#.utf8)
            .write(to: directory.appendingPathComponent("001-a.json"))
        XCTAssertEqual(try GoldCorpus.load(directory: directory).documents.first?.spans.count, 1)

        try Data([0x41, 0x6E, 0xFF, 0x6E]).write(to: directory.appendingPathComponent("001-a.txt"))
        XCTAssertThrowsError(try GoldCorpus.load(directory: directory)) {
            XCTAssertEqual($0 as? EvaluationError,
                           .invalidUTF8(file: directory.appendingPathComponent("001-a.txt").path, byteOffset: 2))
        }
    }
}
