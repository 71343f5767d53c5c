import Foundation

/// Compiles a JSON schema to GBNF, after llama.cpp's `json-schema-to-grammar` (common/json-schema-to-grammar.cpp).
///
/// Understood: `type` (a name or a list: `["string", "null"]` is how to say nullable), `properties`, `required`,
/// `additionalProperties` (false, or a schema when there are no `properties`), `items`, `minItems`, `maxItems`,
/// `minLength`, `maxLength`, `enum`, `const`, `anyOf`, `oneOf`, local `$ref` (`#/$defs/x`, `#/definitions/x`),
/// and the annotations `title`, `description`, `$schema`, `$id`, `$comment`, `examples`, `default`.
/// Any other keyword throws `GrammarError.unsupportedKeyword` naming it and where it is: a keyword this
/// compiler ignored would let the model write something the schema forbids.
///
/// Choices, like llama.cpp's:
/// - properties come in schema order, required ones first, each optional one may be left out;
/// - an object with `properties` and no `additionalProperties` gets no other members (strict mode, as OpenAI's
///   structured outputs); an object without `properties` takes any members;
/// - `oneOf` is treated as `anyOf`;
/// - whitespace is bounded: at most two line breaks and 20 blanks between tokens, none after the value, so a
///   model cannot pad forever; numbers have at most 16 integer and 16 fraction digits.
enum JSONSchemaCompiler {
    static func compile(_ schema: JSONValue) throws(GrammarError) -> String {
        var builder = Builder(document: schema)
        let root = try builder.expression(schema, path: "", name: "root")
        builder.rules.insert(("root", root), at: 0)
        return builder.rules.map { "\($0.name) ::= \($0.body)" }.joined(separator: "\n") + "\n"
    }

    private static let annotations: Set<String> = [
        "title", "description", "$schema", "$id", "$comment", "examples", "default", "$defs", "definitions",
    ]
    private static let keywords: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "minLength",
        "maxLength", "enum", "const", "anyOf", "oneOf", "$ref",
    ]

    /// Shared rules, added when first used, with the rules each needs.
    private static let primitives: [String: (body: String, needs: [String])] = [
        "space": (#"| " " | "\n"{1,2} [ \t]{0,20}"#, []),
        "char": (#"[^"\\\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})"#, []),
        "string": (#""\"" char* "\"""#, ["char"]),
        "integer": (#""-"? ("0" | [1-9] [0-9]{0,15})"#, []),
        "number": (#"integer ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?"#, ["integer"]),
        "boolean": (#""true" | "false""#, []),
        "null": (#""null""#, []),
        "value": ("object | array | string | number | boolean | null", ["object", "array", "string", "number", "boolean", "null"]),
        "object": (#""{" space ( member ( space "," space member )* space )? "}""#, ["member", "space"]),
        "member": (#"string space ":" space value"#, ["string", "space", "value"]),
        "array": (#""[" space ( value ( space "," space value )* space )? "]""#, ["value", "space"]),
    ]

    private struct Builder {
        let document: JSONValue
        var rules: [(name: String, body: String)] = []
        private var names: Set<String> = ["root"]
        /// Rule names of `$ref` targets, so a recursive reference resolves to the rule being built.
        private var references: [String: String] = [:]

        init(document: JSONValue) { self.document = document }

        /// A GBNF expression (a rule name or a parenthesized choice) matching exactly the instances written.
        mutating func expression(_ schema: JSONValue, path: String, name: String) throws(GrammarError) -> String {
            guard case let .object(members) = schema else {
                if schema == .bool(true) { return primitive("value") }
                if schema == .bool(false) { throw .invalidSchema(path: path, message: "the schema false matches nothing") }
                throw .invalidSchema(path: path, message: "a schema must be an object or a boolean")
            }
            for member in members where !keywords.contains(member.key) && !annotations.contains(member.key) {
                throw .unsupportedKeyword(keyword: member.key, path: path)
            }
            if let target = schema["$ref"] {
                guard members.allSatisfy({ $0.key == "$ref" || annotations.contains($0.key) }) else {
                    throw .invalidSchema(path: path, message: "$ref alongside other keywords is not supported")
                }
                return try reference(target, path: path + "/$ref")
            }
            if let value = schema["const"] { return literal(value) }
            if let values = schema["enum"] {
                guard case let .array(items) = values, !items.isEmpty else {
                    throw .invalidSchema(path: path + "/enum", message: "enum must be a non-empty array")
                }
                return "(" + items.map(literal).joined(separator: " | ") + ")"
            }
            for keyword in ["anyOf", "oneOf"] {
                guard let options = schema[keyword] else { continue }
                guard case let .array(items) = options, !items.isEmpty else {
                    throw .invalidSchema(path: path + "/" + keyword, message: "\(keyword) must be a non-empty array")
                }
                var alternatives: [String] = []
                for (i, item) in items.enumerated() {
                    alternatives.append(try expression(item, path: "\(path)/\(keyword)/\(i)", name: "\(name)-\(i)"))
                }
                return "(" + alternatives.joined(separator: " | ") + ")"
            }
            let types = try typeNames(schema, path: path)
            var alternatives: [String] = []
            for type in types { alternatives.append(try typed(type, schema, path: path, name: name)) }
            return alternatives.count == 1 ? alternatives[0] : "(" + alternatives.joined(separator: " | ") + ")"
        }

        /// `type` as a list; without one, what the other keywords imply (or any value).
        private func typeNames(_ schema: JSONValue, path: String) throws(GrammarError) -> [String] {
            let known = ["null", "boolean", "integer", "number", "string", "array", "object"]
            switch schema["type"] {
            case let .string(type)?:
                guard known.contains(type) else { throw .invalidSchema(path: path + "/type", message: "unknown type '\(type)'") }
                return [type]
            case let .array(items)?:
                var types: [String] = []
                for item in items {
                    guard case let .string(type) = item, known.contains(type) else {
                        throw .invalidSchema(path: path + "/type", message: "unknown type \(item.serialized)")
                    }
                    if !types.contains(type) { types.append(type) }
                }
                guard !types.isEmpty else { throw .invalidSchema(path: path + "/type", message: "an empty type list matches nothing") }
                return types
            case nil:
                if ["properties", "required", "additionalProperties"].contains(where: { schema[$0] != nil }) { return ["object"] }
                if ["items", "minItems", "maxItems"].contains(where: { schema[$0] != nil }) { return ["array"] }
                if ["minLength", "maxLength"].contains(where: { schema[$0] != nil }) { return ["string"] }
                return ["value"]
            case let other?:
                throw .invalidSchema(path: path + "/type", message: "type must be a string or a list, not \(other.serialized)")
            }
        }

        private mutating func typed(_ type: String, _ schema: JSONValue, path: String, name: String) throws(GrammarError) -> String {
            switch type {
            case "string": return try string(schema, path: path)
            case "array": return try array(schema, path: path, name: name)
            case "object": return try object(schema, path: path, name: name)
            default: return primitive(type)
            }
        }

        private mutating func string(_ schema: JSONValue, path: String) throws(GrammarError) -> String {
            let minimum = try count(schema, "minLength", path: path) ?? 0
            let maximum = try count(schema, "maxLength", path: path)
            if minimum == 0 && maximum == nil { return primitive("string") }
            try requireOrdered(minimum, maximum, path: path, "minLength", "maxLength")
            let rule = "string-\(minimum)-\(maximum.map(String.init) ?? "")"
            if !names.contains(rule) {
                _ = primitive("char")
                names.insert(rule)
                rules.append((rule, #""\"" char{\#(minimum),\#(maximum.map(String.init) ?? "")} "\"""#))
            }
            return rule
        }

        private mutating func array(_ schema: JSONValue, path: String, name: String) throws(GrammarError) -> String {
            let minimum = try count(schema, "minItems", path: path) ?? 0
            let maximum = try count(schema, "maxItems", path: path)
            try requireOrdered(minimum, maximum, path: path, "minItems", "maxItems")
            var item = "value"
            if let items = schema["items"] {
                item = try expression(items, path: path + "/items", name: name + "-item")
            } else {
                _ = primitive("value")
            }
            _ = primitive("space")
            let rule = unique(name)
            let body: String
            if maximum == 0 {
                body = #""[" space "]""#
            } else {
                let more = "( space \",\" space \(item) ){\(max(minimum - 1, 0)),\(maximum.map { String($0 - 1) } ?? "")}"
                let items = "\(item) \(more) space"
                body = minimum == 0 ? "\"[\" space ( \(items) )? \"]\"" : "\"[\" space \(items) \"]\""
            }
            rules.append((rule, body))
            return rule
        }

        private mutating func object(_ schema: JSONValue, path: String, name: String) throws(GrammarError) -> String {
            var properties: [JSONMember] = []
            if let value = schema["properties"] {
                guard case let .object(members) = value else {
                    throw .invalidSchema(path: path + "/properties", message: "properties must be an object")
                }
                properties = members
            }
            var required: [String] = []
            if let value = schema["required"] {
                guard case let .array(items) = value else {
                    throw .invalidSchema(path: path + "/required", message: "required must be an array of names")
                }
                for item in items {
                    guard case let .string(key) = item, properties.contains(where: { $0.key == key }) else {
                        throw .invalidSchema(path: path + "/required",
                                             message: "required names \(item.serialized), which is not in properties")
                    }
                    required.append(key)
                }
            }
            let additional = schema["additionalProperties"]
            _ = primitive("space")
            if properties.isEmpty {
                switch additional {
                case nil, .bool(true)?: return primitive("object")
                case .bool(false)?: return #""{" space "}""#
                case let value?:
                    let valueRule = try expression(value, path: path + "/additionalProperties", name: name + "-value")
                    _ = primitive("string")
                    let rule = unique(name)
                    let member = "string space \":\" space \(valueRule)"
                    rules.append((rule, "\"{\" space ( \(member) ( space \",\" space \(member) )* space )? \"}\""))
                    return rule
                }
            }
            if let additional, additional != .bool(false) {
                throw .invalidSchema(path: path + "/additionalProperties",
                                     message: "only false is supported alongside properties")
            }
            // Each member as `"key" space ":" space value`, required ones first, both in schema order.
            var members: [(key: String, rule: String)] = []
            for property in properties {
                let value = try expression(property.value, path: path + "/properties/" + Self.pointerEscaped(property.key),
                                           name: name + "-" + Self.sanitized(property.key))
                let key = Self.gbnfLiteral(JSONValue.quote(property.key))
                members.append((property.key, "\(key) space \":\" space \(value)"))
            }
            let mandatory = members.filter { required.contains($0.key) }.map(\.rule)
            let optional = members.filter { !required.contains($0.key) }.map(\.rule)
            let rule = unique(name)
            // Optional members as llama.cpp's chain: rest_i ::= m_i (sep rest_{i+1})? | rest_{i+1}, which lets
            // any subset appear in order.
            var rest: String?
            for member in optional.reversed() {
                let chain = unique(rule + "-rest")
                let tail = rest.map { " ( space \",\" space \($0) )?" } ?? ""
                rules.append((chain, member + tail + (rest.map { " | \($0)" } ?? "")))
                rest = chain
            }
            var body = mandatory.joined(separator: " space \",\" space ")
            if let rest { body = mandatory.isEmpty ? "( \(rest) space )?" : body + " ( space \",\" space \(rest) )?" }
            rules.append((rule, "\"{\" space \(body)\(mandatory.isEmpty ? "" : " space") \"}\""))
            return rule
        }

        /// `#/$defs/name` or `#/definitions/name` (any JSON pointer into the document), as a rule of its own.
        private mutating func reference(_ target: JSONValue, path: String) throws(GrammarError) -> String {
            guard case let .string(pointer) = target, pointer.hasPrefix("#") else {
                throw .invalidSchema(path: path, message: "only local references (#/...) are supported")
            }
            if let rule = references[pointer] { return rule }
            var node = document
            for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                guard let next = node[key] else {
                    throw .invalidSchema(path: path, message: "\(pointer) does not resolve")
                }
                node = next
            }
            let rule = unique("ref-" + Self.sanitized(String(pointer.split(separator: "/").last ?? "root")))
            references[pointer] = rule
            let body = try expression(node, path: String(pointer.dropFirst()), name: rule)
            rules.append((rule, body))
            return rule
        }

        private func count(_ schema: JSONValue, _ keyword: String, path: String) throws(GrammarError) -> Int? {
            guard let value = schema[keyword] else { return nil }
            guard case let .number(text) = value, let count = Int(text), count >= 0,
                  count <= GBNFParser.maximumRepetition else {
                throw .invalidSchema(path: path + "/" + keyword,
                                     message: "\(keyword) must be an integer from 0 to \(GBNFParser.maximumRepetition)")
            }
            return count
        }

        private func requireOrdered(_ minimum: Int, _ maximum: Int?, path: String, _ low: String, _ high: String)
            throws(GrammarError) {
            if let maximum, maximum < minimum {
                throw .invalidSchema(path: path, message: "\(high) \(maximum) is below \(low) \(minimum)")
            }
        }

        /// The exact JSON text of `value`, as a GBNF string literal.
        private func literal(_ value: JSONValue) -> String { Self.gbnfLiteral(value.serialized) }

        /// Adds a shared rule (and what it uses) once; returns its name.
        private mutating func primitive(_ name: String) -> String {
            guard !names.contains(name), let (body, needs) = primitives[name] else { return name }
            names.insert(name)
            rules.append((name, body))
            for need in needs { _ = primitive(need) }
            return name
        }

        private mutating func unique(_ base: String) -> String {
            var name = base
            var suffix = 1
            while names.contains(name) || primitives[name] != nil {
                suffix += 1
                name = "\(base)-\(suffix)"
            }
            names.insert(name)
            return name
        }

        static func gbnfLiteral(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }

        /// A rule-name-safe form of a property name.
        static func sanitized(_ text: String) -> String {
            let safe = text.unicodeScalars.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "-" }
            return safe.isEmpty ? "x" : String(safe)
        }

        /// A property name as a JSON pointer token (RFC 6901).
        static func pointerEscaped(_ key: String) -> String {
            key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }
    }
}
