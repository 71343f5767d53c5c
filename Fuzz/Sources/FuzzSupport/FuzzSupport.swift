#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibFuzzer
import Foundation
import Tokenization

/// The target's function for one input; set once by `runLibFuzzer` before the driver starts.
nonisolated(unsafe) private var target: ((UnsafeRawBufferPointer) -> Void)?

/// libFuzzer's entry point, by the name its driver links against.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target!(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// Runs libFuzzer with this process's command line over `body`, one call per input, and exits with its status.
public func runLibFuzzer(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    target = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}

/// A broken invariant is a finding like a crash: print what broke and abort, so libFuzzer saves the input.
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard !condition else { return }
    FileHandle.standardError.write(Data("invariant broken at \(file):\(line): \(message())\n".utf8))
    abort()
}

/// The data folders the targets read, found the way the tests and `vellum` find them: an environment variable, else
/// `.cache/<name>` in the working directory or one of its parents (scripts/fuzz.sh runs from the checkout).
public enum FuzzData {
    public static func directory(_ name: String, variable: String) -> String {
        if let override = ProcessInfo.processInfo.environment[variable], !override.isEmpty { return override }
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent(".cache/\(name)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            dir.deleteLastPathComponent()
        }
        // A setup error, not a finding: say how to fix it and stop before libFuzzer starts.
        FileHandle.standardError.write(Data("fuzz: no .cache/\(name) here or above; set \(variable)\n".utf8))
        exit(2)
    }

    /// A bundled model's path (scripts/fetch-models.py downloads them).
    public static func model(_ file: String) -> String {
        directory("models", variable: "VELLUM_MODELS_DIR") + "/" + file
    }
}

/// The tokenizer harness of the SentencePiece and byte-level BPE targets: the input's first byte picks options,
/// the rest is used twice, as text to encode and as a sequence of token ids to decode.
///
/// The invariants are the documented ones: encoding then decoding gives the text back byte for byte (the bundled
/// vocabularies are lossless, see Tests/TokenizationTests/RoundTripPropertyTests.swift; except that SentencePiece
/// decodes its space marker U+2581 as a space, as llama.cpp does, so a marker in the text comes back as a space
/// when `unescapesSpaceMarker`), every id produced is in
/// the vocabulary, and streaming detokenization gives the same text as decoding all at once whenever that text is
/// valid UTF-8 (the only case where U+FFFD placement cannot differ).
public enum TokenizerHarness {
    /// Per tokenizer, the ASCII bytes that encode to no token at all on their own (computed once).
    nonisolated(unsafe) private static var missingPieces: [ObjectIdentifier: Set<UInt8>] = [:]

    private static func missingASCIIPieces(_ tokenizer: Tokenizer) -> Set<UInt8> {
        if let known = missingPieces[ObjectIdentifier(tokenizer)] { return known }
        let missing = Set((UInt8(0)...0x7F).filter { byte in
            tokenizer.encode(String(UnicodeScalar(byte)), addBOS: false, addEOS: false, parseSpecial: false).isEmpty
        })
        missingPieces[ObjectIdentifier(tokenizer)] = missing
        return missing
    }

    public static func run(_ tokenizer: Tokenizer, _ data: UnsafeRawBufferPointer, unescapesSpaceMarker: Bool = false) {
        guard let flags = data.first else { return }
        let rest = UnsafeRawBufferPointer(rebasing: data.dropFirst())
        let parseSpecial = flags & 1 != 0
        // Swift strings are valid UTF-8: invalid input bytes arrive as U+FFFD, as they would from any caller.
        let text = String(decoding: rest, as: UTF8.self)
        let ids = tokenizer.encode(text, addBOS: false, addEOS: false, parseSpecial: parseSpecial)
        for id in ids {
            fuzzCheck(id >= 0 && Int(id) < tokenizer.vocabularySize, "encode produced id \(id) outside 0..<\(tokenizer.vocabularySize)")
        }
        let expected = unescapesSpaceMarker ? text.replacingOccurrences(of: "\u{2581}", with: " ") : text
        // Unassigned code points are left out: llama.cpp's SmolLM2 pre-tokenizer loses a byte of some (U+5F3FD
        // encodes as 3 byte tokens in llama-tokenize too), and the tokenizer is to match llama.cpp.
        let assigned = !text.unicodeScalars.contains { $0.properties.generalCategory == .unassigned }
        // So are ASCII bytes the vocabulary has no piece for: llama.cpp leaves them out of the ids
        // (Tests/TokenizationTests/MissingByteTokenTests.swift), so the round trip gives the text without them.
        let missing = missingASCIIPieces(tokenizer)
        let expectedBytes = Array(expected.utf8).filter { !missing.contains($0) }
        fuzzCheck(!assigned || tokenizer.decodeBytes(ids) == expectedBytes,
                  "round trip lost bytes (parseSpecial \(parseSpecial)): \(text.debugDescription) -> \(ids)")
        // With BOS and EOS added the ids are framed by them (when the vocabulary has them).
        let framed = tokenizer.encode(text, addBOS: true, addEOS: true, parseSpecial: parseSpecial)
        fuzzCheck(framed.dropFirst(tokenizer.bos == nil ? 0 : 1).dropLast(tokenizer.eos == nil ? 0 : 1).elementsEqual(ids),
                  "adding BOS/EOS changed the ids between them")

        // Arbitrary ids, negative and past the vocabulary included: 4 bytes each, little-endian.
        let decodedIDs = stride(from: 0, to: rest.count - 3, by: 4).map { Int32(bitPattern: rest.loadUnaligned(fromByteOffset: $0, as: UInt32.self)) }
        // Half the inputs fold ids into the vocabulary, so most of them are real tokens rather than skipped.
        let sequence = flags & 2 != 0
            ? decodedIDs.map { Int32(truncatingIfNeeded: Int(UInt32(bitPattern: $0)) % tokenizer.vocabularySize) } : decodedIDs
        let renderSpecial = flags & 4 != 0
        let whole = tokenizer.decodeBytes(sequence, renderSpecial: renderSpecial)
        let streaming = StreamingDetokenizer(tokenizer: tokenizer, renderSpecial: renderSpecial)
        let streamed = streaming.append(contentsOf: sequence) + streaming.flush()
        if let valid = String(validating: whole, as: UTF8.self) {
            fuzzCheck(streamed == valid, "streaming \(streamed.debugDescription) != whole \(valid.debugDescription) for \(sequence)")
        }
        for id in sequence.prefix(64) {
            _ = tokenizer.tokenPiece(id)
            _ = tokenizer.vocabularyText(id)
        }
    }
}
