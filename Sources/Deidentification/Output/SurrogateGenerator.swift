import Crypto
import Foundation

/// Realistic fake values, deterministic per patient key.
///
/// Every choice comes from HMAC-SHA256 keyed by the patient key, so the same original always maps to the
/// same surrogate across all of one patient's documents (and differently for another patient), and one
/// per-patient offset shifts every date so intervals stay true. Telephone and fax numbers come from the range
/// the NANP reserves for fiction (555-0100 to 555-0199), e-mail, URL and IP surrogates from documentation domains
/// and ranges, so a surrogate can never reach a real person or host. Names are replaced word by word ("Roe" maps
/// to the same surname in "Jane Roe" and in "Mrs. Roe"); letter case, digits-versus-letters and
/// punctuation of identifiers are kept; ages over 89 become "90 or older".
///
/// ```swift
/// let surrogates = SurrogateGenerator(patientKey: "patient-0042", lexicons: lexicons)
/// surrogates.render(text, spans)   // "Seen by Dr. Mills on 04/17/2023."
/// ```
public final class SurrogateGenerator {
    private let key: SymmetricKey
    public let dateShifter: DateShifter
    private let firstNames: [String]
    private let lastNames: [String]
    private let cities: [String]
    private let lexicons: Lexicons
    private var cache: [String: String] = [:]
    /// Surrogate -> original, for the vault.
    public private(set) var originals: [String: VaultEntry] = [:]

    /// Fallback pools when no lexicons are loaded (common US Census names and places).
    static let fallbackFirstNames = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
                                     "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
                                     "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa"]
    static let fallbackLastNames = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
                                    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
                                    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White"]
    static let fallbackCities = ["Springfield", "Franklin", "Greenville", "Clinton", "Salem", "Madison", "Georgetown",
                                 "Arlington", "Fairview", "Riverside", "Oakland", "Bristol", "Dayton", "Milton"]

    public init(patientKey: String, lexicons: Lexicons = .empty) {
        key = SymmetricKey(data: Data(("vellum-surrogate-v1:" + patientKey).utf8))
        self.lexicons = lexicons
        // Sorted pools so a given key yields the same surrogate on every machine.
        let usable = { (name: String) in name.count > 2 && !lexicons.isSafe(name) && !USStates.names.contains(name) &&
            MonthNames.numbers[name] == nil && !name.contains(" ") }
        let first = lexicons.commonFirstNames.filter(usable).sorted()
        let last = lexicons.commonLastNames.filter(usable).sorted()
        let city = lexicons.cities.filter { $0.count > 3 && !$0.contains("'") }.sorted()
        firstNames = first.isEmpty ? Self.fallbackFirstNames : first.map(\.capitalized)
        lastNames = last.isEmpty ? Self.fallbackLastNames : last.map(\.capitalized)
        cities = city.isEmpty ? Self.fallbackCities : city.map(\.capitalized)
        // One offset per patient, 30 to 400 days either way, never zero.
        let bytes = Self.hmac(key, "date-offset")
        let magnitude = 30 + Int(UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 371
        dateShifter = DateShifter(days: bytes[2] & 1 == 0 ? magnitude : -magnitude)
    }

    public func render(_ text: TokenizedText, _ spans: [Detection]) -> String {
        Replacement.render(text.scalars, spans) { surrogate(for: $0.kind, original: text.text($0.range)) }
    }

    /// The surrogate of one original value.
    public func surrogate(for kind: PHIKind, original: String) -> String {
        let cacheKey = OriginalKey.normalize(kind, original)
        if let cached = cache[cacheKey] { return cached }
        var value: String
        switch kind {
        case .name: value = replaceWords(original, pool: { self.nameFor($0) })
        case .date: value = dateShifter.shift(original) ?? formatPreserving(original, label: "date")
        case .ageOver89: value = "90 or older"
        case .email: value = email(original)
        case .url: value = url(original)
        case .ip: value = ip(original)
        case .city: value = replaceWords(original, pool: { self.pick(self.cities, "city", $0) }, keep: ["county", "parish"])
        case .address: value = replaceWords(original, pool: { self.pick(self.lastNames, "street", $0) },
                                            keep: StreetWords.suffixes.union(StreetWords.units).union(StreetWords.directions).union(["box", "po", "p", "o"]))
        case .facility, .employer:
            value = replaceWords(original, pool: { self.pick(self.lastNames, "org", $0) },
                                 keep: FacilityWords.heads.union(FacilityWords.genericModifiers).union(EmployerWords.companySuffixes)
                                    .union(OrganizationNameScanner.connectors).union(["s"]))
        case .phone, .fax: value = FictionalPhoneNumber(original).surrogate(key: key)
        default: value = formatPreserving(original, label: kind.rawValue)
        }
        if value == original { value = formatPreserving(original, label: kind.rawValue + "-again") }
        cache[cacheKey] = value
        originals[value] = VaultEntry(original: original, kind: kind)
        return value
    }

    // MARK: - Pieces

    /// Replaces each word (letters run) of `original` through `pool`, keeping punctuation, digits replaced
    /// format-preservingly, words in `keep` unchanged, and each word's letter case.
    private func replaceWords(_ original: String, pool: (String) -> String, keep: Set<String> = []) -> String {
        let t = TokenizedText(original)
        var out = ""
        for i in 0..<t.count {
            let piece = t.text(token: i)
            switch t.kind(i) {
            case .word where keep.contains(t.key(i)):
                out += piece
            case .word where t.tokens[i].length == 1:
                out += Self.styled(String(Self.letter(from: Self.hmac(key, "initial:" + t.key(i))[0])), like: piece)
            case .word:
                out += Self.styled(pool(t.key(i)), like: piece)
            case .number:
                out += formatPreserving(piece, label: "number")
            default:
                out += piece
            }
        }
        return out
    }

    /// A given name for a given name, a surname for anything else, chosen by the word alone so every mention
    /// of "Roe" maps to the same surrogate.
    private func nameFor(_ word: String) -> String {
        let given = lexicons.isFirstName(word) && !lexicons.isLastName(word) || Self.fallbackFirstNames.contains(word.capitalized)
        let candidate = pick(given ? firstNames : lastNames, given ? "first" : "last", word)
        return candidate.lowercased() == word ? pick(given ? firstNames : lastNames, "again", word) : candidate
    }

    private func pick(_ pool: [String], _ label: String, _ word: String) -> String {
        let bytes = Self.hmac(key, label + ":" + word)
        let n = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return pool[Int(n % UInt64(pool.count))]
    }

    /// Digits stay digits, capitals capitals, lowercase lowercase; everything else is kept.
    private func formatPreserving(_ original: String, label: String) -> String {
        let stream = Self.stream(key, label + ":" + original.lowercased(), count: original.unicodeScalars.count)
        var out = String.UnicodeScalarView()
        for (n, s) in original.unicodeScalars.enumerated() {
            let b = stream[n]
            if CharacterClass.isDigit(s) {
                out.append(Unicode.Scalar(UInt8(48 + Int(b) % 10)))
            } else if CharacterClass.isASCIILetter(s) {
                let upper = s.value < 97
                let letter = Self.letter(from: b)
                out.append(upper ? letter : Unicode.Scalar(UInt8(letter.value + 32)))
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    private func email(_ original: String) -> String {
        let local = original.split(separator: "@").first.map(String.init) ?? original
        return formatPreserving(local, label: "email").lowercased() + "@example.org"
    }

    private func url(_ original: String) -> String {
        let bytes = Self.hmac(key, "url:" + original)
        let path = bytes.prefix(6).map { String(format: "%02x", $0) }.joined()
        return (original.lowercased().hasPrefix("http://") ? "http://" : "https://") + "example.org/" + path
    }

    /// Documentation ranges (RFC 5737, RFC 3849), so a surrogate address can never be a real host.
    private func ip(_ original: String) -> String {
        let bytes = Self.hmac(key, "ip:" + original)
        if original.contains(":") {
            return String(format: "2001:db8::%x:%x", Int(bytes[0]) << 8 | Int(bytes[1]), Int(bytes[2]) << 8 | Int(bytes[3]))
        }
        return "192.0.2.\(1 + Int(bytes[0]) % 254)"
    }

    static func letter(from byte: UInt8) -> Unicode.Scalar { Unicode.Scalar(65 + byte % 26) }

    static func styled(_ word: String, like original: String) -> String {
        if original.count > 1 && original == original.uppercased() { return word.uppercased() }
        if original == original.lowercased() { return word.lowercased() }
        return word.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: " ")
    }

    static func hmac(_ key: SymmetricKey, _ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key))
    }

    /// `count` pseudo-random bytes for `message` (HMAC in counter mode).
    static func stream(_ key: SymmetricKey, _ message: String, count: Int) -> [UInt8] {
        var out: [UInt8] = []
        var block = 0
        while out.count < count {
            out += hmac(key, "\(block):" + message)
            block += 1
        }
        return out
    }
}
