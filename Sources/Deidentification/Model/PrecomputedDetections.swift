/// Detections found beforehand for particular texts, added to a registry so that they and the rules resolve
/// together.
///
/// The model-assisted pass needs the model, and a server runs the model on one thread for every caller (the
/// model service's queue). So the server runs ``ModelMentionRecognizer`` there first, then de-identifies with the
/// rules plus this recognizer holding its result. A text it holds no result for gets nothing from it, so a
/// drafter that de-identifies some other text falls back to the rules.
public struct PrecomputedDetections: Recognizer {
    public let name = "precomputed"
    public let supportedKinds: Set<PHIKind>
    private let byText: [[Unicode.Scalar]: [Detection]]

    /// `byText` maps each text, as given to the de-identifier, to its detections (scalar offsets into it).
    public init(_ byText: [String: [Detection]]) {
        var keyed: [[Unicode.Scalar]: [Detection]] = [:]
        for (text, detections) in byText { keyed[Array(text.unicodeScalars)] = detections }
        self.byText = keyed
        supportedKinds = Set(byText.values.joined().map(\.kind))
    }

    public func analyze(_ t: TokenizedText) -> [Detection] { byText[t.scalars] ?? [] }
}

extension Deidentifier {
    /// This de-identifier with `recognizer` added to its registry.
    public func adding(_ recognizer: any Recognizer) -> Deidentifier {
        var registry = registry
        registry.add(recognizer)
        return Deidentifier(registry: registry, resolver: resolver, kinds: kinds)
    }
}
