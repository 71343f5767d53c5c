// Pre-tokenizers: the regex splits a byte-level BPE vocabulary applies before merging, keyed by the GGUF's
// `tokenizer.ggml.pre` label.
//
// Port of llama.cpp's llama-vocab.cpp (`llm_tokenizer_bpe` regex table, label table in `llama_vocab::impl::load`)
// and unicode.cpp (`unicode_regex_split` and its hand-written `unicode_regex_split_custom_*` scanners), commit
// 0c1e57098. llama.cpp is MIT-licensed, Copyright (c) 2023-2024 The ggml authors.
//
// The scanners below follow llama.cpp's custom scanners step by step rather than the regexes they stand for:
// the two differ at chunk edges (llama.cpp's `\s+(?!\S)` sees the end of a chunk as "not \S"), and exactness to
// llama.cpp's ids is the goal. Stages that llama.cpp runs through std::regex (`\p{N}`, the "default" set) are
// simple character-class splits and are written out by hand too.

/// Text decoded to Unicode scalars once, with each scalar's class and where it starts in the UTF-8 bytes.
struct ScalarText {
    private(set) var scalars: [UInt32] = []
    private(set) var classes: [CharacterClass] = []
    /// `byteOffsets[i]` is where scalar `i` starts in the UTF-8; one extra entry holds the total length.
    private(set) var byteOffsets: [Int] = []

    init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        scalars.reserveCapacity(bytes.count)
        classes.reserveCapacity(bytes.count)
        byteOffsets.reserveCapacity(bytes.count + 1)
        var offset = 0
        while offset < bytes.count {
            byteOffsets.append(offset)
            let (scalar, length) = ScalarText.decode(bytes, at: offset)
            scalars.append(scalar)
            classes.append(CharacterClass(scalar))
            offset += length
        }
        byteOffsets.append(bytes.count)
    }

    var count: Int { scalars.count }

    /// One UTF-8 sequence, as llama.cpp's `unicode_cpts_from_utf8` reads it: a malformed byte becomes U+FFFD
    /// and is skipped alone. (Text from a Swift `String` is always well formed; this is for raw bytes.)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> (scalar: UInt32, length: Int) {
        let lead = UInt32(bytes[offset])
        if lead < 0x80 { return (lead, 1) }
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC0...0xDF: length = 2; value = lead & 0x1F
        case 0xE0...0xEF: length = 3; value = lead & 0x0F
        case 0xF0...0xF7: length = 4; value = lead & 0x07
        default: return (0xFFFD, 1)
        }
        guard offset + length <= bytes.count else { return (0xFFFD, 1) }
        for i in 1..<length {
            let continuation = UInt32(bytes[offset + i])
            guard continuation & 0xC0 == 0x80 else { return (0xFFFD, 1) }
            value = value << 6 | (continuation & 0x3F)
        }
        return (value, length)
    }
}

/// A pre-tokenizer: an ordered list of split stages. Each stage cuts every chunk the previous stage produced
/// into smaller chunks; matched and unmatched stretches both become chunks, as in llama.cpp.
public struct PreTokenizer: Sendable, Equatable {
    /// One split stage. Each case names the regex llama.cpp runs for it.
    enum Stage: Sendable, Equatable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)` (GPT-2's own pattern)
        case gpt2
        /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
        /// with `\p{N}{1,3}` (Llama 3) or `\p{N}` (Qwen2) as the digit group, digits per group given here.
        case llama3Family(maxDigits: Int)
        /// `\p{N}`: every digit on its own.
        case eachDigit
        /// `\p{N}+`
        case digitRuns
        /// `[\p{P}\$\+<=>\^~\|]+`
        case punctuationRuns
        /// `[0-9][0-9][0-9]`
        case asciiDigitTriples
    }

    /// The `tokenizer.ggml.pre` label this was made from.
    public let label: String
    let stages: [Stage]
    /// llama.cpp's `ignore_merges`: a whole pre-token that is already in the vocabulary is taken as is.
    let ignoresMerges: Bool
    /// llama.cpp's `clean_spaces` (`clean_up_tokenization_spaces`): detokenizing removes a space before `?!.,`.
    let cleansSpaces: Bool
    /// Whether llama.cpp adds BOS for this label when the GGUF has no `tokenizer.ggml.add_bos_token`.
    let addsBOSByDefault: Bool

    /// The pre-tokenizer llama.cpp uses for `label`, or `TokenizerError.unknownPreTokenizer`.
    ///
    /// The labels are llama.cpp's own (note it spells GPT-2's as `gpt-2`); labels whose llama.cpp regexes are
    /// not ported here (deepseek, falcon, chatglm, tekken, ...) are refused rather than approximated, because a
    /// wrong split gives plausible but different ids.
    public static func named(_ label: String) throws -> PreTokenizer {
        guard let entry = PreTokenizer.table[label] else { throw TokenizerError.unknownPreTokenizer(label) }
        return PreTokenizer(label: label, stages: entry.stages, ignoresMerges: entry.ignoresMerges,
                            cleansSpaces: entry.cleansSpaces, addsBOSByDefault: entry.addsBOS)
    }

    /// Every label `named(_:)` accepts.
    public static var supportedLabels: [String] { table.keys.sorted() }

    private struct Entry {
        var stages: [Stage]
        var ignoresMerges = false
        var cleansSpaces = true
        var addsBOS = false
    }

    // From `llama_vocab::impl::load` (label -> pre type, clean_spaces, ignore_merges, add_bos) and
    // `llm_tokenizer_bpe::llm_tokenizer_bpe` (pre type -> regexes).
    private static let table: [String: Entry] = {
        let gpt2: [Stage] = [.gpt2]
        let smollm: [Stage] = [.eachDigit, .gpt2]  // STARCODER, REFACT, COMMAND_R, SMOLLM, CODESHELL, EXAONE, ...
        let llama3: [Stage] = [.llama3Family(maxDigits: 3)]
        let qwen2: [Stage] = [.llama3Family(maxDigits: 1)]
        var table: [String: Entry] = [
            "default": Entry(stages: [.punctuationRuns, .gpt2, .digitRuns, .asciiDigitTriples]),
            "dbrx": Entry(stages: llama3),
            "smaug-bpe": Entry(stages: llama3),
            "mpt": Entry(stages: gpt2),
            "olmo": Entry(stages: gpt2),
            "jais": Entry(stages: gpt2),
            "exaone4": Entry(stages: gpt2),
            "trillion": Entry(stages: gpt2, cleansSpaces: false),
            "granite-docling": Entry(stages: gpt2, cleansSpaces: false),
            "starcoder": Entry(stages: smollm),
            "refact": Entry(stages: smollm),
            "command-r": Entry(stages: smollm, cleansSpaces: false),
            "smollm": Entry(stages: smollm, cleansSpaces: false),
            "codeshell": Entry(stages: smollm),
            "exaone": Entry(stages: smollm),
            "minerva-7b": Entry(stages: smollm),
            "mellum2": Entry(stages: smollm),
            "megrez": Entry(stages: qwen2),
            "stablelm2": Entry(stages: qwen2),
            "hunyuan": Entry(stages: qwen2, cleansSpaces: false),
            "solar-open": Entry(stages: qwen2, cleansSpaces: false),
        ]
        for label in ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano"] {
            table[label] = Entry(stages: llama3, ignoresMerges: true, addsBOS: true)
        }
        for label in ["gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum", "modern-bert"] {
            table[label] = Entry(stages: gpt2)
        }
        for label in ["qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2"] {
            table[label] = Entry(stages: qwen2, cleansSpaces: false)
        }
        return table
    }()

    /// Splits `text` into pre-tokens, returned as scalar ranges in order, covering the whole text.
    func split(_ text: ScalarText) -> [Range<Int>] {
        guard text.count > 0 else { return [] }
        var lengths = [text.count]
        for stage in stages {
            var scanner = StageScanner(scalars: text.scalars, classes: text.classes)
            var start = 0
            for length in lengths {
                scanner.scan(stage, chunk: start..<(start + length))
                start += length
            }
            lengths = scanner.lengths
        }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(lengths.count)
        var start = 0
        for length in lengths {
            ranges.append(start..<(start + length))
            start += length
        }
        return ranges
    }

    /// Convenience for tests and tools: the pre-tokens of `string` as strings.
    public func split(_ string: String) -> [String] {
        var utf8 = Array(string.utf8)
        return utf8.withUnsafeMutableBufferPointer { buffer in
            let text = ScalarText(utf8: UnsafeBufferPointer(buffer))
            return split(text).map { range in
                String(decoding: buffer[text.byteOffsets[range.lowerBound]..<text.byteOffsets[range.upperBound]], as: UTF8.self)
            }
        }
    }
}

/// Runs one stage over one chunk at a time, appending the lengths of the pieces it cuts.
private struct StageScanner {
    let scalars: [UInt32]
    let classes: [CharacterClass]
    var lengths: [Int] = []

    /// llama.cpp's `OUT_OF_RANGE`: what reading past the chunk returns.
    static let outOfRange: UInt32 = 0xFFFF_FFFF

    init(scalars: [UInt32], classes: [CharacterClass]) {
        self.scalars = scalars
        self.classes = classes
        lengths.reserveCapacity(scalars.count / 3 + 1)
    }

    mutating func scan(_ stage: PreTokenizer.Stage, chunk: Range<Int>) {
        switch stage {
        case .gpt2: scanGPT2(chunk)
        case let .llama3Family(maxDigits): scanLlama3Family(chunk, maxDigits: maxDigits)
        case .eachDigit: isolateMatches(chunk) { [classes] position, _ in classes[position].contains(.number) ? 1 : 0 }
        case .digitRuns: isolateRuns(chunk) { $1.contains(.number) }
        case .punctuationRuns: isolateRuns(chunk) { scalar, cls in
            // llama.cpp matches the "collapsed" text: ASCII as itself, other code points by category.
            cls.contains(.punctuation) || StageScanner.asciiSymbolsInDefaultPattern.contains(scalar)
        }
        case .asciiDigitTriples: isolateMatches(chunk) { [scalars] position, end in
            guard position + 3 <= end else { return 0 }
            return (position..<(position + 3)).allSatisfy { (0x30...0x39).contains(scalars[$0]) } ? 3 : 0
        }
        }
    }

    // MARK: regex-style stages

    /// `$ + < = > ^ ~ |`: the ASCII symbols listed beside `\p{P}` in the "default" pattern.
    static let asciiSymbolsInDefaultPattern: Set<UInt32> = [0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C]

    /// Cuts the leftmost, non-overlapping matches out of the chunk. `matchLength(position, chunkEnd)` says how
    /// long a match starting at `position` is (0: none starts there).
    private mutating func isolateMatches(_ chunk: Range<Int>, _ matchLength: (Int, Int) -> Int) {
        var gapStart = chunk.lowerBound
        var position = chunk.lowerBound
        while position < chunk.upperBound {
            let length = matchLength(position, chunk.upperBound)
            guard length > 0 else { position += 1; continue }
            if position > gapStart { lengths.append(position - gapStart) }
            lengths.append(length)
            position += length
            gapStart = position
        }
        if chunk.upperBound > gapStart { lengths.append(chunk.upperBound - gapStart) }
    }

    /// Cuts maximal runs of scalars satisfying `inRun` out of the chunk (the regex `[class]+`).
    private mutating func isolateRuns(_ chunk: Range<Int>, _ inRun: (UInt32, CharacterClass) -> Bool) {
        var gapStart = chunk.lowerBound
        var position = chunk.lowerBound
        while position < chunk.upperBound {
            guard inRun(scalars[position], classes[position]) else { position += 1; continue }
            if position > gapStart { lengths.append(position - gapStart) }
            let runStart = position
            while position < chunk.upperBound, inRun(scalars[position], classes[position]) { position += 1 }
            lengths.append(position - runStart)
            gapStart = position
        }
        if chunk.upperBound > gapStart { lengths.append(chunk.upperBound - gapStart) }
    }

    // MARK: llama.cpp's custom scanners

    /// `unicode_regex_split_custom_gpt2`.
    private mutating func scanGPT2(_ chunk: Range<Int>) {
        let end = chunk.upperBound
        func scalar(_ i: Int) -> UInt32 { i < end ? scalars[i] : StageScanner.outOfRange }
        func flags(_ i: Int) -> CharacterClass { i < end ? classes[i] : [] }
        var tokenStart = chunk.lowerBound
        func emit(_ position: Int) {
            if position > tokenStart { lengths.append(position - tokenStart) }
            tokenStart = position
        }
        var position = chunk.lowerBound
        while position < end {
            let current = scalars[position]
            let currentFlags = classes[position]

            // 's|'t|'re|'ve|'m|'ll|'d  (case-sensitive in GPT-2's pattern)
            if current == 0x27, position + 1 < end {
                let next = scalars[position + 1]
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {  // s t m d
                    position += 2; emit(position); continue
                }
                if position + 2 < end {
                    let nextNext = scalars[position + 2]
                    if (next == 0x72 && nextNext == 0x65) || (next == 0x76 && nextNext == 0x65) || (next == 0x6C && nextNext == 0x6C) {
                        position += 3; emit(position); continue  // re ve ll
                    }
                }
            }

            // With a leading space, the class that decides is the next scalar's.
            var decisive = current == 0x20 ? flags(position + 1) : currentFlags
            //  ?\p{L}+
            if decisive.contains(.letter) {
                if current == 0x20 { position += 1 }
                while decisive.contains(.letter) { position += 1; decisive = flags(position) }
                emit(position); continue
            }
            //  ?\p{N}+
            if decisive.contains(.number) {
                if current == 0x20 { position += 1 }
                while decisive.contains(.number) { position += 1; decisive = flags(position) }
                emit(position); continue
            }
            //  ?[^\s\p{L}\p{N}]+
            if decisive.isDisjoint(with: [.whitespace, .letter, .number]), decisive.contains(.present) {
                if current == 0x20 { position += 1 }
                while decisive.isDisjoint(with: [.whitespace, .letter, .number]), decisive.contains(.present) {
                    position += 1; decisive = flags(position)
                }
                emit(position); continue
            }

            var whitespaceCount = 0
            while flags(position + whitespaceCount).contains(.whitespace) { whitespaceCount += 1 }
            // \s+(?!\S): leave the last whitespace to start the next word, unless the chunk ends here.
            if whitespaceCount > 1, scalar(position + whitespaceCount) != StageScanner.outOfRange {
                position += whitespaceCount - 1; emit(position); continue
            }
            // \s+
            if whitespaceCount > 0 { position += whitespaceCount; emit(position); continue }
            // no match: the scalar stands alone
            position += 1; emit(position)
        }
    }

    /// `unicode_regex_split_custom_llama3` (maxDigits 3) and `unicode_regex_split_custom_qwen2` (maxDigits 1).
    private mutating func scanLlama3Family(_ chunk: Range<Int>, maxDigits: Int) {
        let end = chunk.upperBound
        func scalar(_ i: Int) -> UInt32 { i < end ? scalars[i] : StageScanner.outOfRange }
        func flags(_ i: Int) -> CharacterClass { i < end ? classes[i] : [] }
        func isLineBreak(_ s: UInt32) -> Bool { s == 0x0D || s == 0x0A }
        /// `unicode_tolower` for the only targets that matter here (ASCII letters); no other code point
        /// lowercases to one of s t m d r e v l.
        func lower(_ s: UInt32) -> UInt32 { (0x41...0x5A).contains(s) ? s + 0x20 : s }
        var tokenStart = chunk.lowerBound
        func emit(_ position: Int) {
            if position > tokenStart { lengths.append(position - tokenStart) }
            tokenStart = position
        }
        var position = chunk.lowerBound
        while position < end {
            let current = scalars[position]
            let currentFlags = classes[position]

            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if current == 0x27, position + 1 < end {
                let next = lower(scalars[position + 1])
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {
                    position += 2; emit(position); continue
                }
                if position + 2 < end {
                    let nextNext = lower(scalars[position + 2])
                    if (next == 0x72 && nextNext == 0x65) || (next == 0x76 && nextNext == 0x65) || (next == 0x6C && nextNext == 0x6C) {
                        position += 3; emit(position); continue
                    }
                }
            }

            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(isLineBreak(current) || currentFlags.contains(.number)) {
                if currentFlags.contains(.letter) || flags(position + 1).contains(.letter) {
                    position += 1
                    while flags(position).contains(.letter) { position += 1 }
                    emit(position); continue
                }
            }

            // \p{N}{1,3} (Llama 3) or \p{N} (Qwen2)
            if currentFlags.contains(.number) {
                var groupStart = position
                while flags(position).contains(.number) {
                    position += 1
                    if position - groupStart >= maxDigits { emit(position); groupStart = position }
                }
                emit(position); continue
            }

            //  ?[^\s\p{L}\p{N}]+[\r\n]*
            var decisive = current == 0x20 ? flags(position + 1) : currentFlags
            if decisive.isDisjoint(with: [.whitespace, .letter, .number]), currentFlags.contains(.present) {
                if current == 0x20 { position += 1 }
                while decisive.isDisjoint(with: [.whitespace, .letter, .number]), decisive.contains(.present) {
                    position += 1; decisive = flags(position)
                }
                while isLineBreak(scalar(position)) { position += 1 }
                emit(position); continue
            }

            var whitespaceCount = 0
            var endOfLastLineBreak = 0
            while flags(position + whitespaceCount).contains(.whitespace) {
                if isLineBreak(scalars[position + whitespaceCount]) { endOfLastLineBreak = position + whitespaceCount + 1 }
                whitespaceCount += 1
            }
            // \s*[\r\n]+
            if endOfLastLineBreak > 0 { position = endOfLastLineBreak; emit(position); continue }
            // \s+(?!\S)
            if whitespaceCount > 1, scalar(position + whitespaceCount) != StageScanner.outOfRange {
                position += whitespaceCount - 1; emit(position); continue
            }
            // \s+
            if whitespaceCount > 0 { position += whitespaceCount; emit(position); continue }
            position += 1; emit(position)
        }
    }
}
