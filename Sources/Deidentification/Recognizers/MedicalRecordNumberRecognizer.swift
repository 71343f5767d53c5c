extension LabeledIdentifierRecognizer {
    /// Medical record numbers, including dashed forms ("MRN: 00-4451-882", "Med Rec #A1234567").
    public static let medicalRecordNumber = LabeledIdentifierRecognizer(
        name: "mrn", kind: .mrn,
        labels: ["mrn", "mr", "mr #", "mr#", "mrn #", "medical record", "medical record number", "medical record #",
                 "medical record no", "med rec", "med rec #", "med rec no", "record number", "record #", "record no",
                 "chart", "chart #", "chart number", "chart no", "patient id", "pt id", "patient #", "patient number",
                 "hospital number", "hospital #", "hospital id", "unit number", "unit #", "unit no", "mrun", "emr",
                 "emr #", "ehr id", "hn", "pid", "patient identifier", "clinic number", "case #"],
        minimumLength: 4, score: 0.92)
}
