import Foundation
import Testing
@testable import Deidentification

struct VaultTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vellum-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func roundTripIsEncryptedAtRestWithAPrivateKey() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vaultURL = dir.appendingPathComponent("patient.vault")
        let vault = try Vault.open(at: vaultURL)
        vault.merge(["[NAME_1]": VaultEntry(original: "Jane Roe", kind: .name)])
        try vault.save()

        let bytes = try Data(contentsOf: vaultURL)
        #expect(bytes.starts(with: Data("VELLUM-VAULT-1\n".utf8)))
        #expect(bytes.range(of: Data("Jane Roe".utf8)) == nil, "the original must not be stored in clear")
        let keyMode = try FileManager.default.attributesOfItem(atPath: vaultURL.path + ".key")[.posixPermissions] as? NSNumber
        #expect(keyMode?.intValue == 0o600)

        let reopened = try Vault.open(at: vaultURL)
        #expect(reopened.entries["[NAME_1]"] == VaultEntry(original: "Jane Roe", kind: .name))
    }

    @Test func wrongKeyTamperingAndOpenKeysAreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vaultURL = dir.appendingPathComponent("v.vault")
        let vault = try Vault.open(at: vaultURL)
        vault.merge(["[DATE_1]": VaultEntry(original: "03/04/2023", kind: .date)])
        try vault.save()

        #expect(throws: VaultError.wrongKeyOrTampered(path: vaultURL.path)) {
            try Vault.open(at: vaultURL, keyFile: dir.appendingPathComponent("other.key"))
        }
        var bytes = try Data(contentsOf: vaultURL)
        bytes[bytes.count - 20] ^= 0x01
        try bytes.write(to: vaultURL)
        #expect(throws: VaultError.wrongKeyOrTampered(path: vaultURL.path)) { try Vault.open(at: vaultURL) }

        let keyPath = vaultURL.path + ".key"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
        #expect(throws: VaultError.keyPermissions(path: keyPath, mode: 0o644)) { try Vault.open(at: vaultURL) }
    }

    @Test func reidentificationRestoresKnownAndFlagsUnknownPlaceholders() {
        let entries = [
            "[NAME_1]": VaultEntry(original: "Jane Roe", kind: .name),
            "[DATE_1]": VaultEntry(original: "03/04/2023", kind: .date),
            "Kim Mills": VaultEntry(original: "Ana Ruiz", kind: .name),
        ]
        let draft = "Dear Dr. Kim Mills, [NAME_1] was seen on [DATE_1]; [NAME_7] called. [not a tag] Kim Millsap stays."
        let result = Reidentifier(entries: entries).restore(draft)
        #expect(result.text == "Dear Dr. Ana Ruiz, Jane Roe was seen on 03/04/2023; [NAME_7] called. [not a tag] Kim Millsap stays.")
        #expect(result.unknown == [.init(placeholder: "[NAME_7]", offset: 51)])
        #expect(result.restoredCount == 3)
    }

    @Test func taggingContinuesFromTheVault() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("p.vault")
        let first = PlaceholderTagger()
        _ = first.tag(for: .name, original: "Jane Roe")
        _ = first.tag(for: .name, original: "Ana Ruiz")
        let vault = try Vault.open(at: url)
        vault.merge(first.originals)
        try vault.save()

        let second = PlaceholderTagger(vault: try Vault.open(at: url))
        #expect(second.tag(for: .name, original: "JANE  ROE") == "[NAME_1]")
        #expect(second.tag(for: .name, original: "John Smith") == "[NAME_3]")
    }
}

struct StreamingTests {
    @Test func chunkedAnalysisMatchesWholeDocument() {
        var text = ""
        for i in 0..<60 {
            text += "Line \(i): seen 03/\(i % 28 + 1)/2023 by Dr. Ana Ruiz, call (555) 123-45\(String(format: "%02d", i)). "
            text += i % 7 == 0 ? "\n" : ""
        }
        let scalars = Array(text.unicodeScalars)
        let whole = pipeline.analyze(TokenizedText(scalars: scalars))
        let stream = StreamingDeidentifier(deidentifier: pipeline, chunkScalars: 700, overlapScalars: 120, contextScalars: 60)
        var segments: [StreamingDeidentifier.Segment] = []
        // Feed in odd-sized pieces so windows and feeds do not line up.
        var i = 0
        while i < scalars.count {
            let end = min(scalars.count, i + 333)
            segments += stream.feed(Array(scalars[i..<end]))
            i = end
        }
        segments += stream.finish()
        #expect(segments.flatMap(\.scalars) == scalars)
        let chunked = segments.flatMap(\.detections)
        #expect(chunked.map(\.range) == whole.map(\.range))
        #expect(chunked.map(\.kind) == whole.map(\.kind))
    }

    @Test func emptyStreamGivesOneEmptySegment() {
        let stream = StreamingDeidentifier(deidentifier: pipeline)
        #expect(stream.feed([]).isEmpty)
        let tail = stream.finish()
        #expect(tail.count == 1 && tail[0].scalars.isEmpty && tail[0].detections.isEmpty)
    }

    @Test func utf8DecoderReportsByteOffsetsAndJoinsSplitSequences() throws {
        var decoder = UTF8StreamDecoder()
        var out: [Unicode.Scalar] = []
        let bytes = Array("añ😀b".utf8)           // 1 + 2 + 4 + 1 bytes
        for b in bytes { try decoder.decode([b], into: &out) }   // one byte at a time
        try decoder.finish()
        #expect(String(String.UnicodeScalarView(out)) == "añ😀b")

        var bad = UTF8StreamDecoder()
        var sink: [Unicode.Scalar] = []
        #expect(throws: InputError.invalidUTF8(byteOffset: 4)) { try bad.decode([0x61, 0x62, 0x63, 0x64, 0xFF, 0x65], into: &sink) }
        var overlong = UTF8StreamDecoder()
        #expect(throws: InputError.invalidUTF8(byteOffset: 1)) { try overlong.decode([0x61, 0xC0, 0xAF], into: &sink) }
        var truncated = UTF8StreamDecoder()
        try truncated.decode([0x61, 0xE2, 0x82], into: &sink)
        #expect(throws: InputError.truncatedUTF8(byteOffset: 1)) { try truncated.finish() }
    }
}

struct LexiconLoaderTests {
    @Test func missingFileNamesTheFileAndTheFetchCommand() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vellum-lex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "jane\n".write(to: dir.appendingPathComponent("first_names.txt"), atomically: true, encoding: .utf8)
        do {
            _ = try Lexicons.load(directory: dir)
            Issue.record("expected a missing-file error")
        } catch {
            #expect(error == .missingFile(file: "last_names.txt", directory: dir.path, fetchCommand: Lexicons.fetchCommand))
            #expect(error.description.contains("last_names.txt") && error.description.contains("scripts/fetch-deid-data.py"))
        }
    }

    @Test func loadsEntriesAndRanks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vellum-lex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = ["first_names.txt": "Jane\njohn\n", "last_names.txt": "roe\n", "safe_words.txt": "will\n",
                     "cities.txt": "san antonio\n", "last_name_ranks.tsv": "roe\t5\t100\nzed\t50000\t3\n"]
        for (name, body) in files { try body.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let compiled = dir.appendingPathComponent("lexicons.compiled")
        // The first load parses the lists and compiles them; the second maps the compiled file; a damaged
        // compiled file is ignored and rewritten; a changed list is picked up.
        for pass in ["lists", "compiled", "damaged"] {
            if pass == "damaged" {
                let bytes = try Data(contentsOf: compiled)
                try bytes.prefix(bytes.count / 2).write(to: compiled)
            }
            let lexicons = try Lexicons.load(directory: dir)
            #expect(lexicons.firstNames == ["jane", "john"], "\(pass)")
            #expect(lexicons.firstNames.contains("jane") && !lexicons.firstNames.contains("jan"), "\(pass)")
            #expect(lexicons.cities == ["san antonio"], "\(pass)")
            #expect(lexicons.commonLastNames == ["roe"], "\(pass)")          // rank 50000 is past the frequent cut-off
            #expect(lexicons.safeWords.contains("will") && lexicons.safeWords.contains("grace"), "\(pass)")
            #expect(FileManager.default.fileExists(atPath: compiled.path), "\(pass)")
        }
        try "jane\njohn\nłukasz\n".write(to: dir.appendingPathComponent("first_names.txt"), atomically: true, encoding: .utf8)
        #expect(try Lexicons.load(directory: dir).firstNames == ["jane", "john", "łukasz"])
        #expect(try Lexicons.load(directory: dir).firstNames.contains("łukasz"))
    }
}
