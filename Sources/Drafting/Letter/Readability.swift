/// The Flesch-Kincaid grade level of a text: 0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59
/// (Kincaid et al., 1975). Patient material is written for grade 8 or below, which most adults read with ease.
///
/// Counting follows the usual conventions of readability tools: a word is a run of letters (with inner
/// apostrophes and hyphens), numbers are not words; a sentence ends at `.`, `!` or `?` before a space or the
/// end, and at a line break after text (a salutation or a list item is a sentence of its own); syllables
/// are vowel groups, with a silent final "e" dropped and at least one per word.
public struct ReadingGrade: Codable, Equatable, Sendable {
    public var words: Int
    public var sentences: Int
    public var syllables: Int
    /// The grade, rounded to one decimal; 0 for a text without words.
    public var grade: Double

    public init(_ text: String) {
        var words = 0, syllables = 0, sentences = 0
        var wordInSentence = false
        var current = ""
        let characters = Array(text)
        func endWord() {
            guard !current.isEmpty else { return }
            words += 1
            syllables += Self.syllables(in: current)
            wordInSentence = true
            current = ""
        }
        for (i, c) in characters.enumerated() {
            let next: Character? = i + 1 < characters.count ? characters[i + 1] : nil
            if c.isLetter {
                current.append(c)
            } else if (c == "'" || c == "’" || c == "-"), !current.isEmpty, let next, next.isLetter {
                current.append(c)
            } else {
                endWord()
                let endsSentence = (c == "." || c == "!" || c == "?") && (next == nil || next!.isWhitespace || next == "\"")
                if (endsSentence || c == "\n") && wordInSentence {
                    sentences += 1
                    wordInSentence = false
                }
            }
        }
        endWord()
        if wordInSentence { sentences += 1 }
        self.words = words
        self.sentences = sentences
        self.syllables = syllables
        guard words > 0 else { grade = 0; return }
        let raw = 0.39 * Double(words) / Double(sentences) + 11.8 * Double(syllables) / Double(words) - 15.59
        grade = (raw * 10).rounded() / 10
    }

    /// Vowel groups (y counts as a vowel after the first letter), less a silent final "e" ("-le" after a
    /// consonant keeps its syllable: "table"), at least one.
    static func syllables(in word: String) -> Int {
        let letters = Array(word.lowercased().filter(\.isLetter))
        guard !letters.isEmpty else { return 0 }
        func isVowel(_ i: Int) -> Bool {
            let c = letters[i]
            if "aeiouàáâäèéêëìíîïòóôöùúûü".contains(c) { return true }
            return c == "y" && i > 0
        }
        var count = 0
        var previousVowel = false
        for i in letters.indices {
            let vowel = isVowel(i)
            if vowel && !previousVowel { count += 1 }
            previousVowel = vowel
        }
        let n = letters.count
        if n > 2, letters[n - 1] == "e", !isVowel(n - 2), !(letters[n - 2] == "l" && !isVowel(n - 3)) {
            count -= 1
        }
        if n > 3, letters[n - 1] == "s", letters[n - 2] == "e", !isVowel(n - 3), !"scgzx".contains(letters[n - 3]),
           !(letters[n - 3] == "l" && !isVowel(n - 4)) {
            count -= 1  // "makes", "notes": the e of a plural or third person is silent too
        }
        if n > 3, letters[n - 1] == "d", letters[n - 2] == "e", !isVowel(n - 3), !"td".contains(letters[n - 3]) {
            count -= 1  // "walked", "called": a past tense adds a syllable only after t or d ("wanted")
        }
        return max(1, count)
    }
}
