import Foundation
import XCTest
@testable import Inference

/// GBNF parsing, its errors, and JSON schemas compiled to grammars, judged by which strings each accepts: a
/// string is accepted when every byte is allowed in turn (on a vocabulary of the 256 single bytes) and end of
/// generation is allowed after the last.
final class GrammarTests: XCTestCase {
    // MARK: GBNF

    func testGBNFNotation() throws {
        let grammar = try Grammar(gbnf: #"""
            # a comment line
            root  ::= greeting ("," ws name)? "!"{1,3}   # trailing comment
            greeting ::= "hi" | "hello"
            name ::= [A-Z] [a-z]* | "\"" [^"\n]+ "\""
            ws ::= [ \t]{0,2}
            """#)
        for text in ["hi!", "hello, Ann!!!", "hi,Bo!", "hi,\t\"q é\"!", "hi,  Zed!!"] {
            XCTAssertTrue(accepts(grammar, text), text)
        }
        for text in ["hi", "hi!!!!", "hey!", "hi, ann!", "hi,   Ann!", "hi, \"\"!", "hi, \"a\nb\"!"] {
            XCTAssertFalse(accepts(grammar, text), text)
        }
    }

    func testRepetitionForms() throws {
        let grammar = try Grammar(gbnf: #"root ::= "a"{2} "b"{1,} "c"{,2} "d"{0,1} [0-9]{2,3}"#)
        for text in ["aab00", "aabbbcc000", "aabcd12"] { XCTAssertTrue(accepts(grammar, text), text) }
        for text in ["ab00", "aaab00", "aa00", "aabccc00", "aab0", "aab0000", "aabdd00"] {
            XCTAssertFalse(accepts(grammar, text), text)
        }
    }

    func testEscapesAndAnyCharacter() throws {
        let grammar = try Grammar(gbnf: #"root ::= "\x41\u00e9\U0001F600\t\\\"" [\[\]\-] . "\n""#)
        XCTAssertTrue(accepts(grammar, "Aé😀\t\\\"[€\n"))
        XCTAssertTrue(accepts(grammar, "Aé😀\t\\\"-x\n"))
        XCTAssertFalse(accepts(grammar, "Aé😀\t\\\"ax\n"))
    }

    func testGBNFErrorsNameLineAndColumn() {
        assertError(#"root ::= "abc"#, .syntax(line: 1, column: 14, message: "unterminated string literal"))
        assertError("root ::= [a-\n", .syntax(line: 1, column: 13, message: "unterminated character class"))
        assertError("root ::= x\nx ::= \"a\" y", .undefinedRule(name: "y", line: 2, column: 11))
        assertError("root ::= \"a\"\nroot ::= \"b\"", .duplicateRule(name: "root", line: 2, column: 1))
        assertError(#"start ::= "a""#, .missingRoot)
        assertError("root ::= \"a\" (\"b\"", .syntax(line: 1, column: 18, message: "expected ')'"))
        assertError(#"root ::= "a"{3,1}"#, .syntax(line: 1, column: 13, message: "repetition {3,1}: the maximum is below the minimum"))
        assertError(#"root ::= "\q""#, .syntax(line: 1, column: 11, message: "unknown escape '\\q'"))
        assertError(#"root ::= [z-a]"#, .syntax(line: 1, column: 13, message: "character range ends before it starts"))
        assertError("root ::= \"a\"\n  = \"b\"", .syntax(line: 2, column: 3, message: "expected a rule name"))
        assertError("root ::= \"a\" ) \"b\"", .syntax(line: 1, column: 14, message: "unexpected ')'"))
        assertError("root ::= x \"a\"\nx ::= root | \"b\"", .leftRecursion(rule: "root"))
        assertError("root ::= x\nx ::= y? x \"a\" | \"b\"\ny ::= \"c\"", .leftRecursion(rule: "x"))
        assertError(#"root ::= "a" root"#, .emptyLanguage)
    }

    func testAlternativesThatCannotFinishAreNeverOffered() throws {
        // `dead` has no finite string; a matcher that offered "b" would let the model into a dead end.
        let grammar = try Grammar(gbnf: "root ::= \"a\" | \"b\" dead\ndead ::= \"x\" dead")
        let matcher = GrammarMatcher(grammar: grammar, vocabulary: Self.bytes)
        XCTAssertEqual(matcher.allowedTokens().ids, [Int32(UInt8(ascii: "a"))])
    }

    // MARK: JSON schema

    func testObjectPropertiesRequiredAndStrictMembers() throws {
        let grammar = try Grammar(jsonSchema: #"""
            {"type": "object", "properties": {
                "a": {"type": "integer"}, "b": {"type": "string", "maxLength": 3},
                "c": {"type": "boolean"}, "d": {"type": "null"}},
             "required": ["c", "a"]}
            """#)
        for text in [#"{"a":1,"c":true}"#, #"{ "a" : -12 , "c" : false , "b" : "xyz" }"#, #"{"a":0,"c":true,"d":null}"#,
                     #"{"a":7,"c":true,"b":"é\"","d":null}"#, "{\n  \"a\": 1,\n  \"c\": true\n}"] {
            XCTAssertTrue(accepts(grammar, text), text)
        }
        for text in [#"{"c":true}"#, #"{"a":1}"#, #"{"a":1,"c":true,"e":1}"#, #"{"a":01,"c":true}"#,
                     #"{"a":1,"c":true,"b":"wxyz"}"#, #"{"a":1.5,"c":true}"#, #"{"a":1,"c":true,"d":null,"b":"x"}"#,
                     #"{"a":1,"c":true} "#, "{\"a\":1,\"c\":true" + String(repeating: " ", count: 30) + "}"] {
            XCTAssertFalse(accepts(grammar, text), text)
        }
    }

    func testArraysEnumsConstAndUnions() throws {
        let grammar = try Grammar(jsonSchema: #"""
            {"type": "array", "minItems": 1, "maxItems": 3, "items": {"anyOf": [
                {"enum": ["bid", "tid", 2, null, {"x": [1]}]},
                {"const": "q\"d"},
                {"type": ["number", "null"]},
                {"oneOf": [{"type": "array", "maxItems": 0}, {"type": "object", "additionalProperties": false}]}]}}
            """#)
        for text in [#"["bid"]"#, #"[2, null, "tid"]"#, #"[{"x":[1]}]"#, #"["q\"d", -0.5e+10, []]"#, #"[{ }]"#, "[3.25]"] {
            XCTAssertTrue(accepts(grammar, text), text)
        }
        for text in ["[]", #"["bid","bid","bid","bid"]"#, #"["qid"]"#, #"[{"x":[2]}]"#, "[[1]]", #"[{"y":1}]"#, "[true]",
                     "[1.]", "[.5]", "[1e1234]"] {
            XCTAssertFalse(accepts(grammar, text), text)
        }
    }

    func testUntypedSchemasTakeAnyValueAndRefsResolve() throws {
        let grammar = try Grammar(jsonSchema: #"""
            {"$defs": {"node": {"type": "object", "properties": {"value": {}, "next": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]}},
                                "required": ["value", "next"]}},
             "$ref": "#/$defs/node"}
            """#)
        XCTAssertTrue(accepts(grammar, #"{"value":{"k":[true,"s",{}]},"next":{"value":1,"next":null}}"#))
        XCTAssertFalse(accepts(grammar, #"{"value":1,"next":{"value":2}}"#))
    }

    func testUnsupportedKeywordsAreErrorsWithTheirPath() {
        assertSchemaError(#"{"type": "string", "pattern": "^a"}"#, .unsupportedKeyword(keyword: "pattern", path: ""))
        assertSchemaError(#"{"properties": {"dose": {"type": "number", "minimum": 0}}}"#,
                          .unsupportedKeyword(keyword: "minimum", path: "/properties/dose"))
        assertSchemaError(#"{"type": "array", "items": {"type": "string", "format": "date"}}"#,
                          .unsupportedKeyword(keyword: "format", path: "/items"))
        assertSchemaError(#"{"anyOf": [{"type": "string"}, {"allOf": []}]}"#, .unsupportedKeyword(keyword: "allOf", path: "/anyOf/1"))
        assertSchemaError(#"{"type": "date"}"#, .invalidSchema(path: "/type", message: "unknown type 'date'"))
        assertSchemaError(#"{"type": "array", "maxItems": -1}"#,
                          .invalidSchema(path: "/maxItems", message: "maxItems must be an integer from 0 to 100000"))
        assertSchemaError(#"{"properties": {"a": {}}, "required": ["b"]}"#,
                          .invalidSchema(path: "/required", message: #"required names "b", which is not in properties"#))
        assertSchemaError(#"{"properties": {"a": {}}, "additionalProperties": true}"#,
                          .invalidSchema(path: "/additionalProperties", message: "only false is supported alongside properties"))
        assertSchemaError(##"{"$ref": "#/$defs/missing"}"##, .invalidSchema(path: "/$ref", message: "#/$defs/missing does not resolve"))
        assertSchemaError("{\"type\": \n  \"string\",}", .schemaSyntax(line: 2, column: 12, message: "expected a member name"))
    }

    // MARK: Helpers

    /// The 256 single bytes, then an end-of-generation token.
    static let bytes = TokenVocabulary(pieces: (0...255).map { [UInt8($0)] } + [nil], endOfGeneration: [256])

    private func accepts(_ grammar: Grammar, _ text: String) -> Bool {
        let matcher = GrammarMatcher(grammar: grammar, vocabulary: Self.bytes)
        for byte in text.utf8 {
            guard matcher.allows(Int32(byte)) else { return false }
            matcher.accept(Int32(byte))
        }
        return matcher.allows(256)
    }

    private func assertError(_ gbnf: String, _ expected: GrammarError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Grammar(gbnf: gbnf), file: file, line: line) { error in
            XCTAssertEqual(error as? GrammarError, expected, file: file, line: line)
        }
    }

    private func assertSchemaError(_ schema: String, _ expected: GrammarError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Grammar(jsonSchema: schema), file: file, line: line) { error in
            XCTAssertEqual(error as? GrammarError, expected, file: file, line: line)
        }
    }
}
