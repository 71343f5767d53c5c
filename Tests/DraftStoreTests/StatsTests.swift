@testable import DraftStore
import Foundation
import Testing

struct StatsTests {
    @Test func levenshteinDistanceOnKnownPairs() {
        func distance(_ a: String, _ b: String) -> Int { EditDistance.distance(Array(a.unicodeScalars), Array(b.unicodeScalars)) }
        #expect(distance("kitten", "sitting") == 3)
        #expect(distance("", "abc") == 3)
        #expect(distance("flaw", "lawn") == 2)
        #expect(distance("naïve café", "naive cafe") == 2)
        #expect(EditDistance.percent(from: "abcdefghij", to: "abcdefghXY") == 20)
        #expect(EditDistance.percent(from: "", to: "") == 0)
    }

    /// Three signed notes (10, 30 and 20 minutes to sign; 0%, 20% and 0% changed), one discarded letter and one
    /// open letter with three findings: the figures below are worked out by hand from that.
    @Test func figuresForAPracticeManager() throws {
        let clock = ManualClock()
        try withStore(clock: { clock.now }) { store, dir in

            let a = try store.create(sampleDraft("abcdefghij"), actor: "dr.a").id
            let b = try store.create(sampleDraft("abcdefghij"), actor: "dr.a").id
            let c = try store.create(sampleDraft("abcdefghij"), actor: "dr.a").id
            let d = try store.create(sampleDraft("letter", task: .letter), actor: "dr.a").id
            let findings = (0..<3).map { StoredFinding(kind: "dose", text: "10", start: $0, end: $0 + 1) }
            try store.create(sampleDraft("letter", task: .letter, findings: findings), actor: "dr.a")
            clock.advance(600)
            try store.sign(a, by: "Dr. A")
            clock.advance(600)
            try store.sign(c, by: "Dr. A")
            try store.discard(d, actor: "dr.a")
            try store.edit(b, text: "abcdefghXY", actor: "dr.a")
            clock.advance(600)
            try store.sign(b, by: "Dr. A")

            let stats = try store.stats()
            #expect(stats.tasks.map(\.task) == ["note", "letter"])
            let note = try #require(stats.tasks.first), letter = try #require(stats.tasks.last)
            #expect([note.drafts, note.open, note.signed, note.discarded] as [Int] == [3, 0, 3, 0])
            #expect(note.medianSecondsToSign == 1200)
            #expect(note.medianEditPercent == 0)
            #expect(abs((note.meanEditPercent ?? 0) - 20.0 / 3) < 1e-9)
            #expect(note.findingsPerDraft == 0)
            #expect([letter.drafts, letter.open, letter.signed, letter.discarded] as [Int] == [2, 1, 0, 1])
            #expect(letter.medianSecondsToSign == nil)
            #expect(letter.medianEditPercent == nil)
            #expect(letter.findingsPerDraft == 1.5)
            #expect(stats.all.drafts == 5)
            #expect(stats.all.findingsPerDraft == 0.6)
            #expect(stats.all.medianSecondsToSign == 1200)

            let cli = try run(builtProduct("vellum"), ["stats", "--json"], environment: ["VELLUM_DATA_DIR": dir.path])
            #expect(cli.status == 0)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
            let all = try #require(json["all"] as? [String: Any])
            #expect(all["drafts"] as? Int == 5 && all["medianSecondsToSign"] as? Double == 1200)
            let table = try run(builtProduct("vellum"), ["stats"], environment: ["VELLUM_DATA_DIR": dir.path]).stdout
            #expect(table.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) } == ["task", "note", "letter", "all"])
            #expect(table.contains("20m 00s") && table.contains("6.7%"))
        }
    }
}
