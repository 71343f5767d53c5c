/// Check-digit and plausibility validators, the `validate_result` hooks of the pattern recognizers.
public enum Checksums {
    /// Luhn mod-10 over a digit string (the last digit is the check digit).
    public static func luhn(_ digits: [Int]) -> Bool {
        guard !digits.isEmpty else { return false }
        var sum = 0
        for (n, d) in digits.reversed().enumerated() {
            if n % 2 == 1 {
                let doubled = d * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += d
            }
        }
        return sum % 10 == 0
    }

    /// NPI: 10 digits starting with 1 or 2, Luhn-valid after the ISO card-issuer prefix 80840.
    public static func isValidNPI(_ digits: [Int]) -> Bool {
        guard digits.count == 10, digits[0] == 1 || digits[0] == 2 else { return false }
        return luhn([8, 0, 8, 4, 0] + digits)
    }

    /// DEA registration: 2 letters and 7 digits; (d1+d3+d5) + 2(d2+d4+d6) ends in d7.
    public static func isValidDEA(_ value: String) -> Bool {
        let scalars = Array(value.unicodeScalars)
        guard scalars.count == 9, CharacterClass.isASCIILetter(scalars[0]),
              CharacterClass.isASCIILetter(scalars[1]) || scalars[1] == "9" else { return false }
        let registrant = Character(scalars[0]).uppercased()
        guard "ABCDEFGHJKLMPRSTUX".contains(registrant) else { return false }
        var d: [Int] = []
        for s in scalars[2...] {
            guard CharacterClass.isDigit(s) else { return false }
            d.append(CharacterClass.digitValue(s))
        }
        let total = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])
        return total % 10 == d[6]
    }

    /// VIN (ISO 3779, North American check digit in position 9): 17 characters, no I, O or Q.
    public static func isValidVIN(_ value: String) -> Bool {
        let chars = Array(value.uppercased().unicodeScalars)
        guard chars.count == 17 else { return false }
        let weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
        var sum = 0
        var letters = 0, digits = 0
        for (n, c) in chars.enumerated() {
            guard let v = vinValue(c) else { return false }
            if CharacterClass.isDigit(c) { digits += 1 } else { letters += 1 }
            sum += v * weights[n]
        }
        guard letters > 0, digits > 0 else { return false }
        let check = sum % 11
        let expected: Unicode.Scalar = check == 10 ? "X" : Unicode.Scalar(UInt8(48 + check))
        return chars[8] == expected
    }

    private static func vinValue(_ c: Unicode.Scalar) -> Int? {
        if CharacterClass.isDigit(c) { return CharacterClass.digitValue(c) }
        let table: [Unicode.Scalar: Int] = [
            "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "J": 1, "K": 2, "L": 3, "M": 4,
            "N": 5, "P": 7, "R": 9, "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
        ]
        return table[c]
    }

    /// SSN area/group/serial rules (SSA): area not 000, 666 or 900-999; group not 00; serial not 0000.
    public static func isPlausibleSSN(area: Int, group: Int, serial: Int) -> Bool {
        area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }

    /// Medicare Beneficiary Identifier (CMS format): 11 characters, positions
    /// C A AN N A AN N A A N N; letters exclude S, L, O, I, B, Z. Dashes are stripped by the caller.
    public static func isValidMBI(_ value: String) -> Bool {
        let chars = Array(value.uppercased().unicodeScalars)
        guard chars.count == 11 else { return false }
        func isAlpha(_ c: Unicode.Scalar) -> Bool {
            CharacterClass.isASCIILetter(c) && !"SLOIBZ".unicodeScalars.contains(c)
        }
        func isNum(_ c: Unicode.Scalar) -> Bool { CharacterClass.isDigit(c) }
        let layout: [(Unicode.Scalar) -> Bool] = [
            { isNum($0) && $0 != "0" }, isAlpha, { isAlpha($0) || isNum($0) }, isNum, isAlpha,
            { isAlpha($0) || isNum($0) }, isNum, isAlpha, isAlpha, isNum, isNum,
        ]
        return zip(chars, layout).allSatisfy { $1($0) }
    }

    /// Days in a month (Gregorian), or 0 for a month outside 1...12. `year` nil allows February 29.
    public static func daysInMonth(_ month: Int, year: Int?) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2:
            guard let y = year else { return 29 }
            return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        default: return 0
        }
    }

    /// True for a real calendar date; `year` may be nil (no year written).
    public static func isValidDate(year: Int?, month: Int, day: Int) -> Bool {
        if let y = year, !(1850...2150).contains(y) { return false }
        return day >= 1 && day <= daysInMonth(month, year: year)
    }
}
