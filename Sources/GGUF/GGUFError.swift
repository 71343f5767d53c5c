/// Everything that can be wrong with a GGUF file. Each case names the field and the byte offset where the
/// reader found the problem, so a user can tell a truncated download from a file of an unsupported kind.
public enum GGUFError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    case badMagic(found: [UInt8])
    case unsupportedVersion(UInt32)
    case countTooLarge(field: String, offset: Int, count: UInt64)
    case unknownValueType(key: String, offset: Int, type: UInt32)
    case invalidString(field: String, offset: Int)
    case duplicateKey(String, offset: Int)
    case duplicateTensor(String, offset: Int)
    case badAlignment(UInt64)
    case unknownTensorType(tensor: String, offset: Int, type: UInt32)
    case invalidTensorShape(tensor: String, offset: Int, reason: String)
    case tensorOutOfBounds(tensor: String, start: UInt64, bytes: Int, fileSize: Int)
    /// `offset` is where the tensor's data-offset field sits in the file; `dataOffset` is its value.
    case misalignedTensor(tensor: String, offset: Int, dataOffset: UInt64, alignment: Int)
    case nestingTooDeep(key: String, offset: Int)
    /// A key, tensor name or string value longer than its documented limit (`ByteReader.maximum*Bytes`);
    /// `offset` is where its length field sits.
    case stringTooLong(field: String, offset: Int, bytes: Int, limit: Int)
    /// A tensor's data starts inside the data of `other`; `offset` is where its data-offset field sits.
    case overlappingTensors(tensor: String, offset: Int, other: String)
    /// A tensor's data does not start where the previous tensor's (padded) data ends: a gap in the data section.
    case unexpectedTensorOffset(tensor: String, offset: Int, dataOffset: Int, expected: Int)
    /// A string array whose elements span more bytes than a string table indexes (4 GiB); `offset` is where
    /// its elements begin.
    case arrayTooLarge(key: String, offset: Int, bytes: Int)
    case missingKey(String)
    case wrongType(key: String, expected: String, found: String)
    case missingTensor(String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open \(path): \(reason)"
        case let .truncated(field, offset, needed, available):
            return "file is truncated: \(field) at offset \(offset) needs \(needed) bytes, \(available) remain"
        case let .badMagic(found):
            let shown = found.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
            return "not a GGUF file: magic at offset 0 is \(shown), expected 47 47 55 46 (\"GGUF\")"
        case let .unsupportedVersion(version):
            return "unsupported GGUF version \(version) at offset 4 (supported: 2, 3)"
        case let .countTooLarge(field, offset, count):
            return "\(field) at offset \(offset) is \(count), more than the rest of the file can hold"
        case let .unknownValueType(key, offset, type):
            return "metadata key '\(key)' has unknown value type \(type) at offset \(offset)"
        case let .invalidString(field, offset):
            return "\(field) at offset \(offset) is not valid UTF-8"
        case let .duplicateKey(key, offset):
            return "metadata key '\(key)' appears twice (second at offset \(offset))"
        case let .duplicateTensor(name, offset):
            return "tensor '\(name)' appears twice (second at offset \(offset))"
        case let .badAlignment(value):
            return "general.alignment is \(value); it must be a non-zero power of two"
        case let .unknownTensorType(tensor, offset, type):
            return "tensor '\(tensor)' has unknown or unsupported type \(type) at offset \(offset)"
        case let .invalidTensorShape(tensor, offset, reason):
            return "tensor '\(tensor)' at offset \(offset) has an invalid shape: \(reason)"
        case let .tensorOutOfBounds(tensor, start, bytes, fileSize):
            return "tensor '\(tensor)' data (\(bytes) bytes at file offset \(start)) lies beyond the end of the file (\(fileSize) bytes)"
        case let .misalignedTensor(tensor, offset, dataOffset, alignment):
            return "tensor '\(tensor)' data offset \(dataOffset) (field at offset \(offset)) is not a multiple of the alignment \(alignment)"
        case let .nestingTooDeep(key, offset):
            return "metadata key '\(key)' nests arrays more than \(ByteReader.maximumArrayNesting) deep (at offset \(offset))"
        case let .stringTooLong(field, offset, bytes, limit):
            return "\(field) at offset \(offset) is \(bytes) bytes long; the limit is \(limit)"
        case let .overlappingTensors(tensor, offset, other):
            return "tensor '\(tensor)' data (offset field at \(offset)) overlaps the data of tensor '\(other)'"
        case let .unexpectedTensorOffset(tensor, offset, dataOffset, expected):
            return "tensor '\(tensor)' data offset \(dataOffset) (field at offset \(offset)) should be \(expected), "
                + "where the previous tensor's data ends: tensors must lie back to back in index order"
        case let .arrayTooLarge(key, offset, bytes):
            return "metadata array '\(key)' at offset \(offset) spans \(bytes) bytes; string arrays over 4 GiB are not supported"
        case let .missingKey(key):
            return "required metadata key '\(key)' is missing"
        case let .wrongType(key, expected, found):
            return "metadata key '\(key)' is \(found), expected \(expected)"
        case let .missingTensor(name):
            return "required tensor '\(name)' is missing"
        }
    }
}
