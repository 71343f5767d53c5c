/// Ages over 89 ("92-year-old", "92 y/o", "aged 94", "Age: 101", "93M"). The span is the age number only;
/// ages up to 89 are not identifiers.
public struct AgeRecognizer: Recognizer {
    public let name = "age_over_89"
    public let supportedKinds: Set<PHIKind> = [.ageOver89]
    public init() {}

    static let before: Set<String> = ["age", "aged", "ages"]
    static let yearWords: Set<String> = ["year", "years", "yr", "yrs", "yo", "y", "yoa"]
    static let oldWords: Set<String> = ["old", "o", "of"]
    static let tens = ["ninety": 90, "hundred": 100]
    static let units = ["one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9]

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        for i in 0..<text.count {
            if text.isWord(i), ["nonagenarian", "centenarian", "supercentenarian", "nonagenarians", "centenarians"].contains(text.key(i)) {
                found.append(detection(text.range(i, i), .ageOver89, score: 0.8))
                continue
            }
            // "in her 90s", "his late 90's": a decade over 89.
            if text.isNumber(i), let v = text.intValue(i), [90, 100, 110].contains(v), i + 1 < text.count,
               text.isWord(i + 1) && text.key(i + 1) == "s" || (text.isSymbol(i + 1, "'") && text.isWord(i + 2) && text.key(i + 2) == "s"),
               let p = text.previous(i), text.isWord(p), ["her", "his", "their", "late", "mid", "early", "the"].contains(text.key(p)) {
                found.append(detection(text.range(i, text.isWord(i + 1) ? i + 1 : i + 2), .ageOver89, score: 0.8))
                continue
            }
            if text.isNumber(i), let v = text.intValue(i), (90...130).contains(v), text.tokens[i].length <= 3 {
                if i > 0, text.isWord(i - 1) || text.isSymbol(i - 1, ".") || text.isSymbol(i - 1, "/") { continue }
                if isAge(text, numberStart: i, numberEnd: i) {
                    let ordinal = i + 1 < text.count && text.isWord(i + 1) && DateRecognizer.ordinalSuffixes.contains(text.key(i + 1))
                    found.append(detection(text.range(i, ordinal ? i + 1 : i), .ageOver89, score: 0.9))
                }
            } else if text.isWord(i), text.key(i) == "ninety" {
                // Spelled-out ages over 89 are rare enough in other roles to report on their own.
                var end = i
                if text.isSymbol(i + 1, "-"), text.isWord(i + 2), Self.units[text.key(i + 2)] != nil { end = i + 2 }
                else if let n = text.next(i), text.isWord(n), Self.units[text.key(n)] != nil { end = n }
                found.append(detection(text.range(i, end), .ageOver89, score: isAge(text, numberStart: i, numberEnd: end) ? 0.85 : 0.6))
            } else if text.isWord(i), text.key(i) == "one", let h = text.next(i), text.key(h) == "hundred" {
                // "one hundred and one", "one hundred two" with an age context.
                var end = h
                if let a = text.next(h), text.key(a) == "and", let u = text.next(a), Self.units[text.key(u)] != nil { end = u }
                else if let u = text.next(h), Self.units[text.key(u)] != nil { end = u }
                if isAge(text, numberStart: i, numberEnd: end) {
                    found.append(detection(text.range(i, end), .ageOver89, score: 0.85))
                }
            }
        }
        return found
    }

    private func isAge(_ t: TokenizedText, numberStart: Int, numberEnd: Int) -> Bool {
        if let p = t.previous(numberStart) {
            var label = p
            if t.isSymbol(p, ":"), let q = t.previous(p) { label = q }
            if t.isWord(label), Self.before.contains(t.key(label)) { return true }
            // "who is 92", "she turned 91", "now 95".
            if t.isWord(p), ["turned", "turns", "now"].contains(t.key(p)) { return true }
            // "alive at 97", "died at 94": the age at a life event.
            if t.isWord(p), t.key(p) == "at", let q = t.previous(p), t.isWord(q),
               ["alive", "died", "dies", "deceased", "passed", "death"].contains(t.key(q)) { return true }
            // "she's 94", "(hes 90)": a pronoun and "is", contracted.
            if t.isWord(p), ["shes", "hes"].contains(t.key(p)) { return true }
            if t.isWord(p), t.key(p) == "s", p > 1, t.isSymbol(p - 1, "'") || t.isSymbol(p - 1, "’"), t.isWord(p - 2),
               ["she", "he"].contains(t.key(p - 2)) { return true }
            if t.isWord(p), ["is", "was"].contains(t.key(p)), let q = t.previous(p), t.isWord(q),
               ["who", "he", "she", "father", "mother", "patient", "pt", "resident", "client", "husband", "wife", "man",
                "woman", "member", "decedent", "grandmother", "grandfather", "aunt", "uncle"].contains(t.key(q)) { return true }
            // An appositive after a name: "Lemuel Abernathy,\n90, is ...".
            if let c = t.previousSkippingLines(numberStart), t.isSymbol(c, ","), let q = t.previousSkippingLines(c), t.isWord(q),
               t.tokens[q].shape == .capitalized, let n = t.next(numberEnd), t.isSymbol(n, ",") { return true }
        }
        // "his 100th birthday".
        if numberEnd + 1 < t.count, t.isWord(numberEnd + 1), DateRecognizer.ordinalSuffixes.contains(t.key(numberEnd + 1)),
           let b = t.next(numberEnd + 1), t.isWord(b), t.key(b) == "birthday" { return true }
        // "93M", "93F": sex letter glued to the age.
        let after = numberEnd + 1
        if after < t.count, t.isWord(after), ["m", "f"].contains(t.key(after)), t.tokens[after].shape == .allCaps,
           !(after + 1 < t.count && (t.isWord(after + 1) || t.isNumber(after + 1))) {
            return true
        }
        // "92-year-old", "92 years old", "92 yo", "92 y/o", "92 y.o.", "92 years of age".
        var j = numberEnd
        if t.isSymbol(j + 1, "-") { j += 1 }
        guard let y = (t.isWord(j + 1) ? j + 1 : t.next(j)), t.isWord(y), Self.yearWords.contains(t.key(y)) else { return false }
        let key = t.key(y)
        if key == "yo" || key == "yoa" { return true }
        var k = y
        if t.isSymbol(k + 1, "-") || t.isSymbol(k + 1, "/") || t.isSymbol(k + 1, ".") { k += 1 }
        guard let o = (t.isWord(k + 1) ? k + 1 : t.next(k)), t.isWord(o) else { return false }
        if t.key(o) == "old" || t.key(o) == "o" { return true }
        if t.key(o) == "of", let a = t.next(o), t.key(a) == "age" { return true }
        return false
    }
}
