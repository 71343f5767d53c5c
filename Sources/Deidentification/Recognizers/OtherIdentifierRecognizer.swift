extension LabeledIdentifierRecognizer {
    /// Any other unique identifying number: accession, claim and prior-authorization references, specimen,
    /// order and case numbers, biometric identifiers.
    public static let otherIdentifier = LabeledIdentifierRecognizer(
        name: "other_id", kind: .idOther,
        labels: ["accession", "accession #", "accession number", "accession no", "acc", "acc no", "claim",
                 "claim #", "claim number", "claim no", "claim id", "prior authorization", "prior authorization #",
                 "prior authorization number", "prior auth", "prior auth #", "pa #", "auth", "auth #",
                 "authorization", "authorization #", "authorization number", "authorization no", "reference",
                 "reference #", "reference number", "ref", "ref no", "case number", "case no", "specimen",
                 "specimen #", "specimen id", "specimen number", "order #", "order number", "order id",
                 "requisition", "requisition #", "tracking", "tracking #", "tracking number", "tracking no",
                 "tracking id", "waybill", "waybill #", "air waybill", "airbill", "awb", "shipment #", "shipment id",
                 "ccf", "ccf #", "custody form", "chain of custody form", "chain-of-custody form", "confirmation #",
                 "confirmation number", "ticket #", "appeal #", "appeal number", "denial #", "grievance #",
                 "biometric id", "fingerprint id", "retina scan id", "voiceprint id", "employee id", "employee #",
                 "badge #", "badge number", "student id", "inmate #", "booking #", "id", "id #", "id number",
                 "identifier", "study id", "subject id", "control number", "control #", "document id", "fax id",
                 "barcode", "report #", "report number", "exam #", "study #", "film #", "sample id", "slide #",
                 "block #", "path #", "pathology #", "surgical pathology #", "lab #", "lab number", "rx #",
                 "prescription #", "prescription number", "transaction id", "ssi #", "file #", "file number", "job",
                 "job #", "job number", "incident", "incident #", "incident number", "case", "sample", "path",
                 "rx", "rx number", "rx numbers", "image", "image #", "enrollment id", "registry id", "registry #",
                 "message id", "message #", "run #", "run number", "episode #", "event #", "uid", "study uid",
                 "series uid", "instance uid", "sop instance uid", "accession uid", "dicom uid"],
        minimumLength: 4, score: 0.85)
}
