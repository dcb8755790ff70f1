extension StringProtocol {
    /// Whether every character is an ASCII digit `0`-`9` (true for empty text). Identifiers
    /// (NIK, NIB, family card and card numbers) are ASCII digits only: Arabic-Indic or
    /// fullwidth digits, which `Character.isNumber` accepts, are not the number that was issued.
    var isASCIIDigits: Bool {
        utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Exactly `count` ASCII digits.
    func isASCIIDigits(count: Int) -> Bool {
        utf8.count == count && isASCIIDigits
    }
}
