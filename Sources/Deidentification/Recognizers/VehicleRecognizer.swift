extension LabeledIdentifierRecognizer {
    /// Licence plates after a label ("plate 7ABC123", "tag # XYZ-4421"). Vanity plates may lack digits.
    public static let licensePlate = LabeledIdentifierRecognizer(
        name: "license_plate", kind: .vehicle,
        labels: ["plate", "plates", "plate #", "plate number", "license plate", "licence plate", "tag", "tag #",
                 "tag number", "registration plate", "vehicle plate", "vin", "vin #", "vin number",
                 "vehicle identification number", "vehicle id", "tail number", "tail #", "tail no", "aircraft registration",
                 "hull number", "boat registration"],
        minimumLength: 4, requireDigit: false, score: 0.9)
}

/// Vehicle identification numbers: 17 characters without I, O or Q, passing the ISO 3779 check digit.
public struct VINRecognizer: Recognizer {
    public let name = "vin"
    public let supportedKinds: Set<PHIKind> = [.vehicle]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            guard text.isWord(i) || text.isNumber(i), i == 0 || !(text.isWord(i - 1) || text.isNumber(i - 1)) else {
                i += 1; continue
            }
            var end = i
            var length = text.tokens[i].length
            while end + 1 < text.count, text.isWord(end + 1) || text.isNumber(end + 1) {
                end += 1
                length += text.tokens[end].length
            }
            if length == 17, Checksums.isValidVIN(text.text(text.range(i, end))) {
                found.append(detection(text.range(i, end), .vehicle, score: 0.9))
            }
            i = end + 1
        }
        return found
    }
}
