/// Cities, counties and ZIP codes: "Springfield, IL 62704", "Boston MA 02115-1234", "Zip: 60612",
/// "Cook County", and cities from the gazetteer after "in", "from", "lives in" and the like. A state alone is
/// not PHI and is never reported.
public struct LocationRecognizer: Recognizer {
    public let name = "location"
    public let supportedKinds: Set<PHIKind> = [.city, .zip]
    let lexicons: Lexicons

    static let placePrepositions: Set<String> = [
        "in", "from", "to", "near", "at", "of", "resides", "lives", "moved", "born", "visiting", "visited",
        "relocated", "traveled", "travelled", "returned", "outside", "city", "town", "hometown", "village",
    ]
    static let residenceVerbs: Set<String> = ["lives", "living", "live", "moved", "resides", "residing", "born", "relocated",
                                              "visiting", "traveled", "travelled", "drove", "flew", "raised", "grew"]
    static let zipLabels = PhraseSet(["zip", "zip code", "zipcode", "postal code", "postcode", "zip+4"])

    public init(lexicons: Lexicons = .empty) { self.lexicons = lexicons }

    public func analyze(_ text: TokenizedText) -> [Detection] {
        var found: [Detection] = []
        for i in 0..<text.count {
            if text.isWord(i) {
                if let stateEnd = stateEnd(text, i) { found += cityStateZip(text, stateStart: i, stateEnd: stateEnd) }
                if text.key(i) == "county" || text.key(i) == "parish", text.tokens[i].shape != .lower,
                   let start = capitalizedRunStart(text, endingBefore: i) {
                    found.append(detection(text.range(start, i), .city, score: 0.85))
                }
                if let end = Self.zipLabels.match(text, at: i), let v = text.valueStart(afterLabel: end), let z = zipEnd(text, v) {
                    found.append(detection(text.range(v, z), .zip, score: 0.9))
                }
                if let end = gazetteerCity(text, i) { found.append(detection(text.range(i, end), .city, score: 0.6)) }
            } else if text.isNumber(i), text.tokens[i].length == 5, text.isSymbol(i + 1, "-"), text.isNumber(i + 2),
                      text.tokens[i + 2].length == 4, !(i > 0 && (text.isSymbol(i - 1, "-") || text.isWord(i - 1))),
                      !(i + 3 < text.count && (text.isSymbol(i + 3, "-") || text.isNumber(i + 3) || text.isWord(i + 3))) {
                found.append(detection(text.range(i, i + 2), .zip, score: 0.6))                    // ZIP+4
            }
        }
        // "City, ST 12345-6789" is also a bare ZIP+4: report each span once.
        var seen = Set<Range<Int>>()
        return found.filter { seen.insert($0.range).inserted }
    }

    /// A state abbreviation (all caps) or full state name starting at `i`; returns its last token.
    private func stateEnd(_ t: TokenizedText, _ i: Int) -> Int? {
        let key = t.key(i)
        if t.tokens[i].length == 2, t.tokens[i].shape == .allCaps, USStates.abbreviations.contains(key) { return i }
        guard t.tokens[i].shape != .lower else { return nil }
        if USStates.names.contains(key) { return i }
        if let n = t.next(i), t.isWord(n), USStates.names.contains(key + " " + t.key(n)) { return n }
        return nil
    }

    /// "City, ST 12345": city words before the comma, ZIP after the state.
    private func cityStateZip(_ t: TokenizedText, stateStart: Int, stateEnd: Int) -> [Detection] {
        var found: [Detection] = []
        var zip: Int?
        // HL7 fields separate city, state and ZIP with "^": "MONTEREY^CA^93940".
        var zipStart = t.next(stateEnd)
        if let z = zipStart, t.isSymbol(z, "^") { zipStart = z + 1 }
        if let z = zipStart, t.isNumber(z), let end = zipEnd(t, z) {
            zip = end
            found.append(detection(t.range(z, end), .zip, score: 0.95))
        }
        guard let comma = t.previous(stateStart) else { return found }
        let beforeCity = t.isSymbol(comma, ",") || t.isSymbol(comma, "^") ? t.previous(comma) : (zip != nil ? comma : nil)
        guard let cityEnd = beforeCity, t.isWord(cityEnd), t.tokens[cityEnd].shape != .lower,
              let cityStart = capitalizedRunStart(t, endingBefore: cityEnd + 1) else { return found }
        let cityKey = (cityStart...cityEnd).filter { t.isWord($0) }.map { t.key($0) }.joined(separator: " ")
        // Without a ZIP, "Jane Roe, MD" must not read as a city in Maryland: require a gazetteer city.
        if zip != nil || lexicons.cities.contains(cityKey) {
            if Titles.credentials.contains(t.key(stateStart)) && zip == nil && t.tokens[stateStart].length == 2 {
                return found
            }
            found.append(detection(t.range(cityStart, cityEnd), .city, score: zip != nil ? 0.9 : 0.7))
        }
        return found
    }

    /// First token of the run of up to three capitalized words ending just before token `end`.
    private func capitalizedRunStart(_ t: TokenizedText, endingBefore end: Int) -> Int? {
        var start: Int?
        var j = end
        var words = 0
        while words < 3, let p = t.previous(j), t.isWord(p), t.tokens[p].shape == .capitalized || t.tokens[p].shape == .allCaps {
            if StreetWords.suffixes.contains(t.key(p)) && words == 0 && end != j { break }
            if ["the", "of", "and"].contains(t.key(p)) { break }
            start = p
            words += 1
            j = p
            if t.isSymbol(p - 1, "."), p >= 2, t.key(p - 2) == "st" { start = p - 2; break }   // "St. Louis"
        }
        return start
    }

    /// Five digits, or ZIP+4, starting at `z`.
    private func zipEnd(_ t: TokenizedText, _ z: Int) -> Int? {
        guard t.isNumber(z), t.tokens[z].length == 5 else { return nil }
        if t.isSymbol(z + 1, "-"), t.isNumber(z + 2), t.tokens[z + 2].length == 4 { return z + 2 }
        if z + 1 < t.count, t.isNumber(z + 1) || t.isWord(z + 1) { return nil }
        return z
    }

    /// "Harbor Pathology, Springfield": a comma after a facility's or company's name, the place it is in.
    private func followsOrganization(_ t: TokenizedText, _ comma: Int) -> Bool {
        guard t.isSymbol(comma, ","), let s = t.previous(comma), t.isWord(s), t.tokens[s].shape == .capitalized,
              let q = t.previous(s), t.isWord(q), t.tokens[q].shape == .capitalized else { return false }
        return FacilityWords.heads.contains(t.key(s)) || EmployerWords.companySuffixes.contains(t.key(s))
    }

    /// "12 Old Mill Lane, Harpers Ferry": a comma after a street suffix, the place the street is in.
    private func followsStreet(_ t: TokenizedText, _ comma: Int) -> Bool {
        guard t.isSymbol(comma, ","), var s = t.previous(comma) else { return false }
        if t.isSymbol(s, "."), let q = t.previous(s) { s = q }     // "Oak St., Springfield"
        guard t.isWord(s), t.tokens[s].shape != .lower, StreetWords.suffixes.contains(t.key(s)) else { return false }
        // The street name runs back to a house number ("12 Old Mill Lane"); "Dr. Lane," is a person.
        var j = s
        for _ in 0..<4 {
            guard let q = t.previous(j) else { return false }
            if t.isNumber(q) { return true }
            guard t.isWord(q), t.tokens[q].shape != .lower else { return false }
            j = q
        }
        return false
    }

    /// A gazetteer city (up to three words) after a place preposition or a street address.
    private func gazetteerCity(_ t: TokenizedText, _ i: Int) -> Int? {
        // A preposition ending the line before ("moved here from\nSan Antonio") still introduces the place.
        guard !lexicons.cities.isEmpty, t.tokens[i].shape == .capitalized || t.tokens[i].shape == .allCaps,
              let p = t.previousSkippingLines(i),
              t.isWord(p) && Self.placePrepositions.contains(t.key(p)) || followsStreet(t, p) || followsOrganization(t, p) else { return nil }
        var key = t.key(i)
        var best: Int?
        // "lives in Peoria": a residence verb makes even a common word a place.
        let residence = t.previous(p).map { t.isWord($0) && Self.residenceVerbs.contains(t.key($0)) } ?? false
        var j = i
        for _ in 0..<3 {
            if lexicons.cities.contains(key) && (!(j == i && lexicons.isSafe(key)) || residence || lexicons.majorCities.contains(key)) {
                best = j
            }
            guard let n = t.next(j), t.isWord(n), t.tokens[n].shape == .capitalized else { break }
            key += " " + t.key(n)
            j = n
        }
        return best
    }
}
