/// Scalar classification with an ASCII fast path (the text is mostly ASCII and this runs per scalar).
enum CharacterClass {
    @inline(__always) static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value &- 48 < 10 }

    @inline(__always) static func isASCIILetter(_ s: Unicode.Scalar) -> Bool {
        (s.value | 0x20) &- 97 < 26
    }

    @inline(__always) static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return isASCIILetter(s) }
        if s.properties.isAlphabetic { return !s.properties.isWhitespace }
        // Combining marks ("e" + U+0308) belong to the word they modify.
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    @inline(__always) static func isUpper(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return s.value &- 65 < 26 }
        return s.properties.isUppercase
    }

    @inline(__always) static func isLower(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return s.value &- 97 < 26 }
        return s.properties.isLowercase
    }

    @inline(__always) static func isHorizontalSpace(_ s: Unicode.Scalar) -> Bool {
        if s == " " || s == "\t" { return true }
        if s.value < 128 { return s.value == 0x0B || s.value == 0x0C }
        return s.properties.isWhitespace && s != "\u{2028}" && s != "\u{2029}" && s != "\u{85}"
    }

    @inline(__always) static func isHexDigit(_ s: Unicode.Scalar) -> Bool {
        isDigit(s) || (s.value | 0x20) &- 97 < 6
    }

    static func shape(of word: ArraySlice<Unicode.Scalar>) -> WordShape {
        guard let first = word.first else { return .other }
        var uppers = 0, lowers = 0
        var marks = 0
        for s in word {
            if isUpper(s) { uppers += 1 } else if isLower(s) { lowers += 1 } else if s.value >= 128 { marks += 1 }
        }
        if lowers + marks == word.count { return .lower }
        if uppers + marks == word.count { return .allCaps }
        if isUpper(first) { return .capitalized }  // "McDonald", "DeShawn"
        return .other
    }

    static func lowercasedKey(_ word: ArraySlice<Unicode.Scalar>) -> String {
        var ascii = true
        for s in word where s.value >= 128 { ascii = false; break }
        if ascii { return asciiString(word, lowercase: true) }
        return verbatim(word).lowercased()
    }

    /// One-scalar ASCII strings, built once: most symbol tokens are one of these.
    private static let asciiSingles: [String] = (0..<128).map { String(Unicode.Scalar(UInt8($0))) }

    static func verbatim(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        if scalars.count == 1, let s = scalars.first, s.value < 128 { return asciiSingles[Int(s.value)] }
        var ascii = true
        for s in scalars where s.value >= 128 { ascii = false; break }
        if ascii { return asciiString(scalars, lowercase: false) }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Builds an ASCII string in place, without an intermediate array (short ones stay inline).
    private static func asciiString(_ scalars: ArraySlice<Unicode.Scalar>, lowercase: Bool) -> String {
        String(unsafeUninitializedCapacity: scalars.count) { buffer in
            var n = 0
            for s in scalars {
                let v = UInt8(truncatingIfNeeded: s.value)
                buffer[n] = lowercase && v &- 65 < 26 ? v | 0x20 : v
                n += 1
            }
            return n
        }
    }

    @inline(__always) static func digitValue(_ s: Unicode.Scalar) -> Int { Int(s.value) - 48 }
}
