import Crypto

/// A telephone or fax number taken apart so that its surrogate keeps the original's layout: the digits of the
/// national number (area code, exchange, line), an optional country code or trunk prefix, and an extension.
///
/// Surrogates come from the range the North American Numbering Plan reserves for fiction, 555-0100 through
/// 555-0199, behind an area code of valid form (first digit 2-9, second 0-8, never an N11 service code), so a
/// surrogate can never ring a real line. The digits are chosen by HMAC of the national number alone, so one
/// number written "(217) 555-1234" in one note and "217.555.1234" in the next gets the same fictional digits,
/// each in its own layout; the extension's digits are replaced one for one. Layouts kept, for instance:
///
///     (217) 555-1234        ->  (482) 555-0137
///     +1 217.555.1234 x204  ->  +1 482.555.0137 x961
///     555-1234              ->  555-0158
///     831^5550114 (HL7)     ->  604^5550172
///
/// A number whose layout cannot carry a NANP number (a country code other than 1, a digit count other than 7
/// or 10) is written in the dashed form `NXX-555-01dd`, after "+1" and the original's separator when it had a
/// country code: no other country's fictional range is known here.
///
/// Only 100 fictional lines exist per area code: two originals of one patient may share a surrogate (one in
/// 100 for 7-digit numbers, one in 80,000 with an area code), and re-identification then restores one of them.
struct FictionalPhoneNumber {
    let scalars: [Unicode.Scalar]
    /// Positions of the national number's digits (after any country code or trunk prefix, before the extension).
    let nationalDigitPositions: [Int]
    /// Where the extension begins ("x204", " ext. 12", "#45"): the first letter or "#" after a digit.
    let extensionStart: Int
    /// The original starts with "+": a canonical surrogate is written after "+1".
    let hasCountryCode: Bool
    /// The layout holds a NANP number (country code 1 or none, 7 or 10 national digits): its digits are replaced
    /// in place.
    let keepsLayout: Bool

    static let fictionalExchange: [UInt8] = [5, 5, 5]
    /// Lines 0100-0199: the first two digits, then two chosen ones.
    static let fictionalLinePrefix: [UInt8] = [0, 1]

    init(_ original: String) {
        let scalars = Array(original.unicodeScalars)
        self.scalars = scalars
        var digitPositions: [Int] = []
        var extensionStart = scalars.count
        for (i, s) in scalars.enumerated() {
            if CharacterClass.isDigit(s) {
                digitPositions.append(i)
            } else if !digitPositions.isEmpty, s == "#" || CharacterClass.isLetter(s) {
                extensionStart = i
                break
            }
        }
        self.extensionStart = extensionStart
        let firstDigitIsOne = digitPositions.first.map { scalars[$0] == "1" } ?? false
        hasCountryCode = digitPositions.first.map { first in scalars[..<first].contains("+") } ?? false
        var national = digitPositions[...]
        var foreign = false
        if hasCountryCode {
            // Every country code that starts with 1 is the NANP's "+1"; any other is outside it.
            if firstDigitIsOne { national = national.dropFirst() } else { foreign = true }
        } else if digitPositions.count == 11 && firstDigitIsOne {
            national = national.dropFirst()   // the trunk prefix of "1-800-555-0199"
        }
        nationalDigitPositions = Array(national)
        keepsLayout = !foreign && (national.count == 10 || national.count == 7)
    }

    /// The fictional number for this original under `key` (a patient's surrogate key).
    func surrogate(key: SymmetricKey) -> String {
        let nationalNumber = String(String.UnicodeScalarView(nationalDigitPositions.map { scalars[$0] }))
        let bytes = SurrogateGenerator.hmac(key, "phone:" + nationalNumber)
        var areaCode = [2 + bytes[0] % 8, bytes[1] % 9, bytes[2] % 10]
        if areaCode[1] == 1 && areaCode[2] == 1 { areaCode[2] = 2 }
        var line = bytes[3] % 100
        func digits() -> [UInt8] {
            let number = areaCode + Self.fictionalExchange + Self.fictionalLinePrefix + [line / 10, line % 10]
            return keepsLayout ? Array(number.suffix(nationalDigitPositions.count)) : number
        }
        // An original already in the fictional range must still change.
        if digits().map(UInt32.init) == nationalDigitPositions.map({ scalars[$0].value - 48 }) { line = (line + 1) % 100 }
        let chosen = digits()

        var out = String.UnicodeScalarView()
        if keepsLayout {
            var main = Array(scalars[..<extensionStart])
            for (position, digit) in zip(nationalDigitPositions, chosen) { main[position] = Self.scalar(digit) }
            out.append(contentsOf: main)
        } else {
            let separator = scalars[..<extensionStart].first { [" ", "-", "."].contains($0) } ?? "-"
            if hasCountryCode { out.append(contentsOf: "+1".unicodeScalars); out.append(separator) }
            for (n, digit) in chosen.enumerated() {
                if n == 3 || n == 6 { out.append(separator) }
                out.append(Self.scalar(digit))
            }
            // What stood between the number and its extension (", " in "..., ext. 12").
            if let lastDigit = nationalDigitPositions.last { out.append(contentsOf: scalars[(lastDigit + 1)..<extensionStart]) }
        }
        let tail = scalars[extensionStart...]
        let stream = SurrogateGenerator.stream(key, "phone-extension:\(nationalNumber):" + String(String.UnicodeScalarView(tail)),
                                               count: tail.count)
        for (n, s) in tail.enumerated() {
            out.append(CharacterClass.isDigit(s) ? Self.scalar(stream[n] % 10) : s)
        }
        return String(out)
    }

    private static func scalar(_ digit: UInt8) -> Unicode.Scalar { Unicode.Scalar(48 + digit) }
}
