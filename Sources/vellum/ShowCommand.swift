import ArgumentParser
import DraftStore

/// `vellum show DRAFT`: a draft's record, findings and latest text; audited as viewed.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a draft: its record, fact-check findings and latest text (audited as viewed).",
        discussion: "--json adds every version and the input when it was kept."
    )

    @OptionGroup var target: DraftArgument

    @Flag(help: "Print JSON with every version.")
    var json = false

    @OptionGroup var actor: ActorOptions

    func run() throws {
        let detail = try DraftStore.openDefault().show(try target.id, actor: actor.name)
        if json { return try printDocument(detail) }
        let r = detail.record
        var lines = [
            "\(r.id)  \(r.task.rawValue)  \(r.status.rawValue)" + (r.amends.map { "  (amends \($0))" } ?? ""),
            "model     \(r.modelName)  sha256 \(r.modelSHA256)",
            "template  \(r.templateVersion)",
            "input     sha256 \(r.inputSHA256)" + (r.inputKept ? " (kept)" : " (not kept)"),
            "created   \(shortTime(r.createdAt)) UTC, \(r.versionCount) version(s)",
        ]
        if let s = r.signature {
            lines.append("signed    by \(s.signedBy) at \(shortTime(s.signedAt)) UTC, version \(s.version), sha256 \(s.textSHA256), " +
                         String(format: "%.1f%% changed", s.editPercent))
        }
        lines.append("findings  \(detail.findings.count) in the generated text")
        for f in detail.findings { lines.append("  \(f.kind) \(f.start)-\(f.end): \(f.text)") }
        if let latest = detail.versions.last, latest.version > 1 {
            lines.append(latest.findings.map { "          \($0.count) in version \(latest.version)" }
                         ?? "          version \(latest.version) not fact-checked")
            for f in latest.findings ?? [] { lines.append("  \(f.kind) \(f.start)-\(f.end): \(f.text)") }
        }
        print(lines.joined(separator: "\n") + "\n\n" + detail.text)
    }
}
