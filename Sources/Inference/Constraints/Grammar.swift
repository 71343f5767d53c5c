/// A context-free grammar that generated text must follow: `GenerationOptions.grammar` makes `Session.generate`
/// mask every token that cannot continue it (llama.cpp's `--grammar` / `--json-schema`).
///
/// Two ways to write one:
/// - GBNF, llama.cpp's grammar notation (grammars/README.md there): rules `name ::= ...`, alternation `|`,
///   grouping `( )`, `*` `+` `?`, `{m}` `{m,}` `{m,n}` `{,n}`, string literals `"..."`, character classes
///   `[a-z0-9_]` and negated ones `[^"\\]`, `.` for any character, escapes `\n \r \t \\ \" \[ \] \xHH \uHHHH
///   \UHHHHHHHH`, `#` comments. `root` is the start rule.
/// - A JSON schema (`Grammar(jsonSchema:)`), compiled to GBNF; `Grammar.gbnf(fromJSONSchema:)` shows the result.
///
/// ```swift
/// let yesNo = try Grammar(gbnf: #"root ::= ("yes" | "no") "."#)
/// let meds = try Grammar(jsonSchema: #"""
///     {"type": "array", "maxItems": 20, "items": {"type": "object",
///      "properties": {"name": {"type": "string", "maxLength": 60}, "dose": {"type": ["string", "null"]}},
///      "required": ["name", "dose"], "additionalProperties": false}}
///     """#)
/// var options = GenerationOptions(maxTokens: 400)
/// options.grammar = meds
/// let result = try session.generate(prompt: ids, options: options)   // result.text parses as the schema says
/// ```
///
/// The grammar is matched over bytes: a character class becomes the UTF-8 byte sequences of its characters, so
/// a token that ends in the middle of a character is judged exactly (it is allowed when some completion of the
/// character, and of the grammar, exists).
public struct Grammar: Sendable {
    /// The GBNF text the grammar was built from (for a JSON schema, the compiled text).
    public let gbnf: String
    let compiled: CompiledGrammar

    /// Parses a GBNF grammar whose start rule is `root`.
    public init(gbnf: String) throws(GrammarError) {
        self.gbnf = gbnf
        compiled = try GBNFParser.parse(gbnf)
    }

    /// Compiles a JSON schema (see `JSONSchemaCompiler` for the keywords understood); any other keyword is an
    /// error that names it and its path in the schema.
    public init(jsonSchema: String) throws(GrammarError) {
        try self.init(gbnf: Self.gbnf(fromJSONSchema: jsonSchema))
    }

    /// Whether the grammar matches all of `text`: what a constrained generation could have produced. For
    /// checking a text that did not come from a constrained generation (a saved draft, a test's example).
    public func matches(_ text: String) -> Bool {
        let matcher = GrammarMatcher(grammar: self, vocabulary: Self.byteVocabulary)
        for byte in text.utf8 {
            guard matcher.allows(Int32(byte)) else { return false }
            matcher.accept(Int32(byte))
        }
        return matcher.isComplete
    }

    /// One token per byte value.
    private static let byteVocabulary = TokenVocabulary(pieces: (0..<256).map { [UInt8($0)] }, endOfGeneration: [])

    /// The GBNF a JSON schema compiles to.
    public static func gbnf(fromJSONSchema schema: String) throws(GrammarError) -> String {
        try JSONSchemaCompiler.compile(try OrderedJSON.parse(schema))
    }
}

/// Why a grammar or schema was rejected. Lines and columns are 1-based and count characters.
public enum GrammarError: Error, Equatable, CustomStringConvertible {
    /// GBNF that does not parse.
    case syntax(line: Int, column: Int, message: String)
    /// A rule is used but never defined.
    case undefinedRule(name: String, line: Int, column: Int)
    case duplicateRule(name: String, line: Int, column: Int)
    case missingRoot
    /// A rule can reach itself without consuming a byte (`a ::= a "x"`), which no matcher can expand.
    case leftRecursion(rule: String)
    /// The root rule matches no finite string.
    case emptyLanguage
    /// The schema text is not JSON.
    case schemaSyntax(line: Int, column: Int, message: String)
    /// A schema keyword this compiler does not implement; `path` is a JSON pointer (`/properties/dose`).
    case unsupportedKeyword(keyword: String, path: String)
    /// A supported keyword with a value it cannot take (`"maxItems": -1`, `"type": "date"`).
    case invalidSchema(path: String, message: String)

    public var description: String {
        switch self {
        case let .syntax(line, column, message): return "grammar line \(line), column \(column): \(message)"
        case let .undefinedRule(name, line, column): return "grammar line \(line), column \(column): rule '\(name)' is not defined"
        case let .duplicateRule(name, line, column): return "grammar line \(line), column \(column): rule '\(name)' is defined twice"
        case .missingRoot: return "grammar has no 'root' rule"
        case let .leftRecursion(rule): return "grammar rule '\(rule)' is left-recursive (it can reach itself without consuming input)"
        case .emptyLanguage: return "grammar matches no finite string"
        case let .schemaSyntax(line, column, message): return "JSON schema line \(line), column \(column): \(message)"
        case let .unsupportedKeyword(keyword, path): return "JSON schema keyword '\(keyword)' at \(path.isEmpty ? "/" : path) is not supported"
        case let .invalidSchema(path, message): return "JSON schema at \(path.isEmpty ? "/" : path): \(message)"
        }
    }
}

/// 256 bits: the bytes one terminal accepts.
struct ByteSet: Hashable, Sendable {
    var words: SIMD4<UInt64> = .zero

    init() {}
    init(_ range: ClosedRange<UInt8>) { insert(range) }

    mutating func insert(_ range: ClosedRange<UInt8>) {
        for byte in range { words[Int(byte >> 6)] |= 1 << UInt64(byte & 63) }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool { words[Int(byte >> 6)] & (1 << UInt64(byte & 63)) != 0 }

    var isEmpty: Bool { words == .zero }
}

/// A grammar flattened for matching: each rule is a list of alternatives, each alternative a run of elements
/// in `elements` closed by `.end`. Every terminal is one byte set; rule references are by index.
struct CompiledGrammar: Sendable {
    enum Element: Sendable, Equatable {
        case bytes(ByteSet)
        case rule(Int32)
        case end
    }

    let elements: [Element]
    /// For each rule, the index in `elements` where each of its alternatives starts.
    let alternatives: [[Int32]]
    let ruleNames: [String]
    let root: Int32
}
