/// JSON with object members in document order, which `JSONSerialization` does not keep: a schema's
/// property order is the order the compiled grammar asks for them in. Numbers keep their source text.
indirect enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The member named `key`, if any.
    subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Compact JSON text: no whitespace, strings escaped minimally (`"`, `\`, control characters).
    var serialized: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return value ? "true" : "false"
        case let .number(text): return text
        case let .string(text): return Self.quote(text)
        case let .array(items): return "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case let .object(members):
            return "{" + members.map { Self.quote($0.key) + ":" + $0.value.serialized }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

struct JSONMember: Equatable {
    let key: String
    let value: JSONValue
}

/// A strict RFC 8259 parser (no comments, no trailing commas) whose errors carry line and column.
struct OrderedJSON {
    private let bytes: [UInt8]
    private var index = 0
    /// Nesting deeper than this is rejected rather than recursed into.
    private static let maximumDepth = 512

    static func parse(_ text: String) throws(GrammarError) -> JSONValue {
        var parser = OrderedJSON(bytes: Array(text.utf8))
        parser.skipSpace()
        let value = try parser.parseValue(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func parseValue(depth: Int) throws(GrammarError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) deep") }
        guard index < bytes.count else { throw error("expected a value, found the end") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [JSONMember] = []
            skipSpace()
            if consume("}") { return .object(members) }
            repeat {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try parseString()
                skipSpace()
                guard consume(":") else { throw error("expected ':'") }
                skipSpace()
                members.append(JSONMember(key: key, value: try parseValue(depth: depth + 1)))
                skipSpace()
            } while consume(",")
            guard consume("}") else { throw error("expected ',' or '}'") }
            return .object(members)
        case UInt8(ascii: "["):
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if consume("]") { return .array(items) }
            repeat {
                skipSpace()
                items.append(try parseValue(depth: depth + 1))
                skipSpace()
            } while consume(",")
            guard consume("]") else { throw error("expected ',' or ']'") }
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t") where consume("true"): return .bool(true)
        case UInt8(ascii: "f") where consume("false"): return .bool(false)
        case UInt8(ascii: "n") where consume("null"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error("unexpected character")
        }
    }

    private mutating func parseNumber() throws(GrammarError) -> String {
        let start = index
        _ = consume("-")
        guard digits() > 0 else { throw error("expected a digit") }
        if bytes[start] == UInt8(ascii: "-") ? bytes[start + 1] == UInt8(ascii: "0") && index - start > 2
            : bytes[start] == UInt8(ascii: "0") && index - start > 1 {
            index = start
            throw error("a number cannot start with 0")
        }
        if consume(".") { guard digits() > 0 else { throw error("expected a digit after '.'") } }
        if consume("e") || consume("E") {
            if !consume("+") { _ = consume("-") }
            guard digits() > 0 else { throw error("expected an exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    private mutating func parseString() throws(GrammarError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run = index  // start of the bytes not yet copied
        func flush(_ end: Int) { scalars += String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars }
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(index)
                index += 1
                return String(scalars)
            }
            guard byte >= 0x20 else { throw error("control character in a string") }
            guard byte == UInt8(ascii: "\\") else { index += 1; continue }
            flush(index)
            index += 1
            guard index < bytes.count else { throw error("unterminated string") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escape))
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var value = try hex4()
                if (0xD800...0xDBFF).contains(value), consume("\\u") {
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { throw error("unpaired surrogate") }
                scalars.append(scalar)
            default:
                index -= 2
                throw error("unknown escape")
            }
            run = index
        }
    }

    private mutating func hex4() throws(GrammarError) -> UInt32 {
        guard index + 4 <= bytes.count,
              let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
            throw error("expected 4 hexadecimal digits")
        }
        index += 4
        return value
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func consume(_ token: String) -> Bool {
        let token = Array(token.utf8)
        guard index + token.count <= bytes.count, bytes[index..<(index + token.count)].elementsEqual(token) else {
            return false
        }
        index += token.count
        return true
    }

    private func error(_ message: String) -> GrammarError {
        var line = 1, column = 1
        // Columns count characters: continuation bytes do not start one.
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return .schemaSyntax(line: line, column: column, message: message)
    }
}
