/// A Kemendagri region code, stored without dots: `35` (province), `3507` (regency or city),
/// `350701` (district), `3507012001` (village). Accepts `35.07` and `3507` alike.
public struct RegionCode: Sendable, Hashable, CustomStringConvertible {
    /// The digits.
    public let digits: String

    /// Parses a code with or without dots (`35.07.01.2001`, `3507012001`); a dot may only
    /// stand between levels. Nil unless the digit count fits a level.
    public init?(_ text: String) {
        var digits = ""
        var previousWasDot = false
        for character in text {
            if character == "." {
                guard [2, 4, 6].contains(digits.count), !previousWasDot else { return nil }
                previousWasDot = true
            } else if let ascii = character.asciiValue, ascii >= 0x30, ascii <= 0x39 {
                digits.append(character)
                previousWasDot = false
            } else {
                return nil
            }
        }
        guard !previousWasDot, RegionLevel(digitCount: digits.count) != nil else { return nil }
        self.digits = digits
    }

    /// The level the code's length says.
    public var level: RegionLevel { RegionLevel(digitCount: digits.utf8.count)! }

    /// The code of the region above, or nil for a province.
    public var parent: RegionCode? {
        switch level {
        case .province: nil
        case .regency: RegionCode(String(digits.prefix(2)))
        case .district: RegionCode(String(digits.prefix(4)))
        case .village: RegionCode(String(digits.prefix(6)))
        }
    }

    public var description: String { digits }
}

/// The four levels of Indonesian administration.
public enum RegionLevel: String, Sendable, CaseIterable {
    case province, regency, district, village

    /// The level of a code with this many digits.
    init?(digitCount: Int) {
        switch digitCount {
        case 2: self = .province
        case 4: self = .regency
        case 6: self = .district
        case 10: self = .village
        default: return nil
        }
    }
}
