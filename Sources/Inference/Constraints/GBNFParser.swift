/// A grammar as written, before lowering: what the GBNF parser builds.
indirect enum GrammarNode {
    case bytes(ByteSet)
    case sequence([GrammarNode])
    case choice([GrammarNode])
    /// A rule used by name; `offset` (in Unicode scalars) locates it for an error.
    case reference(String, offset: Int)
    /// `max == nil`: unbounded.
    case repeated(GrammarNode, min: Int, max: Int?)
}

/// llama.cpp's GBNF (src/llama-grammar.cpp `llama_grammar_parser`), parsed by recursive descent. As there, a rule
/// ends at the end of its line unless the line ends inside parentheses or after `|`.
struct GBNFParser {
    /// Repetition counts beyond this are rejected: each count is a rule in the lowered grammar.
    static let maximumRepetition = 100_000

    private let text: [Unicode.Scalar]
    private var index = 0
    private var definitions: [(name: String, body: GrammarNode, offset: Int)] = []

    private init(_ text: String) { self.text = Array(text.unicodeScalars) }

    static func parse(_ text: String) throws(GrammarError) -> CompiledGrammar {
        var parser = GBNFParser(text)
        try parser.parseRules()
        return try GrammarLowering.lower(parser.definitions, locate: parser.position)
    }

    // MARK: Rules

    private mutating func parseRules() throws(GrammarError) {
        skipSpace(newlines: true)
        while index < text.count {
            let start = index
            guard let name = parseName() else { throw error("expected a rule name") }
            skipSpace(newlines: false)
            guard consume("::=") else { throw error("expected '::=' after rule name '\(name)'") }
            skipSpace(newlines: true)
            let body = try parseAlternatives(nested: false)
            definitions.append((name, body, start))
            skipSpace(newlines: false)
            guard index == text.count || isNewline(text[index]) else { throw error("unexpected '\(text[index])'") }
            skipSpace(newlines: true)
        }
    }

    private mutating func parseAlternatives(nested: Bool) throws(GrammarError) -> GrammarNode {
        var alternatives = [try parseSequence(nested: nested)]
        while peek("|") {
            index += 1
            skipSpace(newlines: true)
            alternatives.append(try parseSequence(nested: nested))
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    private mutating func parseSequence(nested: Bool) throws(GrammarError) -> GrammarNode {
        var items: [GrammarNode] = []
        while index < text.count {
            let c = text[index]
            let item: GrammarNode
            if c == "\"" {
                item = try parseLiteral()
            } else if c == "[" {
                item = try parseClass()
            } else if c == "." {
                index += 1
                item = UTF8Ranges.node(for: [0...0x10FFFF])
            } else if c == "(" {
                index += 1
                skipSpace(newlines: true)
                item = try parseAlternatives(nested: true)
                skipSpace(newlines: true)
                guard consume(")") else { throw error("expected ')'") }
            } else if Self.isNameScalar(c) {
                let offset = index
                item = .reference(parseName()!, offset: offset)
            } else {
                break
            }
            items.append(try parsePostfix(item))
            skipSpace(newlines: nested)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func parsePostfix(_ item: GrammarNode) throws(GrammarError) -> GrammarNode {
        var item = item
        while index < text.count {
            switch text[index] {
            case "*": item = .repeated(item, min: 0, max: nil)
            case "+": item = .repeated(item, min: 1, max: nil)
            case "?": item = .repeated(item, min: 0, max: 1)
            case "{": item = try parseBraces(item); continue
            default: return item
            }
            index += 1
        }
        return item
    }

    /// `{m}`, `{m,}`, `{m,n}`, `{,n}`.
    private mutating func parseBraces(_ item: GrammarNode) throws(GrammarError) -> GrammarNode {
        let open = index
        index += 1
        skipSpace(newlines: false)
        let low = parseCount()
        skipSpace(newlines: false)
        var high = low
        if consume(",") {
            skipSpace(newlines: false)
            high = parseCount()
            skipSpace(newlines: false)
        } else if low == nil {
            throw error("expected a count in '{...}'")
        }
        guard consume("}") else { throw error("expected '}'") }
        let minimum = low ?? 0
        if let high, high < minimum {
            index = open
            throw error("repetition {\(minimum),\(high)}: the maximum is below the minimum")
        }
        guard max(minimum, high ?? 0) <= Self.maximumRepetition else {
            index = open
            throw error("repetition count above \(Self.maximumRepetition)")
        }
        return .repeated(item, min: minimum, max: high)
    }

    private mutating func parseCount() -> Int? {
        var value: Int?
        while index < text.count, ("0"..."9").contains(text[index]) {
            let digit = Int(text[index].value - UInt32(("0" as Unicode.Scalar).value))
            value = min((value ?? 0) * 10 + digit, Self.maximumRepetition + 1)
            index += 1
        }
        return value
    }

    // MARK: Terminals

    private mutating func parseLiteral() throws(GrammarError) -> GrammarNode {
        index += 1
        var bytes: [GrammarNode] = []
        while true {
            guard index < text.count, !isNewline(text[index]) else { throw error("unterminated string literal") }
            if text[index] == "\"" { index += 1; break }
            for byte in String(try parseCharacter()).utf8 { bytes.append(.bytes(ByteSet(byte...byte))) }
        }
        return bytes.count == 1 ? bytes[0] : .sequence(bytes)
    }

    private mutating func parseClass() throws(GrammarError) -> GrammarNode {
        index += 1
        let negated = consume("^")
        var ranges: [ClosedRange<UInt32>] = []
        while true {
            guard index < text.count, !isNewline(text[index]) else { throw error("unterminated character class") }
            if text[index] == "]" { index += 1; break }
            let low = try parseCharacter().value
            var high = low
            if peek("-"), index + 1 < text.count, text[index + 1] != "]", !isNewline(text[index + 1]) {
                index += 1
                let rangeStart = index
                high = try parseCharacter().value
                guard high >= low else {
                    index = rangeStart
                    throw error("character range ends before it starts")
                }
            }
            ranges.append(low...high)
        }
        return UTF8Ranges.node(for: ranges, negated: negated)
    }

    /// One character of a literal or class, with its escape decoded.
    private mutating func parseCharacter() throws(GrammarError) -> Unicode.Scalar {
        let c = text[index]
        index += 1
        guard c == "\\" else { return c }
        guard index < text.count else { throw error("escape at end of input") }
        let escape = text[index]
        index += 1
        switch escape {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "\\", "\"", "[", "]", "-", "/", "^": return escape
        case "x": return try parseHex(digits: 2)
        case "u": return try parseHex(digits: 4)
        case "U": return try parseHex(digits: 8)
        default:
            index -= 2
            throw error("unknown escape '\\\(escape)'")
        }
    }

    private mutating func parseHex(digits: Int) throws(GrammarError) -> Unicode.Scalar {
        let start = index - 2
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard index < text.count, text[index].isASCII, let digit = UInt32(String(text[index]), radix: 16) else {
                index = start
                throw error("expected \(digits) hexadecimal digits")
            }
            value = value << 4 | digit
            index += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            index = start
            throw error("U+\(String(value, radix: 16, uppercase: true)) is not a Unicode scalar")
        }
        return scalar
    }

    // MARK: Lexing

    private static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "_"
    }

    private mutating func parseName() -> String? {
        let start = index
        while index < text.count, Self.isNameScalar(text[index]) { index += 1 }
        return index > start ? String(String.UnicodeScalarView(text[start..<index])) : nil
    }

    private func isNewline(_ c: Unicode.Scalar) -> Bool { c == "\n" || c == "\r" }

    /// Skips blanks and `#` comments, and line breaks too when `newlines`.
    private mutating func skipSpace(newlines: Bool) {
        while index < text.count {
            let c = text[index]
            if c == "#" {
                while index < text.count, !isNewline(text[index]) { index += 1 }
            } else if c == " " || c == "\t" || (newlines && isNewline(c)) {
                index += 1
            } else {
                return
            }
        }
    }

    private func peek(_ c: Unicode.Scalar) -> Bool { index < text.count && text[index] == c }

    private mutating func consume(_ token: String) -> Bool {
        let scalars = Array(token.unicodeScalars)
        guard index + scalars.count <= text.count, Array(text[index..<(index + scalars.count)]) == scalars else {
            return false
        }
        index += scalars.count
        return true
    }

    private func error(_ message: String) -> GrammarError {
        let (line, column) = position(index)
        return .syntax(line: line, column: column, message: message)
    }

    /// 1-based line and column of scalar `offset`.
    private func position(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for c in text[..<min(offset, text.count)] {
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}

/// Turns parsed rules into `CompiledGrammar`: groups, alternations and repetitions inside a sequence become
/// rules of their own (as llama.cpp's parser generates `root_1`, `root_2`, ...), so every alternative is a flat
/// run of byte sets and rule references.
struct GrammarLowering {
    private var elements: [CompiledGrammar.Element] = []
    private var alternatives: [[Int32]] = []
    private var names: [String] = []
    private var ids: [String: Int32] = [:]
    private let locate: (Int) -> (line: Int, column: Int)

    static func lower(_ definitions: [(name: String, body: GrammarNode, offset: Int)],
                      locate: @escaping (Int) -> (line: Int, column: Int)) throws(GrammarError) -> CompiledGrammar {
        var lowering = GrammarLowering(locate: locate)
        for definition in definitions {
            guard lowering.ids[definition.name] == nil else {
                let (line, column) = locate(definition.offset)
                throw .duplicateRule(name: definition.name, line: line, column: column)
            }
            lowering.ids[definition.name] = lowering.newRule(definition.name)
        }
        guard let root = lowering.ids["root"] else { throw .missingRoot }
        for definition in definitions {
            try lowering.define(lowering.ids[definition.name]!, definition.body)
        }
        let grammar = CompiledGrammar(elements: lowering.elements, alternatives: lowering.alternatives,
                                      ruleNames: lowering.names, root: root)
        try LeftRecursionCheck.verify(grammar)
        return try pruned(grammar)
    }

    /// Drops every alternative that can never match a finite string (it uses a rule with no finite match,
    /// like `a ::= "x" a`, or an empty class), so that a live parse state always has a completion: the matcher
    /// relies on that to allow a token as soon as its bytes leave some stack alive.
    private static func pruned(_ grammar: CompiledGrammar) throws(GrammarError) -> CompiledGrammar {
        func finishes(_ start: Int32, _ productive: [Bool]) -> Bool {
            var position = Int(start)
            while true {
                switch grammar.elements[position] {
                case .end: return true
                case let .bytes(set): if set.isEmpty { return false }
                case let .rule(rule): if !productive[Int(rule)] { return false }
                }
                position += 1
            }
        }
        var productive = [Bool](repeating: false, count: grammar.alternatives.count)
        var changed = true
        while changed {
            changed = false
            for rule in productive.indices where !productive[rule] {
                if grammar.alternatives[rule].contains(where: { finishes($0, productive) }) {
                    productive[rule] = true
                    changed = true
                }
            }
        }
        guard productive[Int(grammar.root)] else { throw .emptyLanguage }
        return CompiledGrammar(elements: grammar.elements,
                               alternatives: grammar.alternatives.map { $0.filter { finishes($0, productive) } },
                               ruleNames: grammar.ruleNames, root: grammar.root)
    }

    private mutating func newRule(_ name: String) -> Int32 {
        names.append(name)
        alternatives.append([])
        return Int32(names.count - 1)
    }

    /// Lowers `body` into rule `id`. Each alternative's elements are collected first (which may define
    /// helper rules) and only then appended, so one alternative's elements stay contiguous.
    private mutating func define(_ id: Int32, _ body: GrammarNode) throws(GrammarError) {
        let branches: [GrammarNode]
        if case let .choice(options) = body { branches = options } else { branches = [body] }
        var lowered: [[CompiledGrammar.Element]] = []
        for branch in branches { lowered.append(try flatten(branch, owner: id)) }
        emit(id, lowered)
    }

    private mutating func emit(_ id: Int32, _ branches: [[CompiledGrammar.Element]]) {
        for branch in branches {
            alternatives[Int(id)].append(Int32(elements.count))
            elements += branch
            elements.append(.end)
        }
    }

    private mutating func flatten(_ node: GrammarNode, owner: Int32) throws(GrammarError) -> [CompiledGrammar.Element] {
        switch node {
        case let .bytes(set):
            return [.bytes(set)]
        case let .sequence(items):
            var result: [CompiledGrammar.Element] = []
            for item in items { result += try flatten(item, owner: owner) }
            return result
        case .choice:
            let helper = newRule(helperName(owner))
            try define(helper, node)
            return [.rule(helper)]
        case let .reference(name, offset):
            guard let id = ids[name] else {
                let (line, column) = locate(offset)
                throw .undefinedRule(name: name, line: line, column: column)
            }
            return [.rule(id)]
        case let .repeated(item, minimum, maximum):
            var unit = try flatten(item, owner: owner)
            if unit.count != 1 {
                let helper = newRule(helperName(owner))
                emit(helper, [unit])
                unit = [.rule(helper)]
            }
            var result = Array(repeating: unit[0], count: minimum)
            if let maximum {
                // x{0,k}: opt_k ::= x opt_{k-1} | ε, built from opt_1 ::= x | ε upwards.
                var optional: CompiledGrammar.Element?
                for _ in 0..<(maximum - minimum) {
                    let rule = newRule(helperName(owner))
                    emit(rule, [[unit[0]] + (optional.map { [$0] } ?? []), []])
                    optional = .rule(rule)
                }
                if let optional { result.append(optional) }
            } else {
                // x*: star ::= x star | ε (right recursion; the matcher pops it without growing its stack).
                let star = newRule(helperName(owner))
                emit(star, [[unit[0], .rule(star)], []])
                result.append(.rule(star))
            }
            return result
        }
    }

    private func helperName(_ owner: Int32) -> String { "\(names[Int(owner)])_\(names.count)" }
}

/// Rejects grammars in which a rule can reach itself before consuming any byte: expanding such a rule would
/// never reach a terminal. llama.cpp rejects them the same way (`llama_grammar_detect_left_recursion`).
enum LeftRecursionCheck {
    static func verify(_ grammar: CompiledGrammar) throws(GrammarError) {
        let ruleCount = grammar.alternatives.count
        // Rules that can match the empty string, to a fixed point.
        var nullable = [Bool](repeating: false, count: ruleCount)
        var changed = true
        while changed {
            changed = false
            for rule in 0..<ruleCount where !nullable[rule] {
                if grammar.alternatives[rule].contains(where: { prefixIsNullable(grammar, from: $0, nullable) }) {
                    nullable[rule] = true
                    changed = true
                }
            }
        }
        // Edges to the rules each rule can start with; a cycle is left recursion.
        var leading = [[Int32]](repeating: [], count: ruleCount)
        for rule in 0..<ruleCount {
            for start in grammar.alternatives[rule] {
                var position = Int(start)
                while case let .rule(next) = grammar.elements[position] {
                    leading[rule].append(next)
                    guard nullable[Int(next)] else { break }
                    position += 1
                }
            }
        }
        var state = [UInt8](repeating: 0, count: ruleCount)  // 0 unseen, 1 on the path, 2 done
        func visit(_ rule: Int) -> Int? {
            state[rule] = 1
            for next in leading[rule] {
                if state[Int(next)] == 1 { return Int(next) }
                if state[Int(next)] == 0, let cycle = visit(Int(next)) { return cycle }
            }
            state[rule] = 2
            return nil
        }
        for rule in 0..<ruleCount where state[rule] == 0 {
            if let cycle = visit(rule) { throw .leftRecursion(rule: grammar.ruleNames[cycle]) }
        }
    }

    /// Whether the alternative starting at `start` can match the empty string.
    private static func prefixIsNullable(_ grammar: CompiledGrammar, from start: Int32, _ nullable: [Bool]) -> Bool {
        var position = Int(start)
        while true {
            switch grammar.elements[position] {
            case .end: return true
            case .bytes: return false
            case let .rule(rule):
                guard nullable[Int(rule)] else { return false }
                position += 1
            }
        }
    }
}
