import Foundation
import XCTest
@testable import Deidentification

/// Small lexicons injected through the API so the tests do not depend on the fetched data cache.
enum TestLexicons {
    static let small = Lexicons(
        firstNames: ["jane", "john", "mary", "ana", "harold", "michael", "will", "hope", "grace", "francis", "reuben",
                     "adelaide", "kathleen", "colin", "alejandra", "rafael", "bell", "mark", "annika", "rose"],
        lastNames: ["roe", "smith", "ruiz", "pemberton", "doyle", "finch", "parkinson", "foley", "bell", "fenwick",
                    "quintero", "oshaughnessy", "wojcik", "hope", "will", "apgar", "epley", "graves", "oak", "price", "berg",
                    "wells", "gleason", "clark", "bishop"],
        safeWords: ["will", "hope", "foley", "apgar", "grace", "hill", "disease", "catheter", "mark", "advice", "line", "boston", "rose"],
        cities: ["springfield", "boston", "san antonio"],
        counties: ["cook"],
        eponyms: ["parkinson", "epley", "graves", "price"],
        majorCities: ["boston", "san antonio"]
    )
}

/// The texts and kinds a recognizer (or the whole pipeline) reports for `text`, in order.
func found(_ recognizer: any Recognizer, _ text: String) -> [String] {
    let t = TokenizedText(text)
    return recognizer.analyze(t).sorted { $0.start < $1.start }.map { t.text($0.range) }
}

func found(_ deidentifier: Deidentifier, _ text: String) -> [String] {
    let t = TokenizedText(text)
    return deidentifier.analyze(t).map { t.text($0.range) }
}

func labelled(_ deidentifier: Deidentifier, _ text: String) -> [String] {
    let t = TokenizedText(text)
    return deidentifier.analyze(t).map { "\($0.kind.rawValue):\(t.text($0.range))" }
}

let pipeline = Deidentifier(registry: .default(lexicons: TestLexicons.small))

/// A bundled model's fetched file (`$VELLUM_MODELS_DIR`, else `.cache/models` of this checkout), or a skip that names
/// the command that fetches it.
func bundledModelPath(_ file: String) throws -> String {
    let models = ProcessInfo.processInfo.environment["VELLUM_MODELS_DIR"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".cache/models")
    let path = models.appendingPathComponent(file).path
    guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(file) is not fetched; run scripts/fetch-models.py") }
    return path
}
