#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import FuzzSupport
import GGUF
import Inference
import Tokenization

/// Each input is a whole model file. The public entry point opens files by path (it maps them), so the input is
/// written to one scratch file per process (on a tmpfs when TMPDIR is one) and loaded from there exactly as
/// `vellum generate --model` would load it: the reader, the architecture's tensor checks, the tokenizer's rules.
let scratchPath: String = {
    let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    return "\(directory)/vellum-fuzz-gguf-\(getpid()).gguf"
}()

private func writeScratch(_ bytes: UnsafeRawBufferPointer) {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    fuzzCheck(fd >= 0, "cannot write \(scratchPath)")
    defer { close(fd) }
    var written = 0
    while written < bytes.count {
        let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
        fuzzCheck(n > 0, "short write to \(scratchPath)")
        written += n
    }
}

func fuzzGGUF(_ bytes: UnsafeRawBufferPointer) {
    writeScratch(bytes)
    // The reader alone: every metadata value decoded, and the last byte of every tensor's data read, which must
    // lie inside the file it was checked against.
    guard let file = try? GGUFFile(path: scratchPath) else { return }
    for key in file.metadataKeys { _ = try? file.metadata[key] }
    var sum: UInt8 = 0
    for tensor in file.tensors where tensor.byteCount > 0 {
        fuzzCheck(file.dataOffset + tensor.offset + tensor.byteCount <= file.fileSize, "tensor '\(tensor.name)' ends past the file")
        sum &+= file.tensorData(tensor).load(fromByteOffset: tensor.byteCount - 1, as: UInt8.self)
    }
    _ = sum
    _ = ChatFormat.detect(in: file)

    // The whole load. A file it accepts must be one whose tokenizer and vocabulary can be used without a fault.
    guard let model = try? LanguageModel(path: scratchPath) else { return }
    let tokenizer = model.tokenizer
    fuzzCheck(tokenizer.vocabularySize == model.architecture.shape.vocabularySize, "vocabulary and embedding disagree")
    let sample = "Hello <|im_start|>user\n<start_of_turn> 12 345 ÄÖ 日本 😀 <unk></s>"
    for parseSpecial in [false, true] {
        let ids = tokenizer.encode(sample, addBOS: true, addEOS: true, parseSpecial: parseSpecial)
        for id in ids {
            fuzzCheck(id >= 0 && Int(id) < tokenizer.vocabularySize, "encode produced id \(id) outside the vocabulary")
        }
        _ = tokenizer.decode(ids)
    }
    // Every token's piece (the vocabulary is bounded by the file size, and seeds keep it to a few hundred).
    for id in 0..<Int32(min(tokenizer.vocabularySize, 4096)) { _ = tokenizer.tokenPiece(id) }
    if let (format, system) = ChatFormat.detect(in: model.file) {
        _ = tokenizer.encode(format.render([ChatMessage(role: .user, content: "hi")], defaultSystem: system), parseSpecial: true)
    }
    // What constrained generation builds from the vocabulary (token bytes and their trie).
    _ = model.constraintVocabulary
}
