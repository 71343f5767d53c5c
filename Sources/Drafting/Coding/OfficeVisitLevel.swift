/// The office visit E/M level (CPT 99202-99205 new, 99212-99215 established) under the 2021+ office-visit rules:
/// the level of medical decision making that two of its three columns reach, or the level the documented total
/// time on the date of the encounter reaches, whichever is higher.
///
/// The four MDM levels, and what each column must show to reach them (AMA CPT E/M guidelines, 2021):
///
/// | level | problems | data | risk |
/// | --- | --- | --- | --- |
/// | straightforward | 1 self-limited or minor problem | minimal or none | minimal |
/// | low | 2+ self-limited; 1 stable chronic illness; 1 acute uncomplicated illness or injury | limited | low |
/// | moderate | chronic illness with exacerbation; 2+ stable chronic; ... | moderate | moderate (prescription drug management) |
/// | high | severe exacerbation; threat to life or bodily function | extensive | high (decision regarding hospitalization) |
public enum MDMLevel: Int, Codable, Comparable, CaseIterable, Sendable {
    case straightforward = 0, low, moderate, high

    public static func < (lhs: MDMLevel, rhs: MDMLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var name: String {
        switch self {
        case .straightforward: return "straightforward"
        case .low: return "low"
        case .moderate: return "moderate"
        case .high: return "high"
        }
    }

    var next: MDMLevel? { MDMLevel(rawValue: rawValue + 1) }

    // Written by name ("moderate"), which a reader of the JSON need not look up.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let level = MDMLevel.allCases.first(where: { $0.name == name }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown MDM level '\(name)'"))
        }
        self = level
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// The three MDM columns.
public enum MDMColumnKind: String, Codable, CaseIterable, Sendable {
    case problems, data, risk

    /// The column's own word for each level (data says "limited" and "extensive" where the others say "low" and "high").
    public func label(_ level: MDMLevel) -> String {
        switch (self, level) {
        case (_, .straightforward): return "minimal"
        case (.data, .low): return "limited"
        case (.data, .high): return "extensive"
        default: return level.name
        }
    }

    /// What the column must document to reach `level` (AMA wording, shortened).
    public func requirement(_ level: MDMLevel) -> String {
        switch (self, level) {
        case (.problems, .straightforward): return "1 self-limited or minor problem"
        case (.problems, .low):
            return "2 or more self-limited or minor problems; or 1 stable chronic illness; or 1 acute, uncomplicated illness or injury"
        case (.problems, .moderate):
            return "1 or more chronic illnesses with exacerbation, progression or side effects of treatment; or 2 or more stable chronic illnesses; or 1 undiagnosed new problem with uncertain prognosis; or 1 acute illness with systemic symptoms; or 1 acute complicated injury"
        case (.problems, .high):
            return "1 or more chronic illnesses with severe exacerbation, progression or side effects of treatment; or 1 acute or chronic illness or injury that poses a threat to life or bodily function"
        case (.data, .straightforward): return "minimal or none"
        case (.data, .low):
            return "2 of: each unique test ordered, each unique test result reviewed, prior external notes from each unique source reviewed; or an assessment requiring an independent historian"
        case (.data, .moderate):
            return "1 of 3 categories: (1) 3 of: unique tests ordered, unique test results reviewed, external notes from unique sources reviewed, an independent historian; (2) independent interpretation of a test performed by another physician (not separately reported); (3) discussion of management or test interpretation with an external physician or other appropriate source"
        case (.data, .high): return "2 of the 3 categories listed for moderate"
        case (.risk, .straightforward): return "minimal risk of morbidity from additional testing or treatment"
        case (.risk, .low): return "low risk of morbidity from additional testing or treatment (for example over-the-counter drugs)"
        case (.risk, .moderate):
            return "moderate risk, for example prescription drug management; decision regarding minor surgery with risk factors or elective major surgery without; diagnosis or treatment significantly limited by social determinants of health"
        case (.risk, .high):
            return "high risk, for example drug therapy requiring intensive monitoring for toxicity; decision regarding hospitalization or escalation of hospital-level care; decision regarding emergency major surgery or elective major surgery with risk factors; decision not to resuscitate or to de-escalate care because of poor prognosis"
        }
    }
}

/// New or established patient: the same MDM level is a different code for each.
public enum PatientStatus: String, Codable, Sendable {
    case new, established

    /// The CPT code for an MDM level.
    public func code(for level: MDMLevel) -> String {
        switch self {
        case .new: return "9920\(level.rawValue + 2)"
        case .established: return "9921\(level.rawValue + 2)"
        }
    }

    /// Minutes of total time on the date of the encounter that reach each level (met or exceeded).
    public func minutes(for level: MDMLevel) -> Int {
        switch self {
        case .new: return [15, 30, 45, 60][level.rawValue]
        case .established: return [10, 20, 30, 40][level.rawValue]
        }
    }

    /// The highest level that `minutes` reaches, nil below the lowest threshold.
    public func level(forMinutes minutes: Int) -> MDMLevel? {
        MDMLevel.allCases.last { minutes >= self.minutes(for: $0) }
    }
}

/// The level that two of three columns reach: with three columns, the middle one.
public func mdmLevel(problems: MDMLevel, data: MDMLevel, risk: MDMLevel) -> MDMLevel {
    [problems, data, risk].sorted()[1]
}
