/// Incremental, validating UTF-8 decoder that knows the absolute byte offset of every error.
///
/// Input arrives in blocks of any size; a sequence split across blocks is held until its end arrives.
public struct UTF8StreamDecoder: Sendable {
    private var pending: [UInt8] = []
    /// Bytes consumed before `pending`.
    public private(set) var byteOffset = 0

    public init() {}

    /// Decodes `bytes` (the next block of the stream), appending scalars to `output`.
    public mutating func decode(_ bytes: some Collection<UInt8>, into output: inout [Unicode.Scalar]) throws(InputError) {
        var buffer = pending
        buffer.append(contentsOf: bytes)
        pending.removeAll(keepingCapacity: true)
        var i = 0
        let n = buffer.count
        output.reserveCapacity(output.count + n)
        while i < n {
            let b0 = buffer[i]
            if b0 < 0x80 { output.append(Unicode.Scalar(b0)); i += 1; continue }
            let length: Int
            var value: UInt32
            switch b0 {
            case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
            case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F)
            case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07)
            default: throw .invalidUTF8(byteOffset: byteOffset + i)
            }
            if i + length > n {
                // Check what is there, then wait for the rest.
                for k in 1..<(n - i) where buffer[i + k] & 0xC0 != 0x80 { throw .invalidUTF8(byteOffset: byteOffset + i) }
                pending = Array(buffer[i...])
                byteOffset += i
                return
            }
            for k in 1..<length {
                let b = buffer[i + k]
                guard b & 0xC0 == 0x80 else { throw .invalidUTF8(byteOffset: byteOffset + i) }
                value = value << 6 | UInt32(b & 0x3F)
            }
            // Reject overlong forms, surrogates and values past U+10FFFF.
            let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard value >= minimum, let scalar = Unicode.Scalar(value) else { throw .invalidUTF8(byteOffset: byteOffset + i) }
            output.append(scalar)
            i += length
        }
        byteOffset += n
    }

    /// Call at end of input: a sequence still open is an error.
    public func finish() throws(InputError) {
        if !pending.isEmpty { throw .truncatedUTF8(byteOffset: byteOffset) }
    }
}

/// Problems with the input text. Messages carry offsets, never text.
public enum InputError: Error, CustomStringConvertible, Equatable {
    case invalidUTF8(byteOffset: Int)
    case truncatedUTF8(byteOffset: Int)

    public var description: String {
        switch self {
        case let .invalidUTF8(offset): return "invalid UTF-8 at byte offset \(offset)"
        case let .truncatedUTF8(offset): return "input ends inside a UTF-8 sequence starting at byte offset \(offset)"
        }
    }
}
