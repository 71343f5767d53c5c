import FuzzSupport
import GGUF
import Tokenization

/// Gemma 3's SentencePiece vocabulary (262,144 pieces with byte fallback), loaded once for the whole run.
let tokenizer: Tokenizer = {
    do {
        return try Tokenizer(file: GGUFFile(path: FuzzData.model("gemma-3-270m-q4_k_m.gguf")))
    } catch {
        fatalError("fuzz-sentencepiece: cannot load the Gemma 3 vocabulary: \(error)")
    }
}()

func fuzzSentencePiece(_ bytes: UnsafeRawBufferPointer) {
    TokenizerHarness.run(tokenizer, bytes, unescapesSpaceMarker: true)
}
