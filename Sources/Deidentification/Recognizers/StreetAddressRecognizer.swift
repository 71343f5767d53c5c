/// Street addresses with their unit: "1234 N. Oak Hill Rd., Apt 5B", "77 5th Avenue #12", "PO Box 4412",
/// and a unit alone ("Suite 300"). The house number and unit are part of the ADDRESS span.
public struct StreetAddressRecognizer: Recognizer {
    public let name = "street_address"
    public let supportedKinds: Set<PHIKind> = [.address, .city]
    let suffixes: Set<String>

    /// Suffixes that also work as street words when written in lowercase ("12 main street").
    static let unambiguousSuffixes: Set<String> = ["street", "avenue", "road", "boulevard", "lane", "drive",
                                                   "blvd", "ave", "st", "rd", "court", "terrace", "parkway", "highway"]

    public init(lexicons: Lexicons = .empty) {
        suffixes = StreetWords.suffixes.union(lexicons.streetSuffixes)
    }

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        var i = 0
        while i < text.count {
            if text.isNumber(i), let end = street(text, i) {
                let withUnit = unit(text, after: end) ?? end
                found.append(detection(text.range(i, withUnit), .address, score: 0.9))
                if let (c0, c1) = cityAfterStreet(text, withUnit) { found.append(detection(text.range(c0, c1), .city, score: 0.8)) }
                i = withUnit + 1
            } else if text.isWord(i), let end = highwayLocation(text, i) {
                found.append(detection(text.range(i, end), .address, score: 0.8))
                i = end + 1
            } else if text.isWord(i), let end = mileMarker(text, i) {
                found.append(detection(text.range(i, end), .address, score: 0.75))
                i = end + 1
            } else if text.isWord(i), Self.numberWords.contains(text.key(i)), text.tokens[i].shape == .capitalized,
                      let end = street(text, i) {
                // "One Commerce Square": a house number written as a word.
                let withUnit = unit(text, after: end) ?? end
                found.append(detection(text.range(i, withUnit), .address, score: 0.8))
                i = withUnit + 1
            } else if text.isWord(i), let (start, end) = namedStreet(text, i) {
                found.append(detection(text.range(start, end), .address, score: 0.7))
                i = end + 1
            } else if text.isWord(i), let end = poBox(text, i) ?? standaloneUnit(text, i) {
                found.append(detection(text.range(i, end), .address, score: 0.8))
                i = end + 1
            } else {
                i += 1
            }
        }
        return found
    }

    /// House number, optional direction, 1-4 street words, a suffix, optional trailing direction.
    private func street(_ t: TokenizedText, _ i: Int) -> Int? {
        guard t.tokens[i].length <= 6 || t.isWord(i), i == 0 || !(t.isWord(i - 1) || t.isNumber(i - 1) || t.isSymbol(i - 1, ".") ||
                                                   t.isSymbol(i - 1, "/") || t.isSymbol(i - 1, ":") || t.isSymbol(i - 1, "$")) else { return nil }
        var j = i
        if j + 1 < t.count, t.isWord(j + 1), t.tokens[j + 1].length == 1 { j += 1 }         // 12B
        if t.isSymbol(j + 1, "-"), t.isNumber(j + 2) { j += 2 }                               // 100-102
        guard t.isSpace(j + 1) else { return nil }
        var words = 0
        var sawLowercase = false
        var cursor = j
        var best: Int?   // the last suffix seen: "Oak Hill Rd" ends at "Rd", not at "Hill"
        while words < 5, let n = t.next(cursor) {
            if t.isWord(n) {
                let key = t.key(n)
                let shape = t.tokens[n].shape
                if words > 0, suffixes.contains(key), shape != .lower || Self.unambiguousSuffixes.contains(key) {
                    // After lowercase words only an unambiguous suffix counts: "2022 note by Dr. Amstutz" is no street.
                    if sawLowercase && !Self.unambiguousSuffixes.contains(key) { return best }
                    var end = n
                    if t.isSymbol(end + 1, ".") { end += 1 }
                    if let d = t.next(end), t.isWord(d), StreetWords.directions.contains(t.key(d)), t.tokens[d].shape != .lower {
                        end = d
                        if t.isSymbol(end + 1, ".") { end += 1 }
                        return end
                    }
                    // "County Road 14", "Route 9", "Highway 101": a number names the road.
                    if ["road", "rd", "route", "rte", "highway", "hwy"].contains(key), let num = t.next(end), t.isNumber(num),
                       !(num + 1 < t.count && t.isSymbol(num + 1, "/")) {
                        return num
                    }
                    best = end
                    words += 1
                    cursor = n
                    continue
                }
                if shape == .lower {
                    sawLowercase = true
                    if words >= 2 { return best }
                }
                words += 1
                cursor = n
                if t.isSymbol(cursor + 1, "."), StreetWords.directions.contains(key) { cursor += 1 }   // "N."
            } else if t.isNumber(n), t.isWord(n + 1), DateRecognizer.ordinalSuffixes.contains(t.key(n + 1)) {
                words += 1                                                                        // 5th Ave
                cursor = n + 1
            } else {
                return best
            }
        }
        return best
    }

    static let numberWords: Set<String> = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    /// "I-84 westbound near mile marker 33", "US-101 at exit 12", "Highway 9 mile marker 4".
    private func highwayLocation(_ t: TokenizedText, _ i: Int) -> Int? {
        let key = t.key(i)
        var end: Int
        if ["i", "us", "sr", "hwy", "ih"].contains(key), t.tokens[i].shape == .allCaps, t.isSymbol(i + 1, "-"), t.isNumber(i + 2),
           t.tokens[i + 2].length <= 3 {
            end = i + 2                                                           // I-84, US-101
        } else if ["interstate", "highway", "route", "hwy"].contains(key), t.tokens[i].shape != .lower,
                  let n = t.next(i), t.isNumber(n), t.tokens[n].length <= 3 {
            end = n                                                               // Interstate 84
        } else {
            return nil
        }
        return end
    }

    /// "mile marker 33", "MM 12", "exit 4B" near a highway: a location on the road.
    private func mileMarker(_ t: TokenizedText, _ i: Int) -> Int? {
        var j = i
        switch t.key(i) {
        case "mile": guard let m = t.next(i), t.key(m) == "marker" || t.key(m) == "post" else { return nil }; j = m
        case "mm" where t.tokens[i].shape == .allCaps: break
        default: return nil
        }
        guard let n = t.next(j), t.isNumber(n), t.tokens[n].length <= 4 else { return nil }
        return n
    }

    /// "Kimball Street and 3rd Avenue" (an intersection) or "on Bridge Street": a street named without a
    /// house number. The suffix must be written out in full and capitalized.
    private func namedStreet(_ t: TokenizedText, _ i: Int) -> (Int, Int)? {
        guard t.tokens[i].shape == .capitalized, i == 0 || !t.isNumber(t.previous(i) ?? 0) else { return nil }
        guard let (first, suffix) = streetName(t, from: i) else { return nil }
        // Intersection: "X Street and Y Avenue", "X St & Y Ave".
        if let a = t.next(suffix), t.key(a) == "and" || t.isSymbol(a, "&"), let n = t.nextSkippingLines(a),
           let (_, suffix2) = streetName(t, from: n) {
            return (first, suffix2)
        }
        guard let p = t.previous(first), t.isWord(p), ["on", "at", "near", "off", "along", "down", "up", "across"].contains(t.key(p)),
              ["street", "avenue", "road", "boulevard", "lane", "drive", "parkway", "highway"].contains(t.key(suffix)) else { return nil }
        return (first, suffix)
    }

    /// One or two capitalized words (or an ordinal such as "3rd") and a capitalized full suffix.
    private func streetName(_ t: TokenizedText, from i: Int) -> (Int, Int)? {
        var j = i
        var words = 0
        while words < 3 {
            if t.isWord(j), t.tokens[j].shape == .capitalized, !suffixes.contains(t.key(j)) || words > 0 {
                if words > 0, suffixes.contains(t.key(j)), ["street", "avenue", "road", "boulevard", "lane", "drive", "way",
                                                            "place", "court", "parkway", "highway", "terrace", "circle"].contains(t.key(j)) {
                    return (i, j)
                }
                if FunctionWords.words.contains(t.key(j)) { return nil }
            } else if t.isNumber(j), t.isWord(j + 1), DateRecognizer.ordinalSuffixes.contains(t.key(j + 1)) {
                j += 1
            } else {
                return nil
            }
            words += 1
            guard let n = t.nextSkippingLines(j) else { return nil }
            j = n
        }
        return nil
    }

    /// "..., Ocala," or "..., Springfield, IL": the town after a street line.
    private func cityAfterStreet(_ t: TokenizedText, _ end: Int) -> (Int, Int)? {
        guard let c = t.next(end), t.isSymbol(c, ","), let first = t.nextSkippingLines(c), t.isWord(first),
              t.tokens[first].shape == .capitalized || t.tokens[first].shape == .allCaps else { return nil }
        var last = first
        while let n = t.next(last), t.isWord(n), t.tokens[n].shape == .capitalized, last - first < 4 { last = n }
        guard let after = t.next(last) else { return (first, last) }
        if t.isSymbol(after, ",") || t.kind(after) == .newline || t.isNumber(after) { return (first, last) }
        if t.isWord(after), t.tokens[after].length == 2, t.tokens[after].shape == .allCaps { return (first, last) }
        return nil
    }

    /// ", Apt 5B", " Suite 300", " #12", " Unit C-4" after a street.
    private func unit(_ t: TokenizedText, after end: Int) -> Int? {
        var j = end
        if let c = t.next(j), t.isSymbol(c, ",") { j = c }
        guard let u = t.next(j) else { return nil }
        if t.isSymbol(u, "#"), let v = t.next(u), t.isNumber(v) || t.isWord(v) {
            return t.identifierEnd(startingAt: v, minimumLength: 1, requireDigit: false)
        }
        // ", 14th Floor", "3rd floor"
        if t.isNumber(u), t.isWord(u + 1), DateRecognizer.ordinalSuffixes.contains(t.key(u + 1)), let f = t.next(u + 1),
           t.isWord(f), ["floor", "fl"].contains(t.key(f)) {
            return f
        }
        guard t.isWord(u), StreetWords.units.contains(t.key(u)) else { return nil }
        return unitValue(t, after: u)
    }

    private func unitValue(_ t: TokenizedText, after u: Int) -> Int? {
        var v = u
        if t.isSymbol(v + 1, ".") { v += 1 }
        guard var value = t.next(v) else { return nil }
        if t.isSymbol(value, "#"), let x = t.next(value) { value = x }
        guard t.isNumber(value) || (t.isWord(value) && t.tokens[value].length <= 2 && t.tokens[value].shape == .allCaps) else { return nil }
        return t.identifierEnd(startingAt: value, minimumLength: 1, requireDigit: false)
    }

    /// "Apt 4B", "Suite 300" without a street before it; the unit word must be capitalized.
    private func standaloneUnit(_ t: TokenizedText, _ i: Int) -> Int? {
        guard ["apt", "apartment", "suite", "ste", "unit"].contains(t.key(i)), t.tokens[i].shape != .lower else { return nil }
        guard let end = unitValue(t, after: i), t.isNumber(end) || t.isNumber(end - 1) || t.isWord(end) else { return nil }
        return end
    }

    /// "PO Box 1234", "P.O. Box 77", "Post Office Box 5".
    private func poBox(_ t: TokenizedText, _ i: Int) -> Int? {
        var j = i
        let key = t.key(i)
        if key == "p", t.isSymbol(i + 1, "."), t.isWord(i + 2), t.key(i + 2) == "o" {
            j = i + 2
            if t.isSymbol(j + 1, ".") { j += 1 }
        } else if key == "po" {
            if t.isSymbol(j + 1, ".") { j += 1 }
        } else if key == "post", let o = t.next(i), t.key(o) == "office" {
            j = o
        } else if key == "rural" || key == "rr" || key == "hc", t.tokens[i].shape != .lower {
            // "Rural Route 2 Box 14", "RR 3 Box 7", "HC 61 Box 12".
            var r = i
            if key == "rural" { guard let route = t.next(i), t.key(route) == "route" else { return nil }; r = route }
            // "RR 18" is a respiratory rate: the short forms need their box number.
            guard let number = t.next(r), t.isNumber(number) else { return nil }
            if let box = t.next(number), t.key(box) == "box", let n = t.next(box), t.isNumber(n) { return n }
            return key == "rural" ? number : nil
        } else {
            return nil
        }
        guard let box = t.next(j), t.key(box) == "box", var n = t.next(box) else { return nil }
        if t.isSymbol(n, "#"), let x = t.next(n) { n = x }
        guard t.isNumber(n) else { return nil }
        return n
    }
}
