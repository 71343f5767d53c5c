/// A word or number of a text, with its position in Unicode scalars (the offsets every Vellum JSON uses).
struct ScannedWord: Equatable {
    /// The word as written.
    var text: String
    /// Lowercased, for comparisons.
    var lower: String
    var start: Int
    var end: Int
    /// Index of the sentence (or line) the word belongs to.
    var sentence: Int
    var isNumber: Bool { lower.first?.isNumber == true }
}

/// Splits text into words and sentences the way the fact check needs: numbers keep their decimal point,
/// ratio slash and percent sign (`148/92`, `7.4%`, `2.5`), abbreviations keep inner slashes and dots (`r/o`,
/// `b.i.d`), placeholders stay whole (`[DATE_2]`), and a sentence ends at a line break, a semicolon, or a period
/// that is followed by a space and not part of a number or abbreviation.
struct TextScanner {
    let scalars: [Unicode.Scalar]
    private(set) var words: [ScannedWord] = []
    private(set) var sentenceCount = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        scan()
    }

    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "'"
    }

    private mutating func scan() {
        var sentence = 0
        var i = 0
        let n = scalars.count
        while i < n {
            let s = scalars[i]
            if s == "\n" || s == ";" || s == "\r" {
                if words.last?.sentence == sentence { sentence += 1 }
                i += 1
                continue
            }
            if (s == "." || s == "!" || s == "?") && (i + 1 >= n || scalars[i + 1] == " " || scalars[i + 1] == "\n") {
                if words.last?.sentence == sentence { sentence += 1 }
                i += 1
                continue
            }
            if s == "[", let close = placeholderEnd(from: i) {
                append(i, close + 1, sentence)
                i = close + 1
                continue
            }
            guard Self.isWordScalar(s) else { i += 1; continue }
            var j = i + 1
            while j < n {
                let c = scalars[j]
                if Self.isWordScalar(c) { j += 1; continue }
                // Joiners kept inside a word when a word character follows: 7.4, 148/92, r/o, b.i.d, x-ray.
                if (c == "." || c == "/" || c == "-" || c == ",") && j + 1 < n && Self.isWordScalar(scalars[j + 1]) {
                    // A comma only inside a number (1,000), a period only inside a number or a short abbreviation.
                    let previousIsDigit = ("0"..."9").contains(scalars[j - 1]), nextIsDigit = ("0"..."9").contains(scalars[j + 1])
                    if c == "," && !(previousIsDigit && nextIsDigit) { break }
                    if c == "." && !(previousIsDigit && nextIsDigit) && j - i > 3 { break }
                    j += 1
                    continue
                }
                if c == "%" { j += 1; break }
                break
            }
            append(i, j, sentence)
            i = j
        }
        sentenceCount = sentence + 1
    }

    private func placeholderEnd(from i: Int) -> Int? {
        var j = i + 1
        while j < scalars.count && j - i < 24 {
            let c = scalars[j]
            if c == "]" { return j > i + 1 ? j : nil }
            guard ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" else { return nil }
            j += 1
        }
        return nil
    }

    private mutating func append(_ start: Int, _ end: Int, _ sentence: Int) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        let text = String(view)
        words.append(ScannedWord(text: text, lower: text.lowercased(), start: start, end: end, sentence: sentence))
    }

    /// The words of each sentence, in order (sentences without words are empty).
    var sentences: [[ScannedWord]] {
        var grouped = Array(repeating: [ScannedWord](), count: sentenceCount)
        for w in words { grouped[w.sentence].append(w) }
        return grouped
    }

    /// The text between two scalar offsets.
    func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }
}
