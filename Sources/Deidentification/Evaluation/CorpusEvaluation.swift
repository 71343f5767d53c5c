import Foundation

/// Spans predicted by any tool for the documents of a corpus, as `vellum deid-eval --predictions` reads them:
///
/// ```json
/// {"tool": "presidio-analyzer 2.2.360", "seconds": 4.1,
///  "documents": {"001-progress-note": [{"start": 10, "end": 29, "label": "NAME"}, ...], ...}}
/// ```
/// Offsets are Unicode scalars, end exclusive; labels are ``PHIKind`` raw values. `seconds` (optional) is the
/// tool's own wall time over the corpus, so its throughput can be reported beside ours.
public struct PredictionSet: Codable, Sendable {
    public var tool: String?
    public var seconds: Double?
    public var documents: [String: [LabeledSpan]]

    public init(tool: String? = nil, seconds: Double? = nil, documents: [String: [LabeledSpan]]) {
        self.tool = tool
        self.seconds = seconds
        self.documents = documents
    }

    public static func load(_ url: URL) throws -> PredictionSet {
        try decode(PredictionSet.self, from: url)
    }
}

/// Runs a predictor, or reads a tool's predictions, over a gold corpus and scores them with ``TokenScorer``.
public enum CorpusEvaluation {
    /// Scores `predict` over every document; `seconds` is the time spent inside `predict` alone.
    public static func evaluate(
        _ corpus: GoldCorpus, predict: (GoldDocument) throws -> [LabeledSpan]
    ) rethrows -> EvaluationReport {
        var pairs: [(document: GoldDocument, predicted: [LabeledSpan])] = []
        var elapsed: Duration = .zero
        let clock = ContinuousClock()
        for document in corpus.documents {
            let start = clock.now
            let predicted = try predict(document)
            elapsed += clock.now - start
            pairs.append((document, predicted))
        }
        var report = TokenScorer().score(pairs)
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return report
    }

    /// Scores a tool's predictions. Every corpus document must have an entry (an empty array for none) and
    /// every entry must name a corpus document, so a run over the wrong corpus cannot score silently.
    public static func evaluate(_ corpus: GoldCorpus, predictions: PredictionSet, source: String) throws -> EvaluationReport {
        let known = Set(corpus.documents.map(\.id))
        if let stray = predictions.documents.keys.sorted().first(where: { !known.contains($0) }) {
            throw EvaluationError.predictionsUnknownDocument(file: source, document: stray)
        }
        var pairs: [(document: GoldDocument, predicted: [LabeledSpan])] = []
        for document in corpus.documents {
            guard let spans = predictions.documents[document.id] else {
                throw EvaluationError.predictionsMissingDocument(file: source, document: document.id)
            }
            for (index, span) in spans.enumerated()
            where span.start < 0 || span.start >= span.end || span.end > document.scalars.count {
                throw EvaluationError.spanOutOfRange(file: "\(source) [\(document.id)]", index: index,
                                                     start: span.start, end: span.end,
                                                     documentLength: document.scalars.count)
            }
            pairs.append((document, spans))
        }
        var report = TokenScorer().score(pairs)
        report.seconds = predictions.seconds
        return report
    }
}
