import Tokenization
import XCTest

/// The pre-tokenizer splits on hand-worked cases. Each expectation follows from the regex llama.cpp documents
/// for the label (quoted in PreTokenizer.swift), applied the way its custom scanners apply it.
final class PreTokenizerTests: XCTestCase {
    private func split(_ label: String, _ text: String) throws -> [String] {
        try PreTokenizer.named(label).split(text)
    }

    func testGPT2SplitsWordsWithTheirLeadingSpace() throws {
        XCTAssertEqual(try split("gpt-2", "Hello world"), ["Hello", " world"])
        XCTAssertEqual(try split("gpt-2", "Hello, world!"), ["Hello", ",", " world", "!"])
    }

    func testGPT2LeavesTheLastSpaceOfARunToTheNextWord() throws {
        // \s+(?!\S): a run of spaces before a word keeps one space for it; at the end of the text, none.
        XCTAssertEqual(try split("gpt-2", "  multiple   spaces  "), [" ", " multiple", "  ", " spaces", "  "])
    }

    func testGPT2ContractionsAreCaseSensitive() throws {
        XCTAssertEqual(try split("gpt-2", "don't they'LL"), ["don", "'t", " they", "'", "LL"])
    }

    func testLlama3ContractionsIgnoreCase() throws {
        XCTAssertEqual(try split("llama-bpe", "don't they'LL"), ["don", "'t", " they", "'LL"])
    }

    func testDigitGrouping() throws {
        XCTAssertEqual(try split("gpt-2", "12345678"), ["12345678"])            // \p{N}+
        XCTAssertEqual(try split("llama3", "12345678"), ["123", "456", "78"])  // \p{N}{1,3}
        XCTAssertEqual(try split("qwen2", "1234"), ["1", "2", "3", "4"])       // \p{N}
        XCTAssertEqual(try split("smollm", "1234"), ["1", "2", "3", "4"])      // \p{N} stage first
    }

    func testSmolLMDigitStageCutsChunksBeforeTheWordStage() throws {
        // The digit stage makes "BP " a chunk of its own, so its trailing space ends at a chunk edge and stays
        // a lone " " (llama.cpp: ids 22304 216 for "BP ").
        XCTAssertEqual(try split("smollm", "BP 140/90"), ["BP", " ", "1", "4", "0", "/", "9", "0"])
    }

    func testQwen2PunctuationTakesTheFollowingLetters() throws {
        // [^\r\n\p{L}\p{N}]?\p{L}+ lets one non-letter lead a word: "(a" is one pre-token.
        XCTAssertEqual(try split("qwen2", "x = f(a)"), ["x", " =", " f", "(a", ")"])
    }

    func testQwen2LineBreaks() throws {
        XCTAssertEqual(try split("qwen2", "a\r\nb"), ["a", "\r\n", "b"])
        XCTAssertEqual(try split("qwen2", "line1\n\nline2"), ["line", "1", "\n\n", "line", "2"])
        // \s*[\r\n]+ takes spaces before the line break with it.
        XCTAssertEqual(try split("qwen2", "end  \nnext"), ["end", "  \n", "next"])
        // ?[^\s\p{L}\p{N}]+[\r\n]* takes the line breaks after punctuation.
        XCTAssertEqual(try split("qwen2", "end.\n\nNext"), ["end", ".\n\n", "Next"])
    }

    func testDefaultLabelRunsFourStages() throws {
        XCTAssertEqual(try split("default", "3.14"), ["3", ".", "14"])
        XCTAssertEqual(try split("default", "1234567"), ["123", "456", "7"])
    }

    func testCodePointsNewerThanLlamaCppsUnicodeTableAreNotLetters() throws {
        // U+1C89 is a letter since Unicode 16; llama.cpp's table (Unicode 15.1) calls it undefined, so it cannot
        // continue the word "a" and instead leads "b" as a non-letter.
        XCTAssertEqual(try split("qwen2", "a\u{1C89}b"), ["a", "\u{1C89}b"])
        // U+00E9 is an old letter: one word.
        XCTAssertEqual(try split("qwen2", "caf\u{E9}s"), ["caf\u{E9}s"])
    }

    func testEmptyText() throws {
        XCTAssertEqual(try split("qwen2", ""), [])
    }

    func testUnknownLabelIsAnErrorNamingIt() {
        XCTAssertThrowsError(try PreTokenizer.named("no-such-pre")) { error in
            XCTAssertEqual(error as? TokenizerError, .unknownPreTokenizer("no-such-pre"))
            XCTAssertTrue("\(error)".contains("'no-such-pre'"))
        }
        // llama.cpp spells GPT-2's label "gpt-2"; "gpt2" is not one of its labels.
        XCTAssertThrowsError(try PreTokenizer.named("gpt2"))
    }
}
