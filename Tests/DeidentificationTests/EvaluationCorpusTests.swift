import Deidentification
import Foundation
import XCTest

/// The default pipeline against the synthetic gold corpus in Fixtures/corpus: the targets of recall
/// >= 0.99 over the Safe Harbor kinds and precision >= 0.90, token-level. These assertions are the goal the
/// recognizers are built toward; a failure prints the per-kind table and the misses so the cause is visible.
final class EvaluationCorpusTests: XCTestCase {
    static let recallTarget = 0.99
    static let precisionTarget = 0.90

    private static var corpusDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/corpus")
    }

    func testTheGoldCorpusIsLargeVariedAndCoversEveryKind() throws {
        let corpus = try GoldCorpus.load(directory: Self.corpusDirectory)
        XCTAssertGreaterThanOrEqual(corpus.documents.count, 45)
        let styles = Set(corpus.documents.map { $0.id.split(separator: "-").dropFirst().joined(separator: "-") })
        XCTAssertGreaterThanOrEqual(styles.count, 40, "document styles: \(styles.sorted())")
        let labels = Set(corpus.documents.flatMap { $0.spans.map(\.label) })
        XCTAssertEqual(labels, Set(PHIKind.allCases), "kinds without gold: \(Set(PHIKind.allCases).subtracting(labels))")
    }

    func testDefaultPipelineMeetsTheRecallAndPrecisionTargets() throws {
        let corpus = try GoldCorpus.load(directory: Self.corpusDirectory)
        let lexicons = try Lexicons.load()
        let deidentifier = Deidentifier(registry: .default(lexicons: lexicons))
        let report = CorpusEvaluation.evaluate(corpus) { document in
            deidentifier.analyze(document.text).map(LabeledSpan.init)
        }
        let recall = try XCTUnwrap(report.overall.recall)
        let precision = try XCTUnwrap(report.overall.precision)
        // Synthetic corpus: the listing may show its text.
        let detail = "\n" + report.table(title: "default pipeline on \(corpus.documents.count) documents") + "\n"
            + report.errorListing().split(separator: "\n").prefix(60).joined(separator: "\n")
        XCTAssertGreaterThanOrEqual(recall, Self.recallTarget, "Safe Harbor token recall below target" + detail)
        XCTAssertGreaterThanOrEqual(precision, Self.precisionTarget, "Safe Harbor token precision below target" + detail)
    }
}
