import Deidentification
import DraftStore
import Foundation
import Testing

/// Exports against the real de-identifier and lexicons (`.cache/deid-data`, fetched by scripts/test.sh).
struct ExportPolicyTests {
    let policy = DataPolicy(practice: "Riverside Family Practice", agreementDestinations: ["ehr"])
    /// Synthetic: a name with a title, a full date and a labelled medical record number.
    let identifying = "Dr. Ana Ruiz saw the patient on 03/04/2023, MRN 48213377. Plan: rest."
    let clean = "The patient is improving. Plan: rest, fluids and review in two weeks."

    func signedDraft(_ store: DraftStore, _ text: String) throws -> DraftID {
        let id = try store.create(sampleDraft(text, task: .letter), actor: "dr.a").id
        try store.sign(id, by: "Dr. A")
        return id
    }

    @Test func aDestinationWithoutAnAgreementGetsOnlyTextThatPassesTheCheck() throws {
        try withStore { store, dir in
            let db = store.url
            let identified = try signedDraft(store, identifying)
            let deidentified = try signedDraft(store, clean)

            let toEHR = try store.export(identified, to: "ehr", policy: policy, actor: "dr.a")
            #expect(toEHR.text == identifying && toEHR.coveredByAgreement)

            do {
                _ = try store.export(identified, to: "payer-portal", policy: policy, actor: "dr.a")
                Issue.record("an export with identifiers to a destination without an agreement went through")
            } catch let error as DraftStoreError {
                guard case .exportRefused(identified, "payer-portal", let reason) = error else { throw error }
                for kind in ["NAME", "DATE", "MRN"] { #expect(reason.contains(kind), "\(reason)") }
                for word in ["Ruiz", "03/04/2023", "48213377"] { #expect(!error.description.contains(word)) }
            }

            let toPayer = try store.export(deidentified, to: "payer-portal", policy: policy, actor: "dr.a")
            #expect(toPayer.text == clean && !toPayer.coveredByAgreement)

            #expect(try SQLiteTool.query(db, "SELECT group_concat(action || ' ' || draft_id || ' ' || detail, '\n') FROM audit WHERE action LIKE 'export%'") == """
                exported 1 to=ehr rule=agreement
                export-refused 1 to=payer-portal rule=deidentified-only
                exported 2 to=payer-portal rule=deidentified-only
                """)
        }
    }

    @Test func aRefusePolicySendsNothingOutsideAgreements() throws {
        try withStore { store, dir in
            let id = try signedDraft(store, clean)
            let strict = DataPolicy(practice: "P", agreementDestinations: ["ehr"], otherDestinations: .refuse)
            #expect(throws: DraftStoreError.exportRefused(id, destination: "payer", reason:
                "the policy sends drafts only to destinations with a business associate agreement")) {
                try store.export(id, to: "payer", policy: strict, actor: "dr.a", deidentifier: {
                    throw ToolError("a refuse policy must not need the de-identifier")
                })
            }
        }
    }

    @Test func onlySignedDraftsLeave() throws {
        try withStore { store, dir in
            let id = try store.create(sampleDraft(clean), actor: "dr.a").id
            #expect(throws: DraftStoreError.notSigned(id, status: .draft)) { try store.export(id, to: "ehr", policy: policy, actor: "dr.a") }
            #expect(throws: DraftStoreError.invalidDestination("someone@example.org")) {
                try store.export(id, to: "someone@example.org", policy: policy, actor: "dr.a")
            }
        }
    }

    @Test func thePolicyFileRoundTripsAndBadFilesAreNamed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("policy.json")
        #expect(throws: DraftStoreError.policyMissing(path: url.path)) { try DataPolicy.load(from: url) }
        try policy.write(to: url)
        #expect(try DataPolicy.load(from: url) == policy)
        #expect(throws: DraftStoreError.policyExists(path: url.path)) { try policy.write(to: url) }
        try Data(#"{"version": 1, "practice": "P", "other_destinations": "deidentified-only"}"#.utf8).write(to: url)
        #expect(throws: DraftStoreError.policyInvalid(path: url.path, reason: "missing \"agreement_destinations\"")) {
            try DataPolicy.load(from: url)
        }
    }

    @Test func theCommandLineRefusesAndExitsOne() throws {
        try withStore { store, dir in
            let id = try signedDraft(store, identifying)
            let vellum = try builtProduct("vellum")
            let environment = ["VELLUM_DATA_DIR": dir.path]
            #expect(try run(vellum, ["policy", "init", "--practice", "P", "--agreement", "ehr"], environment: environment).status == 0)

            let refused = try run(vellum, ["export", id.description, "--to", "payer"], environment: environment)
            #expect(refused.status == 1 && refused.stdout.isEmpty)
            #expect(refused.stderr.contains("export of \(id) to payer refused") && refused.stderr.contains("NAME"))
            #expect(!refused.stderr.contains("Ruiz"))

            let exported = try run(vellum, ["export", id.description, "--to", "ehr"], environment: environment)
            #expect(exported.status == 0 && exported.stdout == identifying)
        }
    }
}
