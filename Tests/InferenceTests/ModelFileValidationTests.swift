import Foundation
import GGUF
import Inference
import Tokenization
import XCTest

/// The model-file rules, through the public entry point `LanguageModel(path:)`: each hostile file is a bundled
/// model's header with one thing changed (`GGUFHeaderEditor`), and each must be refused with the error that names
/// that thing. A refused file never yields a `LanguageModel`, so no session exists and no kernel runs on it.
final class ModelFileValidationTests: XCTestCase {
    private var directory: URL!
    private static let smolLM = "SmolLM2-135M-Instruct.Q4_1.gguf"
    private static let gemma = "gemma-3-270m-q4_k_m.gguf"

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vellum-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func editor(_ model: String) throws -> GGUFHeaderEditor {
        try GGUFHeaderEditor(path: TestModels.path(model))
    }

    /// The error `LanguageModel(path:)` throws for the edited file (failing the test if it loads).
    private func loadingError(_ editor: GGUFHeaderEditor, line: UInt = #line) throws -> Error? {
        let path = try editor.write(in: directory, name: "hostile-\(UUID().uuidString).gguf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try LanguageModel(path: path)
            XCTFail("a hostile file loaded", line: line)
            return nil
        } catch {
            return error
        }
    }

    private func assertRefused<E: Error & Equatable>(_ editor: GGUFHeaderEditor, _ expected: E, line: UInt = #line) throws {
        let error = try loadingError(editor, line: line)
        XCTAssertEqual(error as? E, expected, "got \(String(describing: error))", line: line)
    }

    typealias Encode = GGUFHeaderEditor.Encode
    typealias ValueType = GGUFHeaderEditor.ValueType

    func testUneditedHeadersLoad() throws {
        // The editor's own round trip: the same header over a hole of zeros loads (the data is not read).
        for model in [Self.smolLM, Self.gemma] {
            let path = try editor(model).write(in: directory, name: "unedited-\(model)").path
            XCTAssertNoThrow(try LanguageModel(path: path), model)
        }
    }

    func testEveryBundledModelStillLoads() throws {
        for model in [Self.smolLM, Self.gemma, "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"] {
            XCTAssertNoThrow(try LanguageModel(path: TestModels.path(model)), model)
        }
    }

    func testArraysOfTheWrongElementType() throws {
        var smol = try editor(Self.smolLM)
        // Token types declared u32 (same bytes, the spec's type is int32).
        let types = smol.index(of: "tokenizer.ggml.token_type")
        smol.entries[types].value.replaceSubrange(0..<4, with: Encode.u32(ValueType.uint32))
        try assertRefused(smol, GGUFError.wrongType(key: "tokenizer.ggml.token_type", expected: "array<int32>", found: "array<uint32>[49152]"))

        var gemma = try editor(Self.gemma)
        let scores = gemma.index(of: "tokenizer.ggml.scores")
        gemma.entries[scores].value.replaceSubrange(0..<4, with: Encode.u32(ValueType.int32))
        try assertRefused(gemma, GGUFError.wrongType(key: "tokenizer.ggml.scores", expected: "array<float32>", found: "array<int32>[262144]"))

        // general.alignment as a u64 holding the default value.
        smol = try editor(Self.smolLM)
        smol.set("general.alignment", type: ValueType.uint64, value: Encode.u64(32))
        try assertRefused(smol, GGUFError.wrongType(key: "general.alignment", expected: "u32", found: "u64"))
    }

    func testSpecialTokenIDsOutsideTheVocabulary() throws {
        for (key, type, value, id) in [
            ("tokenizer.ggml.bos_token_id", ValueType.uint32, Encode.u32(49152), 49152),
            ("tokenizer.ggml.eos_token_id", ValueType.uint32, Encode.u32(4_000_000_000), 4_000_000_000),
            ("tokenizer.ggml.unknown_token_id", ValueType.int32, Encode.u32(UInt32(bitPattern: -1)), -1),
            ("tokenizer.ggml.padding_token_id", ValueType.int64, Encode.u64(UInt64(bitPattern: -5)), -5),
        ] {
            var smol = try editor(Self.smolLM)
            smol.set(key, type: type, value: value)
            try assertRefused(smol, TokenizerError.specialTokenOutOfRange(key: key, id: id, vocabularySize: 49152))
        }
    }

    func testTokenTypeOutsideTheEnumeration() throws {
        var smol = try editor(Self.smolLM)
        let types = smol.index(of: "tokenizer.ggml.token_type")
        // Element 300 (after the u32 element type and the u64 count).
        smol.entries[types].value.replaceSubrange((12 + 4 * 300)..<(12 + 4 * 301), with: Encode.u32(9))
        try assertRefused(smol, TokenizerError.invalidTokenType(id: 300, type: 9))
    }

    func testEmptyTokenTexts() throws {
        // Byte-level BPE: a normal token (SmolLM2's last, "ectable").
        var smol = try editor(Self.smolLM)
        var texts = smol.strings("tokenizer.ggml.tokens")
        texts[49151] = []
        smol.setStrings("tokenizer.ggml.tokens", texts)
        try assertRefused(smol, TokenizerError.emptyToken(id: 49151))

        // SentencePiece: any piece.
        var gemma = try editor(Self.gemma)
        texts = gemma.strings("tokenizer.ggml.tokens")
        texts[1000] = []
        gemma.setStrings("tokenizer.ggml.tokens", texts)
        try assertRefused(gemma, TokenizerError.emptyToken(id: 1000))
    }

    func testMergesThatAreNotTokens() throws {
        var smol = try editor(Self.smolLM)
        var merges = smol.strings("tokenizer.ggml.merges")
        merges[5] = Array("t Ġ".utf8)  // both halves are tokens, "tĠ" is not
        smol.setStrings("tokenizer.ggml.merges", merges)
        try assertRefused(smol, TokenizerError.invalidMerge(rank: 5, line: "t Ġ", reason: "the two halves joined are not a token"))
    }

    func testFewerTokenTextsThanEmbeddingRows() throws {
        // Gemma has no merges, so dropping its last text changes nothing else.
        var gemma = try editor(Self.gemma)
        gemma.setStrings("tokenizer.ggml.tokens", gemma.strings("tokenizer.ggml.tokens").dropLast())
        try assertRefused(gemma, ModelError.vocabularyMismatch(tokens: 262_143, embeddingRows: 262_144))
    }

    func testRopeBaseRopeScaleAndNormEpsilonMustBeFinitePositive() throws {
        let keys = [(Self.smolLM, "llama.rope.freq_base"), (Self.smolLM, "llama.attention.layer_norm_rms_epsilon"),
                    (Self.gemma, "gemma3.rope.scaling.factor")]
        for (model, key) in keys {
            for value in [Float.nan, .infinity, 0, -1] {
                var file = try editor(model)
                file.set(key, type: ValueType.float32, value: Encode.f32(value))
                let error = try loadingError(file)
                guard case let .notPositiveFinite(name, found)? = error as? ModelError else {
                    XCTFail("\(key) = \(value): \(String(describing: error))")
                    continue
                }
                XCTAssertEqual(name, key)
                XCTAssertEqual(found.bitPattern, value.bitPattern, key)
            }
        }
    }

    /// A forged head size (`key_length` 2^30, within the 32-bit limit) is refused by the tensors it must match
    /// (attn_q has 576 rows, not 9 × 2^30) before anything is sized by it: the rope table was built first, half
    /// a billion entries, gigabytes and many seconds for a file the tensors then refused (fuzz-gguf found the
    /// same with a forged embedding length). Loading runs on another thread so a regression fails at the deadline.
    func testHeadSizeIsCheckedAgainstTheTensorsBeforeItSizesAnything() throws {
        var smol = try editor(Self.smolLM)
        smol.set("llama.attention.key_length", type: ValueType.uint32, value: Encode.u32(1 << 30))
        let path = try smol.write(in: directory, name: "head-size.gguf").path
        let done = expectation(description: "refused")
        let outcome = LoadOutcome()
        Thread.detachNewThread {
            do { _ = try LanguageModel(path: path) } catch { outcome.error = error }
            done.fulfill()
        }
        wait(for: [done], timeout: 5)
        XCTAssertEqual(outcome.error as? ModelError,
                       .tensorShape(name: "blk.0.attn_q.weight", expected: [576, 9 << 30], found: [576, 576]))
    }

    private final class LoadOutcome: @unchecked Sendable {
        var error: Error?
    }

    /// Sizes whose products overflow 64 bits are refused by name: with 12 heads of 2^62 + 48 and 4 key/value
    /// heads, the query and key widths wrap to 576 and 192, exactly SmolLM2's attn_q and attn_k rows, so no
    /// tensor check could see it (the kernels are compiled without overflow checks).
    func testSizesWhoseProductsOverflowAreRefused() throws {
        var smol = try editor(Self.smolLM)
        smol.set("llama.attention.head_count", type: ValueType.uint32, value: Encode.u32(12))
        smol.set("llama.attention.head_count_kv", type: ValueType.uint32, value: Encode.u32(4))
        smol.set("llama.attention.key_length", type: ValueType.uint64, value: Encode.u64((1 << 62) + 48))
        try assertRefused(smol, ModelError.invalidHyperparameter(key: "llama.attention.key_length"))
    }

    func testOverlappingTensorData() throws {
        var smol = try editor(Self.smolLM)
        smol.setDataOffset(ofTensor: 2, to: 0)  // blk.0.ffn_down.weight onto token_embd.weight
        let (path, indexStart) = try smol.write(in: directory, name: "overlap.gguf")
        let field = indexStart + smol.tensors[0..<2].map(\.bytes.count).reduce(0, +) + smol.tensors[2].offsetField
        XCTAssertThrowsError(try LanguageModel(path: path)) { error in
            XCTAssertEqual(error as? GGUFError, .overlappingTensors(tensor: "blk.0.ffn_down.weight", offset: field, other: "token_embd.weight"))
        }
    }

    func testAnExtraTensorIsRefused() throws {
        var smol = try editor(Self.smolLM)
        let paddedData = UInt64((smol.dataBytes + 31) / 32 * 32)
        let entry = Encode.string(Array("blk.0.extra.weight".utf8)) + Encode.u32(1) + Encode.u64(8) + Encode.u32(0)
        smol.tensors.append(.init(name: "blk.0.extra.weight", bytes: entry + Encode.u64(paddedData), offsetField: entry.count))
        smol.dataBytes = Int(paddedData) + 32
        try assertRefused(smol, ModelError.unusedTensor("blk.0.extra.weight"))
    }

    func testStringsOfAbsurdSize() throws {
        var smol = try editor(Self.smolLM)
        smol.set("tokenizer.chat_template", type: ValueType.string, value: Encode.string([UInt8](repeating: 0x7B, count: (1 << 20) + 1)))
        let error = try loadingError(smol)
        guard case let .stringTooLong(field, _, bytes, limit)? = error as? GGUFError else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(field, "value of 'tokenizer.chat_template'")
        XCTAssertEqual(bytes, (1 << 20) + 1)
        XCTAssertEqual(limit, 1 << 20)
    }

    /// A changed byte anywhere in the tensor index: every byte of the first three entries and the last (each field
    /// kind, and the last tensor, whose size no later offset checks), and a seeded sample of the rest, each
    /// replaced by a random other value. Every one must be refused by the reader or the architecture.
    func testAChangedByteInTheTensorIndex() throws {
        let smol = try editor(Self.smolLM)
        let (path, indexStart) = try smol.write(in: directory, name: "flipped.gguf")
        let sizes = smol.tensors.map(\.bytes.count)
        let indexEnd = indexStart + sizes.reduce(0, +)
        let lastStart = indexEnd - sizes.last!
        var positions = Array(indexStart..<(indexStart + sizes[0..<3].reduce(0, +))) + Array(lastStart..<indexEnd)
        var generator = SplitMix64(seed: 0x5EED)
        positions += (0..<300).map { _ in Int.random(in: indexStart..<indexEnd, using: &generator) }

        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        func put(_ byte: UInt8, at position: Int) throws {
            try handle.seek(toOffset: UInt64(position))
            try handle.write(contentsOf: [byte])
        }
        let original = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(indexEnd)
        var accepted: [Int] = []
        for position in positions {
            let byte = original[position]
            try put(byte ^ UInt8.random(in: 1...255, using: &generator), at: position)
            do {
                _ = try LanguageModel(path: path)
                accepted.append(position - indexStart)
            } catch is GGUFError {
            } catch is ModelError {
            } catch {
                XCTFail("index byte \(position - indexStart): unexpected error \(error)")
            }
            try put(byte, at: position)
        }
        XCTAssertEqual(accepted, [], "index bytes whose change loaded without error")
        XCTAssertNoThrow(try LanguageModel(path: path), "the file is restored")
    }
}
