import Foundation

/// A local chat model that answers one instruction with text (greedy, bounded).
///
/// The de-identifier depends only on this protocol; `RuntimeChatModel` adapts the inference runtime.
/// Implementations must keep everything on this machine: the instruction holds the document itself.
public protocol LocalChatModel: Sendable {
    func reply(to instruction: String, maxTokens: Int) throws -> String
}

/// Finds the people and employers a document names by asking the local model to list them, excerpt by excerpt,
/// then looking every listed name up in the document itself.
///
/// The rules find a person from context (a title, a label, a signature) and from name lists; what they cannot
/// see is a name with no such cue: a first name alone in a phone message, a name written in lower case, a name
/// that is also an ordinary word, a name the lists lack. A language model reads those from the sentence.
///
/// The model's answer is never trusted as text. Each listed name is cut down to the words that can be part of a
/// person's name (titles, credentials, relation words and organization words go), and only words that occur
/// in the document count. The names found that way become known to the whole document, like a name found from
/// context, so every other mention is found by the same rules (``DocumentNames``): full names in any casing, a
/// single part unless it is a common word used as one. An employer counts only where its whole name occurs.
///
/// Combined with the rules by the ``OverlapResolver``, this can only add spans: recall goes up, never down.
/// When the model fails on an excerpt, that excerpt adds nothing and the rules' spans stand.
///
/// ```swift
/// var registry = RecognizerRegistry.default(lexicons: lexicons)
/// let model = try LanguageModel(path: "qwen2.5-coder-1.5b-instruct.gguf")
/// registry.add(ModelMentionRecognizer(languageModel: model, threads: 2, lexicons: lexicons))
/// ```
public struct ModelMentionRecognizer: Recognizer {
    public let name = "model_mentions"
    public let supportedKinds: Set<PHIKind> = [.name, .employer]
    public let model: any LocalChatModel
    public let lexicons: Lexicons
    /// Longest excerpt given to the model at once, in Unicode scalars; excerpts end at line ends.
    public let excerptLength: Int
    /// Longest answer per excerpt, in tokens.
    public let maxAnswerTokens: Int

    public init(model: any LocalChatModel, lexicons: Lexicons, excerptLength: Int = 1200, maxAnswerTokens: Int = 160) {
        self.model = model
        self.lexicons = lexicons
        self.excerptLength = excerptLength
        self.maxAnswerTokens = maxAnswerTokens
    }

    public func analyze(_ t: TokenizedText) -> [Detection] {
        var people: [[String]] = []
        var employers: [[String]] = []
        for excerpt in Self.excerpts(of: t, length: excerptLength) {
            guard let answer = try? model.reply(to: Self.instruction(for: t.text(excerpt)), maxTokens: maxAnswerTokens) else {
                continue
            }
            let listed = Self.parse(Self.withoutCopiedLines(answer, excerpt: t.text(excerpt)))
            people += listed.people
            employers += listed.employers
        }
        return personDetections(people, in: t) + employerDetections(employers, in: t)
    }

    // MARK: - Asking

    /// The instruction for one excerpt. The answer format is what ``parse(_:)`` reads: one person per line,
    /// then employers as "employer: NAME".
    public static func instruction(for excerpt: String) -> String {
        """
        Text:
        \"\"\"
        \(excerpt)
        \"\"\"
        Go through the text above from top to bottom and list each person named in it, in order of first \
        appearance: patients, family members, doctors, nurses, staff, anyone, including first names alone, \
        nicknames, names written in lowercase, and staff initials. Copy each name exactly as written, one per \
        line, each name only once. After the people, list each employer or workplace named, as "employer: NAME".
        """
    }

    /// The document cut into excerpts of at most `length` scalars, each ending at a line end where the document
    /// has one in reach (else at a space), so no name is cut in two.
    static func excerpts(of t: TokenizedText, length: Int) -> [Range<Int>] {
        let scalars = t.scalars
        var ranges: [Range<Int>] = []
        var start = 0
        while start < scalars.count {
            var end = min(scalars.count, start + length)
            if end < scalars.count {
                let floor = start + length / 2
                if let newline = (floor..<end).last(where: { scalars[$0] == "\n" }) {
                    end = newline + 1
                } else if let space = (floor..<end).last(where: { CharacterClass.isHorizontalSpace(scalars[$0]) }) {
                    end = space + 1
                }
            }
            if t.text(start..<end).unicodeScalars.contains(where: CharacterClass.isLetter) { ranges.append(start..<end) }
            start = end
        }
        return ranges
    }

    // MARK: - Reading the answer

    /// The names an answer lists: each person as the words of one name, each employer as its words. Nothing
    /// here is looked up yet; ``analyze(_:)`` keeps only what the document contains.
    static func parse(_ answer: String) -> (people: [[String]], employers: [[String]]) {
        var people: [[String]] = []
        var employers: [[String]] = []
        for rawLine in answer.split(whereSeparator: \.isNewline) {
            var line = Substring(rawLine).trimmingCharacters(in: " \t-*•").trimmingLeadingNumber()
            // "employer: X", also after a person on the same line ("Ana Ruiz (employer: X)", "Ruiz, Ana — employer X").
            if let label = line.range(of: #"\b(employers?|workplaces?)\b:?"#, options: [.regularExpression, .caseInsensitive]) {
                let value = line[label.upperBound...].prefix { $0 != ")" }
                let words = employerWords(value)
                if let words { employers.append(words) }
                line = line[..<label.lowerBound].trimmingCharacters(in: " \t(—–-:,;")
                // A line naming the employer twice ("X (employer: X)") names no person.
                if let words, line.lowercased() == words.joined(separator: " ").lowercased() { continue }
            } else if isSentence(line) {
                continue
            } else if let colon = line.firstIndex(of: ":") {
                // "person: X", "nurse: X": the value is the name; a label of several words is text, not a field.
                let label = line[..<colon]
                if !label.contains(" ") { line = String(line[line.index(after: colon)...]) }
            }
            for segment in personSegments(line) {
                if let words = personWords(segment) { people.append(words) }
            }
        }
        return (people, employers)
    }

    /// The answer without the lines that copy a whole line of the excerpt of three words or more written otherwise
    /// than a name (not every word capitalized): a small model that finds no name in a terse note echoes its lines
    /// ("psoriasis - clearer, no new plaques", "hx shingles (2018)"), and their words would be taken for names everywhere.
    static func withoutCopiedLines(_ answer: String, excerpt: String) -> String {
        func normalized(_ line: Substring) -> String {
            line.trimmingCharacters(in: CharacterSet(charactersIn: " \t-*•")).lowercased().split(separator: " ").joined(separator: " ")
        }
        let documentLines = Set(excerpt.split(whereSeparator: \.isNewline).map(normalized))
        return answer.split(whereSeparator: \.isNewline).filter { line in
            let words = line.split { $0 == " " || $0 == "\t" }
            guard words.count >= 3, documentLines.contains(normalized(line)) else { return true }
            return words.filter { $0.first?.isLetter == true }.allSatisfy { $0.first?.isUppercase == true }
        }.joined(separator: "\n")
    }

    /// A line that is a sentence copied from the text rather than a listed name: five words or more, ending as
    /// a sentence ends.
    static func isSentence(_ line: String) -> Bool {
        guard let last = line.last, ".?!".contains(last) else { return false }
        return line.split(separator: " ").count >= 5
    }

    /// Pieces of a listed line that may each be one name: a listed line often adds a role, a relation or a
    /// place ("june ellery (daughter)", "crystal from the home care agency", "dr hollis / ts").
    static func personSegments(_ line: String) -> [String] {
        var segments: [String] = []
        var current: [String] = []
        func flush() {
            if !current.isEmpty { segments.append(current.joined(separator: " ")) }
            current = []
        }
        var depth = 0
        for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            var text = String(word)
            if text.hasPrefix("(") || text.hasPrefix("<") || text.hasPrefix("[") { flush(); depth += 1 }
            if depth > 0 {
                if text.hasSuffix(")") || text.hasSuffix(">") || text.hasSuffix("]") { depth -= 1 }
                continue
            }
            if ["/", "-", "—", "–", "&", "+"].contains(text) || segmentBreakWords.contains(text.lowercased()) {
                flush(); continue
            }
            let ends = text.last.map { ",;/".contains($0) } ?? false
            if ends { text.removeLast() }
            current.append(text)
            if ends { flush() }
        }
        flush()
        return segments
    }

    /// Words that join a name to something else in a listed line.
    static let segmentBreakWords: Set<String> = [
        "from", "for", "at", "of", "with", "and", "or", "re", "to", "in", "on", "by", "via", "as", "is", "was", "who",
    ]

    /// The words of one listed name, without titles, credentials, relation and role words and quotes; nil when
    /// the piece is no person's name: it holds a digit, an address or an organization's word, or too many words.
    static func personWords(_ segment: String) -> [String]? {
        var words: [String] = []
        for raw in segment.split(separator: " ") {
            let word = raw.trimmingCharacters(in: ".,;:'\"“”‘’!?()")
            let key = word.lowercased()
            guard !key.isEmpty else { continue }
            if key.contains(where: \.isNumber) || key.contains("@") || key.contains("/") { return nil }
            if FacilityWords.heads.contains(key) || EmployerWords.companySuffixes.contains(key) { return nil }
            if Titles.honorifics.contains(key) || Titles.credentials.contains(key) || RelationWords.words.contains(key)
                || NameRecognizer.personRoleLabels.contains(key) || roleWords.contains(key)
                || FunctionWords.words.contains(key) { continue }
            words.append(word)
        }
        return (1...4).contains(words.count) ? words : nil
    }

    /// Two to four letters without a vowel: staff initials ("ts", "rmb"), not a word.
    static func looksLikeInitials(_ key: String) -> Bool {
        (2...4).contains(key.count) && key.allSatisfy(\.isLetter) && NameRecognizer.hasNoVowel(key)
    }

    /// Where initials sign or route a note: after a slash or a dash, after "by", "to" or "cc", or alone at the end
    /// of a line.
    static func isSignOffPosition(_ t: TokenizedText, _ k: Int) -> Bool {
        if let p = t.previous(k), t.isSymbol(p, "/") || t.isSymbol(p, "-") || t.isSymbol(p, "—") || t.isSymbol(p, "–")
            || t.isWord(p) && ["by", "to", "cc"].contains(t.key(p)) {
            return true
        }
        guard let n = t.next(k) else { return true }
        return t.isNewline(n)
    }

    /// Nouns a model writes beside a name for the person's part in the story.
    static let roleWords: Set<String> = [
        "patient", "pt", "nurse", "doctor", "physician", "provider", "caller", "staff", "pharmacist", "therapist",
        "dad", "mom", "father", "mother", "self", "unknown", "none", "n/a", "name", "person", "people", "employer",
    ]

    /// The words of a listed employer, or nil when there are none or more than six. Titles and credentials at
    /// either end go: they belong to a person written beside it.
    static func employerWords(_ value: Substring) -> [String]? {
        let cut = value.split(separator: "(", maxSplits: 1).first.map(String.init) ?? ""
        var words = cut.split(separator: " ").map { $0.trimmingCharacters(in: ".,;:'\"“”") }.filter { !$0.isEmpty }
        func isTitle(_ word: String) -> Bool {
            Titles.credentials.contains(word.lowercased()) || Titles.honorifics.contains(word.lowercased())
        }
        while let last = words.last, isTitle(last) { words.removeLast() }
        while let first = words.first, isTitle(first) { words.removeFirst() }
        // At least one word that can name an organization: not a function word, a title or a credential.
        let naming = words.filter { $0.count > 2 && !FunctionWords.words.contains($0.lowercased()) && !isTitle($0) }
        guard (1...6).contains(words.count), !naming.isEmpty,
              !["none", "n/a", "unknown"].contains(words.joined(separator: " ").lowercased()) else { return nil }
        return words
    }

    // MARK: - Finding the listed names in the document

    /// Every mention of the listed people: each name whose words occur in the document becomes known to it, and
    /// ``DocumentNames`` finds its mentions as it does for a name found from context.
    func personDetections(_ people: [[String]], in t: TokenizedText) -> [Detection] {
        guard !people.isEmpty else { return [] }
        var occurrences: [String: [Int]] = [:]
        var capitalizedInSentence = Set<String>()
        var signedOff = Set<String>()
        for k in 0..<t.count where t.isWord(k) {
            occurrences[t.key(k), default: []].append(k)
            if t.tokens[k].shape == .capitalized, !t.startsSentence(k) { capitalizedInSentence.insert(t.key(k)) }
            if Self.isSignOffPosition(t, k) { signedOff.insert(t.key(k)) }
        }
        var known = DocumentNames()
        for name in people {
            let words = name.flatMap(Self.wordKeys)
            // A listed "name" with a noun that follows eponyms is a named disease, scale or test; one with a clinical
            // word's ending is a condition, procedure or drug written where a name could stand ("Assessment:
            // Hypothyroidism, ...").
            guard !words.contains(where: { EponymNouns.words.contains($0) || ClinicalWordShapes.matches($0) }) else { continue }
            // Ordinary words (the lexicons' safe words that no name list has) are the model reading a finding, an
            // object or a department ("Pediatric Endocrinology") as a person. A common word stays when it is also a
            // name ("crystal", "grace"); when it has the shape of initials and the document writes it where staff
            // sign or route a note ("/ts", "-- rmb"), since abbreviations ("bp", "hx") have that shape too; or when
            // it is listed alone and the document capitalizes it inside a sentence (a nickname).
            let keys = words.filter { key in
                guard occurrences[key] != nil else { return false }
                let ordinary = lexicons.isSafe(key) && !lexicons.isName(key)
                return !ordinary || Self.looksLikeInitials(key) && signedOff.contains(key)
                    || words.count == 1 && capitalizedInSentence.contains(key)
            }
            guard !keys.isEmpty else { continue }
            // Written in lower case where the document has it: then its lower-case mentions are the person's too.
            let lower = keys.allSatisfy { key in occurrences[key]!.contains { t.tokens[$0].shape == .lower } }
                && name.allSatisfy { $0 == $0.lowercased() }
            known.record(keys, writtenInLowerCase: lower)
        }
        let names = NameRecognizer(lexicons: lexicons)
        return known.mentions(in: t, lexicons: lexicons, taken: [Bool](repeating: false, count: t.count),
                              followedByMedicalNoun: { names.followedByEponymNoun(t, $0) })
            .map { detection(t.range($0.0, $0.1), .name, score: 0.75) }
    }

    /// Every place where a listed employer's whole name occurs (any casing), except a place of care: a model
    /// reading a clinical note calls the hospital or clinic where the patient was seen a workplace, and those are
    /// facilities (the rules' ``FacilityRecognizer``), not the patient's employer.
    func employerDetections(_ employers: [[String]], in t: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        for name in employers {
            let keys = name.flatMap(Self.wordKeys)
            guard let last = keys.last, !Self.placesOfCare.contains(last) else { continue }
            for k in 0..<t.count where t.isWord(k) && t.key(k) == keys[0] {
                if let end = match(keys, in: t, from: k) { found.append(detection(t.range(k, end), .employer, score: 0.6)) }
            }
        }
        return found
    }

    static let placesOfCare: Set<String> = [
        "hospital", "hospitals", "clinic", "clinics", "infirmary", "hospice", "pharmacy", "ed", "er", "center",
        "centre", "practice", "office", "department", "unit",
    ]

    /// The lowercase words and numbers of a listed name ("okwuosa-bright" is two words, as the document's own
    /// tokens are).
    static func wordKeys(_ text: String) -> [String] {
        let t = TokenizedText(text)
        return (0..<t.count).filter { t.isWord($0) || t.isNumber($0) }.map { t.key($0) }
    }

    /// The last token of `keys` written at token `k`, on one line, with at most one punctuation mark between words.
    private func match(_ keys: [String], in t: TokenizedText, from k: Int) -> Int? {
        var j = k
        for (n, key) in keys.enumerated() {
            if n > 0 {
                guard var next = t.next(j) else { return nil }
                if !(t.isWord(next) || t.isNumber(next)), !t.isNewline(next), let after = t.next(next) { next = after }
                j = next
            }
            guard t.isWord(j) || t.isNumber(j), t.key(j) == key else { return nil }
        }
        return j
    }
}

private extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }

    /// "1. June Ellery" -> "June Ellery".
    func trimmingLeadingNumber() -> String {
        var s = Substring(self)
        let digits = s.prefix { $0.isNumber }
        if !digits.isEmpty, let after = s.dropFirst(digits.count).first, after == "." || after == ")" {
            s = s.dropFirst(digits.count + 1)
        }
        return String(s.drop { $0 == " " })
    }
}
