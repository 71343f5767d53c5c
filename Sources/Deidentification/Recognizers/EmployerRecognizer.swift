/// Employer names after "works at", "employed by", "retired from", "Employer:" and similar phrases
/// ("works at Acme Tool & Die", "employed by Northfield Public Schools").
public struct EmployerRecognizer: Recognizer {
    public let name = "employer"
    public let supportedKinds: Set<PHIKind> = [.employer]
    static let introductions = PhraseSet(EmployerWords.phrases)
    /// Words that put an organization named shortly after "at", "for" or a comma in an employment context:
    /// "teaches fourth grade at Birchwood Elementary School", "Work note for Northgate Credit Union".
    static let workWords: Set<String> = ["work", "works", "working", "worked", "job", "employed", "employer",
                                         "teaches", "taught", "occupation", "retired", "career", "shift", "shifts",
                                         "workplace", "employment", "employs", "hired"]
    /// Phrases that introduce military service, the employer of a service member or veteran.
    static let serviceIntroductions = PhraseSet(["served in", "serving in", "service", "military service",
                                                 "branch", "branch of service", "enlisted in", "veteran of",
                                                 "retired from", "deployed with", "discharged from", "works for",
                                                 "employed by", "employer"])
    /// Branches of the armed forces, written after an optional "US", "U.S." or "United States".
    static let militaryBranches = PhraseSet(["army", "navy", "air force", "marine corps", "marines", "coast guard",
                                             "national guard", "army national guard", "air national guard",
                                             "army reserve", "navy reserve", "space force"])
    public init() {}

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            guard text.isWord(i) else { i += 1; continue }
            if let introEnd = Self.serviceIntroductions.match(text, at: i), let (start, end) = militaryBranch(text, after: introEnd) {
                found.append(detection(text.range(start, end), .employer, score: 0.75))
                i = end + 1
                continue
            }
            if text.key(i) == "where", let (start, end) = organizationBeforeWhereWorks(text, i) {
                found.append(detection(text.range(start, end), .employer, score: 0.7))
                i += 1
                continue
            }
            guard let phraseEnd = Self.introductions.match(text, at: i) else {
                if let (start, end) = Self.workWords.contains(text.key(i)) ? organizationAfterWorkWord(text, i) : organizationAfterJob(text, i) {
                    found.append(detection(text.range(start, end), .employer, score: 0.7))
                    i = end + 1
                } else {
                    i += 1
                }
                continue
            }
            var j = phraseEnd
            if let c = text.next(j), text.isSymbol(c, ":") { j = c }
            // "works as a cashier at Shop-Rite": skip a short lowercase job title up to "at"/"for".
            if var n = text.next(j) {
                var hops = 0
                while hops < 4, text.isWord(n), text.tokens[n].shape == .lower, !["at", "for", "with"].contains(text.key(n)),
                      let m = text.next(n) { n = m; hops += 1 }
                // "Employer on file: X", "Employer (per intake form): X": the label's own words, then its colon.
                if text.isSymbol(n, "("), let close = (n..<min(text.count, n + 12)).first(where: { text.isSymbol($0, ")") }),
                   let m = text.next(close) { n = m }
                if text.isSymbol(n, ":"), let m = text.next(n) { n = m }
                if text.isWord(n), ["at", "for", "with"].contains(text.key(n)), let m = text.next(n) { n = m }
                if text.isWord(n), text.key(n) == "the", let m = text.next(n) { n = m }
                if var end = OrganizationNameScanner.nameEnd(text, from: n), !FunctionWords.words.contains(text.key(n)) ||
                    EmployerWords.companySuffixes.contains(text.key(end)) {
                    // In capitals the job title joins the run ("TEACHER AT LINCOLN HIGH SCHOOL"): start after "AT".
                    if let at = (n...end).last(where: { text.isWord($0) && ["at", "for"].contains(text.key($0)) }),
                       let after = text.next(at), after <= end {
                        n = after
                    }
                    end = max(end, n)
                    let last = Self.legalSuffixEnd(text, end)
                    found.append(detection(text.range(n, last), .employer, score: 0.8))
                    i = last + 1
                    continue
                }
            }
            // "occupation: bookkeeper, Marion Citrus Cooperative": the organization after a job title.
            if let (start, end) = organizationAfterWorkWord(text, phraseEnd) {
                found.append(detection(text.range(start, end), .employer, score: 0.7))
                i = end + 1
                continue
            }
            i = phraseEnd + 1
        }
        return found
    }

    /// "Tri-State Freight Lines, Inc.": a legal suffix after a comma belongs to the name; "Co." and "Inc."
    /// keep their period, "Schools." ends a sentence.
    static func legalSuffixEnd(_ t: TokenizedText, _ end: Int) -> Int {
        var last = end
        if t.isSymbol(last + 1, ","), let s = t.next(last + 1), ["inc", "llc", "llp", "ltd", "corp", "co"].contains(t.key(s)) {
            last = s
        }
        if t.isSymbol(last + 1, "."), EmployerWords.companySuffixes.contains(t.key(last)), t.tokens[last].length <= 4 { last += 1 }
        return last
    }

    /// "Service: US Army", "served in the U.S. Navy", "veteran of the Marine Corps": a capitalized branch of the
    /// armed forces after a service phrase. The country prefix belongs to the name; "the" does not.
    private func militaryBranch(_ t: TokenizedText, after introEnd: Int) -> (Int, Int)? {
        guard var n = t.next(introEnd) else { return nil }
        if t.isSymbol(n, ":") || t.isSymbol(n, "-"), let m = t.next(n) { n = m }
        if t.isWord(n), t.key(n) == "the", let m = t.next(n) { n = m }
        guard t.isWord(n), t.tokens[n].shape != .lower else { return nil }
        let start = n
        var branch = n
        if ["us", "usa"].contains(t.key(n)), t.tokens[n].shape == .allCaps, let m = t.next(n) {
            branch = m
        } else if t.key(n) == "u", t.isSymbol(n + 1, "."), t.key(n + 2) == "s", t.isSymbol(n + 3, "."), let m = t.next(n + 3) {
            branch = m
        } else if t.key(n) == "united", let s = t.next(n), t.key(s) == "states", let m = t.next(s) {
            branch = m
        }
        guard t.isWord(branch), t.tokens[branch].shape != .lower, let end = Self.militaryBranches.match(t, at: branch) else { return nil }
        return (start, end)
    }

    /// "... at Keystone Farmers Bank where the nephew works": the organization before "where ... works".
    private func organizationBeforeWhereWorks(_ t: TokenizedText, _ whereIndex: Int) -> (Int, Int)? {
        var j = whereIndex
        var works = false
        for _ in 0..<4 {
            guard let n = t.next(j), t.isWord(n) else { break }
            if ["works", "worked", "working", "employed", "work"].contains(t.key(n)) { works = true; break }
            j = n
        }
        guard works, let last = t.previous(whereIndex), t.isWord(last), t.tokens[last].shape == .capitalized else { return nil }
        // Walk back over the capitalized run, then read it forward as an organization name.
        var first = last
        while let p = t.previous(first), OrganizationNameScanner.isNameWord(t, p), last - p < 12 { first = p }
        guard !FunctionWords.words.contains(t.key(first)) || first != last,
              let end = OrganizationNameScanner.nameEnd(t, from: first), end == last, first != last else { return nil }
        return (first, last)
    }

    /// Looks up to eight tokens ahead, within the sentence, for "at"/"for"/"," and a capitalized organization.
    /// "a welder for Narragansett Shipyard", "an EMT with Westerly Ambulance Corps", "driver for RIPTA": a job
    /// (not capitalized: "Officer Diaz" is a person), then "for", "with" or "at" and a capitalized name straight after it.
    private func organizationAfterJob(_ t: TokenizedText, _ i: Int) -> (Int, Int)? {
        guard t.tokens[i].shape != .capitalized, EmployerWords.occupations.contains(t.key(i)), let p = t.next(i), t.isWord(p),
              ["for", "with", "at"].contains(t.key(p)), var o = t.next(p) else { return nil }
        if t.key(o) == "the", let q = t.next(o) { o = q }
        guard t.isWord(o), t.tokens[o].shape == .capitalized || t.tokens[o].shape == .allCaps,
              !FunctionWords.words.contains(t.key(o)), !Titles.honorifics.contains(t.key(o)),
              let end = OrganizationNameScanner.nameEnd(t, from: o) else { return nil }
        return (o, Self.legalSuffixEnd(t, end))
    }

    private func organizationAfterWorkWord(_ t: TokenizedText, _ i: Int) -> (Int, Int)? {
        var j = i
        var lines = 0
        for _ in 0..<8 {
            guard let n = t.next(j) else { return nil }
            if t.kind(n) == .newline { lines += 1; if lines > 1 { return nil }; j = n; continue }
            if t.isSymbol(n, ".") || t.isSymbol(n, ";") { return nil }
            if t.key(n) == "at" || t.key(n) == "for" || t.isSymbol(n, ",") {
                guard var o = t.nextSkippingLines(n) else { return nil }
                if t.key(o) == "the", let p = t.nextSkippingLines(o) { o = p }
                // "City of Springfield ...": a generic word opens the name only when "of" follows it.
                let opensWithOf = t.next(o).map { t.key($0) == "of" } ?? false
                guard !FunctionWords.words.contains(t.key(o)) || opensWithOf, t.tokens[o].shape == .capitalized || t.tokens[o].shape == .allCaps,
                      let end = OrganizationNameScanner.nameEnd(t, from: o, allowLineBreaks: true) else { j = n; continue }
                return (o, Self.legalSuffixEnd(t, end))
            }
            j = n
        }
        return nil
    }
}
