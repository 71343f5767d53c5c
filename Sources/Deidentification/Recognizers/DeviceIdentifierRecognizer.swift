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
