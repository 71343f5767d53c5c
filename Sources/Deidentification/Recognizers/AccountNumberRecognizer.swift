extension LabeledIdentifierRecognizer {
    /// Account, billing and encounter numbers after a label ("Acct #: 0045512", "Invoice 77-1203").
    public static let accountNumber = LabeledIdentifierRecognizer(
        name: "account", kind: .account,
        labels: ["account", "account number", "account #", "account no", "acct", "encounter", "acct #", "acct no", "acc #",
                 "billing number", "billing #", "billing account", "invoice", "invoice #", "invoice number",
                 "encounter number", "encounter #", "encounter id", "fin", "fin #", "visit number", "visit #",
                 "visit id", "har", "har #", "guarantor #", "guarantor id", "statement #", "bank account",
                 "routing number", "credit card", "card number", "card #", "check #", "check number",
                 "patient account", "financial number", "csn", "csn #", "card ending in", "card ending",
                 "guarantor account", "account ending in"],
        minimumLength: 4, score: 0.88)
}
