/// The character classes that the pre-tokenizer regexes ask about (`\p{L}`, `\p{N}`, `\p{P}`, `\s`, ...), with
/// exactly the answers llama.cpp's `unicode_cpt_flags_from_cpt` gives.
///
/// llama.cpp ships its own category table (`src/unicode-data.cpp`, generated from Unicode 15.1). Swift's tables
/// are newer, so a code point assigned after 15.1 is a letter here but "undefined" there, and the regex
/// alternatives treat the two differently. Capping by `Unicode.Scalar.Properties.age` reproduces llama.cpp's
/// table exactly: a one-off comparison with llama.cpp's table (commit 0c1e57098) over all 1,114,112 code
/// points found no difference in letter/number/mark/punctuation/symbol/undefined. Without the cap, 9,988 code
/// points differed (e.g. U+1C89, a Cyrillic letter new in Unicode 16).
struct CharacterClass: OptionSet, Sendable {
    let rawValue: UInt8

    static let letter = CharacterClass(rawValue: 1 << 0)       // \p{L}
    static let number = CharacterClass(rawValue: 1 << 1)       // \p{N}
    static let whitespace = CharacterClass(rawValue: 1 << 2)   // \s (Unicode White_Space)
    static let punctuation = CharacterClass(rawValue: 1 << 3)  // \p{P}
    static let symbol = CharacterClass(rawValue: 1 << 4)       // \p{S}
    static let mark = CharacterClass(rawValue: 1 << 5)         // \p{M}
    /// Set for every code point inside the text. llama.cpp's scanners read "no flags at all" past the end of a
    /// chunk (its `OUT_OF_RANGE`), and several alternatives test for that (`flags.as_uint() != 0`).
    static let present = CharacterClass(rawValue: 1 << 7)

    /// The newest Unicode version llama.cpp's table knows about.
    static let unicodeVersionCap = (major: 15, minor: 1)

    /// ASCII answers, computed once: almost all clinical text is ASCII, so this is the hot path.
    private static let asciiTable: [CharacterClass] = (0..<128).map { classify(UInt32($0)) }

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ scalar: UInt32) {
        self = scalar < 128 ? CharacterClass.asciiTable[Int(scalar)] : CharacterClass.classify(scalar)
    }

    /// llama.cpp's `unicode_set_whitespace`, which is Unicode's White_Space property.
    static func isWhitespace(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    private static func classify(_ value: UInt32) -> CharacterClass {
        var result: CharacterClass = .present
        if isWhitespace(value) { result.insert(.whitespace) }
        guard let scalar = Unicode.Scalar(value) else { return result }
        if let age = scalar.properties.age,
           age.major > unicodeVersionCap.major || (age.major == unicodeVersionCap.major && age.minor > unicodeVersionCap.minor) {
            return result  // assigned after llama.cpp's table was generated: "undefined" there
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert(.number)
        case .nonspacingMark, .spacingMark, .enclosingMark:
            result.insert(.mark)
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            result.insert(.punctuation)
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            result.insert(.symbol)
        default:
            break  // separators, controls, format, private use, unassigned
        }
        return result
    }
}
