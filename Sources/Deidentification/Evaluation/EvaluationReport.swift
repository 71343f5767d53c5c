import Foundation

/// Token counts for one kind: recall over its gold tokens, precision over the tokens predicted with it.
public struct KindScore: Codable, Equatable, Sendable {
    public var kind: PHIKind
    /// Gold tokens of this kind.
    public var goldTokens = 0
    /// Gold tokens covered by a prediction of any Safe Harbor kind (FACILITY: of any kind).
    public var recalledTokens = 0
    /// Gold tokens covered by predictions of this same kind.
    public var recalledTokensStrict = 0
    /// Tokens a prediction of this kind overlaps (FACILITY gold tokens excluded for Safe Harbor kinds).
    public var predictedTokens = 0
    /// Predicted tokens that lie in a gold span.
    public var correctPredictedTokens = 0
    /// Predicted tokens that lie in a gold span of this kind.
    public var correctPredictedTokensStrict = 0

    public init(kind: PHIKind) { self.kind = kind }

    public var recall: Double? { ratio(recalledTokens, goldTokens) }
    public var recallStrict: Double? { ratio(recalledTokensStrict, goldTokens) }
    public var precision: Double? { ratio(correctPredictedTokens, predictedTokens) }
    public var precisionStrict: Double? { ratio(correctPredictedTokensStrict, predictedTokens) }
}

/// The overall Safe Harbor figures: every kind but FACILITY pooled, each token counted once.
public struct OverallScore: Codable, Equatable, Sendable {
    public var goldTokens = 0
    public var recalledTokens = 0
    public var recalledTokensStrict = 0
    public var predictedTokens = 0
    public var correctPredictedTokens = 0
    public var correctPredictedTokensStrict = 0

    public init() {}

    public var recall: Double? { ratio(recalledTokens, goldTokens) }
    public var recallStrict: Double? { ratio(recalledTokensStrict, goldTokens) }
    public var precision: Double? { ratio(correctPredictedTokens, predictedTokens) }
    public var precisionStrict: Double? { ratio(correctPredictedTokensStrict, predictedTokens) }
}

/// Recall of the gold NAME tokens of one role ("patient", "relative", "staff", "clinician"): whose names leak
/// matters as much as how many. Predictions carry no role, so there is no per-role precision.
public struct RoleScore: Codable, Equatable, Sendable {
    public var role: String
    public var goldTokens = 0
    /// Gold tokens covered by a prediction of any Safe Harbor kind.
    public var recalledTokens = 0
    /// Gold tokens covered by NAME predictions.
    public var recalledTokensStrict = 0

    public init(role: String) { self.role = role }

    public var recall: Double? { ratio(recalledTokens, goldTokens) }
    public var recallStrict: Double? { ratio(recalledTokensStrict, goldTokens) }
}

/// A gold span with tokens the predictions missed, or a predicted span with false-positive tokens.
/// Offsets are the span's; `tokens` lists the tokens at fault. Synthetic corpus only: it carries text.
public struct ScoredSpan: Codable, Equatable, Sendable {
    public var document: String
    public var start: Int
    public var end: Int
    public var label: PHIKind
    /// The gold span's name role, when the gold file gives one.
    public var role: String?
    public var text: String
    public var tokens: [String]

    public init(document: String, start: Int, end: Int, label: PHIKind, role: String? = nil, text: String, tokens: [String]) {
        self.document = document
        self.start = start
        self.end = end
        self.label = label
        self.role = role
        self.text = text
        self.tokens = tokens
    }
}

/// Everything one scoring run found.
public struct EvaluationReport: Codable, Equatable, Sendable {
    public var documents = 0
    /// Unicode scalars scored.
    public var characters = 0
    /// Wall-clock seconds the predictor took over the whole corpus, when known.
    public var seconds: Double?
    public var overall = OverallScore()
    /// One row per kind that has gold or predicted tokens, in ``PHIKind`` order.
    public var kinds: [KindScore] = []
    /// One row per name role found in the gold files, sorted by role.
    public var roles: [RoleScore] = []
    public var misses: [ScoredSpan] = []
    public var falsePositives: [ScoredSpan] = []

    public init() {}

    public var charactersPerSecond: Double? {
        guard let seconds, seconds > 0 else { return nil }
        return Double(characters) / seconds
    }

    /// Milliseconds the predictor spent per 1,000 characters, when the time is known.
    public var millisecondsPerThousandCharacters: Double? {
        guard let seconds, characters > 0 else { return nil }
        return seconds * 1000 / (Double(characters) / 1000)
    }

    public func score(for kind: PHIKind) -> KindScore? { kinds.first { $0.kind == kind } }

    mutating func add(goldToken kind: PHIKind, recalled: Bool, recalledStrict: Bool) {
        update(kind) {
            $0.goldTokens += 1
            if recalled { $0.recalledTokens += 1 }
            if recalledStrict { $0.recalledTokensStrict += 1 }
        }
        guard kind.isSafeHarbor else { return }
        overall.goldTokens += 1
        if recalled { overall.recalledTokens += 1 }
        if recalledStrict { overall.recalledTokensStrict += 1 }
    }

    mutating func add(goldNameToken role: String, recalled: Bool, recalledStrict: Bool) {
        let index: Int
        if let found = roles.firstIndex(where: { $0.role == role }) {
            index = found
        } else {
            index = roles.firstIndex { role < $0.role } ?? roles.count
            roles.insert(RoleScore(role: role), at: index)
        }
        roles[index].goldTokens += 1
        if recalled { roles[index].recalledTokens += 1 }
        if recalledStrict { roles[index].recalledTokensStrict += 1 }
    }

    mutating func add(predictedToken kind: PHIKind, correct: Bool, correctStrict: Bool) {
        update(kind) {
            $0.predictedTokens += 1
            if correct { $0.correctPredictedTokens += 1 }
            if correctStrict { $0.correctPredictedTokensStrict += 1 }
        }
    }

    private mutating func update(_ kind: PHIKind, _ change: (inout KindScore) -> Void) {
        if let index = kinds.firstIndex(where: { $0.kind == kind }) {
            change(&kinds[index])
        } else {
            var row = KindScore(kind: kind)
            change(&row)
            let at = kinds.firstIndex { kind < $0.kind } ?? kinds.count
            kinds.insert(row, at: at)
        }
    }

    /// A plain-text table: one row per kind, the Safe Harbor total, then throughput.
    public func table(title: String? = nil) -> String {
        var lines: [String] = []
        if let title { lines.append(title) }
        let header = ["kind", "gold", "recall", "strict", "predicted", "precision", "strict"]
        var rows: [[String]] = kinds.map {
            [$0.kind.rawValue + ($0.kind.isSafeHarbor ? "" : " *"), "\($0.goldTokens)", percent($0.recall),
             percent($0.recallStrict), "\($0.predictedTokens)", percent($0.precision), percent($0.precisionStrict)]
        }
        for role in roles {
            rows.append(["NAME/" + role.role, "\(role.goldTokens)", percent(role.recall), percent(role.recallStrict), "", "", ""])
        }
        rows.append(["SAFE HARBOR", "\(overall.goldTokens)", percent(overall.recall), percent(overall.recallStrict),
                     "\(overall.predictedTokens)", percent(overall.precision), percent(overall.precisionStrict)])
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.append(render(header))
        for (index, row) in rows.enumerated() {
            if index == rows.count - 1 { lines.append(String(repeating: "-", count: widths.reduce(0, +) + 12)) }
            lines.append(render(row))
        }
        lines.append("tokens; recall: any Safe Harbor label counts, strict: same label. * not a Safe Harbor kind. "
                     + "NAME/<role>: the NAME rows of one role (recall only).")
        var footer = "\(documents) documents, \(characters) characters"
        if let seconds, let speed = charactersPerSecond {
            footer += String(format: ", %.3f s, %.0f characters/s", seconds, speed)
        }
        if let perThousand = millisecondsPerThousandCharacters {
            footer += String(format: ", %.2f ms per 1,000 characters", perThousand)
        }
        lines.append(footer)
        return lines.joined(separator: "\n")
    }

    /// Missed tokens per gold kind and false-positive tokens per predicted kind, largest first: where the
    /// remaining work is. Empty when there is nothing to report.
    public func errorSummary() -> String {
        func tally(_ spans: [ScoredSpan]) -> String {
            var counts: [PHIKind: Int] = [:]
            for span in spans { counts[span.label, default: 0] += span.tokens.count }
            return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        }
        var lines: [String] = []
        if !misses.isEmpty { lines.append("missed tokens by gold kind: " + tally(misses)) }
        if !falsePositives.isEmpty { lines.append("false-positive tokens by predicted kind: " + tally(falsePositives)) }
        return lines.joined(separator: "\n")
    }

    /// Every missed gold span and every false-positive predicted span, one per line.
    public func errorListing() -> String {
        var lines: [String] = []
        for miss in misses {
            var label = miss.label.rawValue
            if let role = miss.role { label += "/" + role }
            lines.append("MISS \(miss.document) \(miss.start)..<\(miss.end) \(label) "
                         + "\(miss.text.debugDescription) missed \(miss.tokens)")
        }
        for falsePositive in falsePositives {
            lines.append("FP   \(falsePositive.document) \(falsePositive.start)..<\(falsePositive.end) "
                         + "\(falsePositive.label.rawValue) \(falsePositive.text.debugDescription) "
                         + "wrong \(falsePositive.tokens)")
        }
        return lines.joined(separator: "\n")
    }
}

func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
    denominator == 0 ? nil : Double(numerator) / Double(denominator)
}

private func percent(_ value: Double?) -> String {
    guard let value else { return "-" }
    return String(format: "%.1f%%", value * 100)
}
