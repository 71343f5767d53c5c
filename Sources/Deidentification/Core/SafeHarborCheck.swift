import Foundation

extension Deidentifier {
    /// The de-identifier `vellum deid --check` runs: every default recognizer over `lexicons` (see
    /// ``Lexicons/load(directory:)`` for where they are read from).
    public static func standard(lexicons: Lexicons) -> Deidentifier {
        Deidentifier(registry: .default(lexicons: lexicons))
    }

    /// The gate for text leaving the machine (`vellum deid --check`, exports to destinations without a business
    /// associate agreement): the Safe Harbor identifiers in `text`, without facility names, which are
    /// quasi-identifiers. Report them by ``Detection/logDescription`` (kind and offsets), never by their text.
    ///
    /// ```swift
    /// let found = Deidentifier.standard(lexicons: try Lexicons.load()).safeHarborIdentifiers(in: TokenizedText(letter))
    /// if !found.isEmpty { print(found.map(\.logDescription)) }   // ["NAME 15-23", "DATE 27-37"]
    /// ```
    public func safeHarborIdentifiers(in text: TokenizedText) -> [Detection] {
        analyze(text).filter { $0.kind.isSafeHarbor }
    }
}
