/// The kinds of protected health information the de-identifier reports.
///
/// Raw values are the labels of the span JSON (`"label": "NAME"`) and of tagged placeholders (`[NAME_1]`).
/// Every kind but ``facility`` is one of the HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)); facility and
/// organization names are quasi-identifiers that a practice may choose to keep.
public enum PHIKind: String, CaseIterable, Codable, Sendable, Hashable, Comparable {
    case name = "NAME"
    case address = "ADDRESS"
    case city = "CITY"
    case zip = "ZIP"
    case date = "DATE"
    case ageOver89 = "AGE_OVER_89"
    case phone = "PHONE"
    case fax = "FAX"
    case email = "EMAIL"
    case ssn = "SSN"
    case mrn = "MRN"
    case healthPlanID = "HEALTH_PLAN_ID"
    case account = "ACCOUNT"
    case license = "LICENSE"
    case vehicle = "VEHICLE"
    case device = "DEVICE"
    case url = "URL"
    case ip = "IP"
    case idOther = "ID_OTHER"
    case employer = "EMPLOYER"
    case facility = "FACILITY"

    /// True for the HIPAA Safe Harbor identifiers; false for facility names, which are quasi-identifiers.
    public var isSafeHarbor: Bool { self != .facility }

    /// Stable order (declaration order) so sorted output is deterministic.
    public static func < (lhs: PHIKind, rhs: PHIKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
