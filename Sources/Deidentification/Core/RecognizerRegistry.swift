/// The recognizers a ``Deidentifier`` runs. The default list lives here, in one place.
///
/// ```swift
/// var registry = RecognizerRegistry.default(lexicons: try Lexicons.load())
/// registry.add(ModelMentionRecognizer(languageModel: languageModel, threads: 2, lexicons: lexicons))
/// ```
public struct RecognizerRegistry: Sendable {
    public private(set) var recognizers: [any Recognizer]

    public init(_ recognizers: [any Recognizer]) {
        self.recognizers = recognizers
    }

    /// Every built-in recognizer except the model-based one (which needs a runtime).
    public static func `default`(lexicons: Lexicons) -> RecognizerRegistry {
        RecognizerRegistry([
            NameRecognizer(lexicons: lexicons),
            DateRecognizer(),
            AgeRecognizer(),
            PhoneRecognizer(),
            EmailRecognizer(),
            URLRecognizer(),
            IPAddressRecognizer(),
            SSNRecognizer(),
            LabeledIdentifierRecognizer.medicalRecordNumber,
            LabeledIdentifierRecognizer.healthPlan,
            MedicareBeneficiaryIdentifierRecognizer(),
            LabeledIdentifierRecognizer.accountNumber,
            LabeledIdentifierRecognizer.license,
            NPIRecognizer(),
            DEARecognizer(),
            LabeledIdentifierRecognizer.deviceIdentifier,
            MACAddressRecognizer(),
            LabeledIdentifierRecognizer.licensePlate,
            VINRecognizer(),
            LabeledIdentifierRecognizer.otherIdentifier,
            UnlabeledNumberRecognizer(),
            StructuredIdentifierRecognizer(),
            StreetAddressRecognizer(lexicons: lexicons),
            LocationRecognizer(lexicons: lexicons),
            EmployerRecognizer(),
            FacilityRecognizer(),
        ])
    }

    public mutating func add(_ recognizer: any Recognizer) { recognizers.append(recognizer) }

    /// Removes recognizers by name (e.g. "unlabeled_number" for a practice that wants fewer alarms).
    public mutating func remove(named name: String) { recognizers.removeAll { $0.name == name } }

    public var names: [String] { recognizers.map(\.name) }
}
