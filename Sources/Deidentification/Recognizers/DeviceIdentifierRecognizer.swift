extension LabeledIdentifierRecognizer {
    /// Device identifiers and serial numbers after a label ("pacemaker serial no. PZX-300112", "UDI ...").
    public static let deviceIdentifier = LabeledIdentifierRecognizer(
        name: "device", kind: .device,
        labels: ["serial", "serial number", "serial #", "serial no", "s/n", "sn", "sn #", "device id", "device #",
                 "device number", "device serial", "udi", "unique device identifier", "model number", "model #",
                 "model no", "implant id", "lot", "lot #", "lot number", "lot no", "imei", "mac address", "asset tag",
                 "asset #", "pump id", "pump serial", "pacemaker id", "icd serial", "generator serial", "catalog #",
                 "ref #", "gtin", "workstation", "machine", "terminal", "monitor id", "computer", "host", "hostname",
                 "laptop", "scanner", "device", "pump", "meter serial", "transmitter", "sensor serial", "receiver"],
        minimumLength: 4, score: 0.88)
}

/// MAC addresses ("00:1B:44:11:3A:B7", "00-1B-44-11-3A-B7"): six two-digit hex groups with one separator.
public struct MACAddressRecognizer: Recognizer {
    public let name = "mac_address"
    public let supportedKinds: Set<PHIKind> = [.device]
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        let s = text.scalars
        var i = 0
        while i + 17 <= s.count {
            // Quick reject: the third scalar must be a separator.
            guard s[i + 2] == ":" || s[i + 2] == "-", i == 0 || !(CharacterClass.isHexDigit(s[i - 1]) || s[i - 1] == ":") else {
                i += 1; continue
            }
            let separator = s[i + 2]
            var ok = true
            for group in 0..<6 {
                let p = i + group * 3
                if !(CharacterClass.isHexDigit(s[p]) && CharacterClass.isHexDigit(s[p + 1])) { ok = false; break }
                if group < 5 && s[p + 2] != separator { ok = false; break }
            }
            if ok, i + 17 < s.count, CharacterClass.isHexDigit(s[i + 17]) || s[i + 17] == separator { ok = false }
            if ok {
                found.append(detection(i..<(i + 17), .device, score: 0.85))
                i += 17
            } else {
                i += 1
            }
        }
        return found
    }
}
