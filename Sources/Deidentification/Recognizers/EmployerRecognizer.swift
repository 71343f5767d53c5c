/// Employer names after "works at", "employed by", "retired from", "Employer:" and similar phrases
/// ("works at Acme Tool & Die", "employed by Northfield Public Schools").
public struct EmployerRecognizer: Recognizer {
    public let name = "employer"
    public let supportedKinds: Set<PHIKind> = [.employer]
    static let introductions = PhraseSet(EmployerWords.phrases)
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            guard text.isWord(i), let phraseEnd = Self.introductions.match(text, at: i) else { i += 1; continue }
            var j = phraseEnd
            if let c = text.next(j), text.isSymbol(c, ":") { j = c }
            // "works as a cashier at Shop-Rite": skip a short lowercase job title up to "at"/"for".
            if var n = text.next(j) {
                var hops = 0
                while hops < 4, text.isWord(n), text.tokens[n].shape == .lower, !["at", "for", "with"].contains(text.key(n)),
                      let m = text.next(n) { n = m; hops += 1 }
                if text.isWord(n), ["at", "for", "with"].contains(text.key(n)), let m = text.next(n) { n = m }
                if text.isWord(n), text.key(n) == "the", let m = text.next(n) { n = m }
                if let end = OrganizationNameScanner.nameEnd(text, from: n), !FunctionWords.words.contains(text.key(n)) ||
                    EmployerWords.companySuffixes.contains(text.key(end)) {
                    var last = end
                    // "Co." and "Inc." keep their period; "Schools." ends a sentence.
                    if text.isSymbol(last + 1, "."), EmployerWords.companySuffixes.contains(text.key(last)),
                       text.tokens[last].length <= 4 { last += 1 }
                    found.append(detection(text.range(n, last), .employer, score: 0.8))
                    i = last + 1
                    continue
                }
            }
            i = phraseEnd + 1
        }
        return found
    }
}
