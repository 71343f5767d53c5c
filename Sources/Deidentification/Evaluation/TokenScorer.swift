/// Token-level scoring of predicted PHI spans against gold spans.
///
/// Text is cut into tokens at whitespace and punctuation: a token is a maximal run of letters, combining marks
/// and digits (Unicode categories L*, M*, N*), so "03/04/2023" is three tokens and "HG8841207" one. Scoring on
/// tokens rather than exact spans forgives harmless boundary choices ("Dr." in or out) while still counting
/// every identifying word.
///
/// Rules, over the Safe Harbor kinds (every kind but FACILITY):
/// - A gold token is **recalled** when the union of predicted Safe Harbor spans, whatever their label, covers
///   every scalar of the token that lies inside its gold span. **Strict** recall asks the same of predicted spans
///   with the gold label.
/// - A token is **predicted** when a predicted Safe Harbor span overlaps it. It is a true positive when it lies in
///   a gold Safe Harbor span, is ignored when it lies in a gold FACILITY span (removing a facility name is not a
///   mistake, only a choice), and is a false positive otherwise. **Strict** precision counts a predicted token as
///   correct only when one of the labels predicted on it is its gold label.
/// - FACILITY has its own row, outside the overall figures: its gold tokens count as recalled when a prediction of
///   any kind covers them (strict: a FACILITY prediction), and a FACILITY prediction is correct on any gold token
///   (strict: on a FACILITY gold token).
///
/// ```swift
/// let report = TokenScorer().score([(document, predictedSpans)])
/// print(report.overall.recall, report.overall.precision)
/// ```
public struct TokenScorer: Sendable {
    public init() {}

    /// The scoring tokens of a text: ranges of scalar offsets.
    public static func tokens(of scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var tokens: [Range<Int>] = []
        var start: Int?
        for (offset, scalar) in scalars.enumerated() {
            if isTokenScalar(scalar) {
                if start == nil { start = offset }
            } else if let s = start {
                tokens.append(s..<offset)
                start = nil
            }
        }
        if let s = start { tokens.append(s..<scalars.count) }
        return tokens
    }

    static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// Scores each document against its predictions and sums the counts.
    public func score(_ pairs: [(document: GoldDocument, predicted: [LabeledSpan])]) -> EvaluationReport {
        var report = EvaluationReport()
        for (document, predicted) in pairs {
            score(document, predicted, into: &report)
        }
        return report
    }

    private func score(_ document: GoldDocument, _ predicted: [LabeledSpan], into report: inout EvaluationReport) {
        let length = document.scalars.count
        // Labels predicted on each scalar (a handful of kinds at most, so a small array per covered scalar).
        var predictedLabels = [[PHIKind]](repeating: [], count: length)
        for span in predicted {
            let lower = max(0, span.start), upper = min(length, span.end)
            guard lower < upper else { continue }
            for offset in lower..<upper where !predictedLabels[offset].contains(span.label) {
                predictedLabels[offset].append(span.label)
            }
        }
        var goldIndex = [Int](repeating: -1, count: length)
        for (index, span) in document.spans.enumerated() {
            for offset in span.start..<span.end { goldIndex[offset] = index }
        }
        report.documents += 1
        report.characters += length

        var missedTokensBySpan: [Int: [Range<Int>]] = [:]
        var falsePositiveTokens: [(token: Range<Int>, labels: [PHIKind])] = []

        for token in Self.tokens(of: document.scalars) {
            // The gold span a token belongs to: the first gold span overlapping it (gold spans are disjoint and
            // normally fall on token boundaries).
            let goldSpanIndex = token.lazy.map { goldIndex[$0] }.first { $0 >= 0 }
            let gold = goldSpanIndex.map { document.spans[$0] }
            let labelsOnToken = Set(token.flatMap { predictedLabels[$0] })
            let safeHarborLabels = labelsOnToken.filter(\.isSafeHarbor)

            if let gold, let goldSpanIndex {
                // The part of the token inside its gold span is what must be covered.
                let inside = max(token.lowerBound, gold.start)..<min(token.upperBound, gold.end)
                if gold.label.isSafeHarbor {
                    let coveredAny = inside.allSatisfy { predictedLabels[$0].contains(where: \.isSafeHarbor) }
                    let coveredStrict = inside.allSatisfy { predictedLabels[$0].contains(gold.label) }
                    report.add(goldToken: gold.label, recalled: coveredAny, recalledStrict: coveredStrict)
                    if gold.label == .name, let role = gold.role {
                        report.add(goldNameToken: role, recalled: coveredAny, recalledStrict: coveredStrict)
                    }
                    if !coveredAny { missedTokensBySpan[goldSpanIndex, default: []].append(token) }
                } else {
                    let coveredAny = inside.allSatisfy { !predictedLabels[$0].isEmpty }
                    let coveredStrict = inside.allSatisfy { predictedLabels[$0].contains(gold.label) }
                    report.add(goldToken: gold.label, recalled: coveredAny, recalledStrict: coveredStrict)
                }
            }

            for label in labelsOnToken {
                // Per-kind precision: correct when the token is in any gold span that counts for this label's
                // row (Safe Harbor gold for Safe Harbor labels, any gold for FACILITY), strictly when labels match.
                let correct: Bool?
                if let gold {
                    if label.isSafeHarbor {
                        correct = gold.label.isSafeHarbor ? true : nil
                    } else {
                        correct = true
                    }
                } else {
                    correct = false
                }
                if let correct {
                    report.add(predictedToken: label, correct: correct, correctStrict: correct && gold?.label == label)
                }
            }

            if !safeHarborLabels.isEmpty {
                switch gold?.label {
                case .some(let goldLabel) where goldLabel.isSafeHarbor:
                    report.overall.predictedTokens += 1
                    report.overall.correctPredictedTokens += 1
                    if safeHarborLabels.contains(goldLabel) { report.overall.correctPredictedTokensStrict += 1 }
                case .some:
                    break  // a facility token removed by a Safe Harbor span: neither right nor wrong
                case .none:
                    report.overall.predictedTokens += 1
                    falsePositiveTokens.append((token, safeHarborLabels.sorted()))
                }
            }
        }

        for (index, tokens) in missedTokensBySpan.sorted(by: { $0.key < $1.key }) {
            let span = document.spans[index]
            report.misses.append(ScoredSpan(
                document: document.id, start: span.start, end: span.end, label: span.label, role: span.role,
                text: document.text(span.range),
                tokens: tokens.map { document.text($0) }))
        }
        // Group false-positive tokens by the predicted span they came from, so the report reads as spans.
        for span in predicted.sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) where span.label.isSafeHarbor {
            let inside = falsePositiveTokens.filter { $0.token.overlaps(span.range) }
            guard !inside.isEmpty else { continue }
            let lower = max(0, span.start), upper = min(length, span.end)
            report.falsePositives.append(ScoredSpan(
                document: document.id, start: span.start, end: span.end, label: span.label,
                text: lower < upper ? document.text(lower..<upper) : "",
                tokens: inside.map { document.text($0.token) }))
        }
    }
}

extension GoldDocument {
    func text(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[range]))
    }
}
