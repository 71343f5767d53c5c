import FuzzSupport
import GGUF
import Tokenization

/// The two byte-level BPE vocabularies with different pre-tokenizers (SmolLM2's `smollm`, Qwen2.5's `qwen2`),
/// loaded once for the whole run.
let tokenizers: [Tokenizer] = ["SmolLM2-135M-Instruct.Q4_1.gguf", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"].map { file in
    do {
        return try Tokenizer(file: GGUFFile(path: FuzzData.model(file)))
    } catch {
        fatalError("fuzz-bpe: cannot load the vocabulary of \(file): \(error)")
    }
}

func fuzzBPE(_ bytes: UnsafeRawBufferPointer) {
    // Bit 3 of the option byte picks the vocabulary (bits 0-2 are the harness's).
    guard let flags = bytes.first else { return }
    TokenizerHarness.run(tokenizers[Int(flags >> 3) & 1], bytes)
}
