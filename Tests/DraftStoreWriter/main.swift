// A child process for DraftStoreTests: creates, edits and signs drafts in a loop and reports each step on
// standard output only after it has committed, so that a parent can kill it at any point (kill -9) and then check
// that every reported step is in the database, or run two at once against one file.
//
// usage: draftstore-writer DATABASE LABEL COUNT     (COUNT 0: until killed)
import DraftStore
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: draftstore-writer DATABASE LABEL COUNT\n".utf8))
    exit(2)
}
let label = arguments[2]

/// Synthetic text, long enough (about 24 KB) that a kill lands inside a write more often than between writes.
func text(_ index: Int, version: Int) -> String {
    "Synthetic draft \(label)-\(index) version \(version). " + String(repeating: "Plan unchanged; review in clinic. ", count: 700)
}

func report(_ line: String) {
    // Unbuffered: a line is on the pipe before the next write starts.
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

do {
    let store = try DraftStore(url: URL(fileURLWithPath: arguments[1]))
    var index = 0
    while count == 0 || index < count {
        let draft = NewDraft(task: DraftTask.allCases[index % DraftTask.allCases.count], modelName: "writer",
                             modelSHA256: SHA256Hex.of("model"), templateVersion: "writer-v1",
                             input: "input \(label)-\(index)", keepInput: index % 2 == 0, text: text(index, version: 1),
                             findings: [StoredFinding(kind: "unsupported", text: "Plan", start: 0, end: 9)])
        let id = try store.create(draft, actor: label).id
        report("created \(id) \(index)")
        try store.edit(id, text: text(index, version: 2), actor: label)
        report("edited \(id) \(index)")
        try store.sign(id, by: label)
        report("signed \(id) \(index)")
        index += 1
    }
} catch {
    FileHandle.standardError.write(Data("draftstore-writer: \(error)\n".utf8))
    exit(1)
}
