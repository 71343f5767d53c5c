// SentencePiece-style vocabularies (GGUF `tokenizer.ggml.model = llama`, used by Gemma 3), encoded through
// libsentencepiece.
//
// The GGUF carries no `.model` file, only the token texts, scores and types, so a `ModelProto` is written from
// them in protobuf's wire format and handed to `SentencePieceProcessor::LoadFromSerializedProto` through the C
// shim in CSentencePiece. Field numbers are those of sentencepiece's `sentencepiece_model.proto` (Apache-2.0).
// What the proto must say to reproduce llama.cpp's ids is worked out in docs/tokenizer-notes.md.

import CSentencePiece

/// A libsentencepiece processor loaded from a vocabulary. Thread-safe: the processor's `Encode` is const.
final class SentencePieceModel: @unchecked Sendable {
    private let processor: OpaquePointer

    init(vocabulary: Vocabulary) throws {
        guard let unknown = vocabulary.unknown else {
            throw TokenizerError.missingToken("<unk>", reason: "libsentencepiece needs an unknown-token id (tokenizer.ggml.unknown_token_id)")
        }
        let proto = SentencePieceModel.modelProto(for: vocabulary, unknown: unknown)
        var message = [CChar](repeating: 0, count: 512)
        let loaded = proto.withUnsafeBytes { bytes in
            vellum_sp_load(bytes.baseAddress, bytes.count, &message, message.count)
        }
        guard let loaded else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw TokenizerError.sentencePieceRejected(text)
        }
        processor = loaded
    }

    deinit { vellum_sp_free(processor) }

    /// Appends the ids of `text` (raw text without special tokens; spaces are escaped by the model's normalizer).
    ///
    /// libsentencepiece's `Encode` reports an error only for a processor that failed to load, which `init`
    /// already refused; that state cannot be reached from input text, so it is a precondition here.
    func encode(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        guard !text.isEmpty else { return }
        // Usually one id per input byte at most; but the normalizer turns a 1-byte space into the 3-byte U+2581,
        // which becomes 3 byte-fallback ids in a vocabulary without a "▁" piece (found by fuzz-gguf). The shim
        // reports how many ids there are even when they do not fit, and the text is then encoded again with room
        // for all of them.
        var capacity = text.count + 1
        while true {
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: capacity))
            let written = output.withUnsafeMutableBufferPointer { ids in
                text.withMemoryRebound(to: CChar.self) { chars in
                    vellum_sp_encode(processor, chars.baseAddress, chars.count, ids.baseAddress! + start, capacity)
                }
            }
            precondition(written >= 0, "libsentencepiece failed on a loaded model (\(text.count) bytes)")
            if written <= capacity {
                output.removeLast(capacity - written)
                return
            }
            output.removeLast(capacity)
            capacity = written
        }
    }

    // MARK: The ModelProto

    /// sentencepiece's `ModelProto.SentencePiece.Type`.
    enum PieceType: UInt64 {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// The serialized `ModelProto`: BPE with byte fallback, an identity normalizer that adds no dummy prefix,
    /// keeps extra whitespace and escapes spaces as U+2581 (llama.cpp's SPM settings).
    static func modelProto(for vocabulary: Vocabulary, unknown: Int32) -> [UInt8] {
        var model = ProtobufWriter()
        model.reserve(vocabulary.count * 24)
        var piece = ProtobufWriter()
        for id in 0..<vocabulary.count {
            piece.removeAll()
            vocabulary.texts.withText(id) { piece.bytes(field: 1, $0) }                    // piece
            piece.fixed32(field: 2, vocabulary.scores[id].bitPattern)                     // score
            piece.varint(field: 3, pieceType(vocabulary.attributes[id], isUnknown: id == unknown).rawValue)  // type
            model.message(field: 1, piece)                                                // pieces
        }

        var trainer = ProtobufWriter()
        trainer.varint(field: 3, 2)                                    // model_type = BPE
        trainer.varint(field: 4, UInt64(vocabulary.count))            // vocab_size
        trainer.varint(field: 35, 1)                                   // byte_fallback
        trainer.int32(field: 40, unknown)                              // unk_id
        trainer.int32(field: 41, vocabulary.bos ?? -1)                // bos_id
        trainer.int32(field: 42, vocabulary.eos ?? -1)                // eos_id
        trainer.int32(field: 43, vocabulary.padding ?? -1)            // pad_id
        vocabulary.texts.withText(Int(unknown)) { trainer.bytes(field: 45, $0) }  // unk_piece
        model.message(field: 2, trainer)                               // trainer_spec

        var normalizer = ProtobufWriter()
        normalizer.bytes(field: 1, Array("identity".utf8))            // name
        normalizer.varint(field: 3, 0)                                 // add_dummy_prefix
        normalizer.varint(field: 4, 0)                                 // remove_extra_whitespaces
        normalizer.varint(field: 5, 1)                                 // escape_whitespaces
        model.message(field: 3, normalizer)                            // normalizer_spec
        return model.buffer
    }

    /// Token attributes map onto sentencepiece's piece types nearly one to one. The exceptions:
    /// - libsentencepiece 0.1.97 refuses a model whose unknown id is not of type UNKNOWN ("unk is not
    ///   defined"), and Gemma's GGUF marks `<unk>` as a control token, so the unknown id is forced to UNKNOWN
    ///   (and any other UNKNOWN demoted to CONTROL, since there may be only one);
    /// - a token that is both user-defined and control (llama.cpp makes Phi-3's user-defined `</s>` control
    ///   because it ends generation) is CONTROL: libsentencepiece matches USER_DEFINED pieces in raw text
    ///   itself, and with special parsing off llama.cpp leaves control text as text;
    /// - undefined types (0) are treated as normal pieces.
    static func pieceType(_ attributes: TokenAttributes, isUnknown: Bool) -> PieceType {
        if isUnknown { return .unknown }
        if attributes.contains(.byte) { return .byte }
        if attributes.contains(.control) || attributes.contains(.unknown) { return .control }
        if attributes.contains(.userDefined) { return .userDefined }
        if attributes.contains(.unused) { return .unused }
        return .normal
    }
}

/// The few protobuf wire-format encodings a `ModelProto` needs.
struct ProtobufWriter {
    private(set) var buffer: [UInt8] = []

    mutating func reserve(_ count: Int) { buffer.reserveCapacity(count) }
    mutating func removeAll() { buffer.removeAll(keepingCapacity: true) }

    private mutating func rawVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(value))
    }

    private mutating func key(_ field: Int, wireType: UInt64) { rawVarint(UInt64(field) << 3 | wireType) }

    /// Wire type 0.
    mutating func varint(field: Int, _ value: UInt64) {
        key(field, wireType: 0)
        rawVarint(value)
    }

    /// An `int32` field: negative values are sign-extended to ten bytes, as protobuf requires.
    mutating func int32(field: Int, _ value: Int32) {
        varint(field: field, UInt64(bitPattern: Int64(value)))
    }

    /// Wire type 5 (a `float` is its bit pattern, little-endian).
    mutating func fixed32(field: Int, _ value: UInt32) {
        key(field, wireType: 5)
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    /// Wire type 2: strings and bytes.
    mutating func bytes<Bytes: Collection<UInt8>>(field: Int, _ value: Bytes) {
        key(field, wireType: 2)
        rawVarint(UInt64(value.count))
        buffer.append(contentsOf: value)
    }

    /// Wire type 2: an embedded message.
    mutating func message(field: Int, _ value: ProtobufWriter) {
        key(field, wireType: 2)
        rawVarint(UInt64(value.buffer.count))
        buffer.append(contentsOf: value.buffer)
    }
}
