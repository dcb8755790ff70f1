/// A national ID number (Nomor Induk Kependudukan) whose structure has been checked:
/// 16 digits `PPKKCC DDMMYY SSSS`. It cannot hold a value that is not a possible NIK.
///
/// Structure proves a number can be a NIK, not that Dukcapil issued it. Disagreements with
/// a person's record and region codes missing from the Kemendagri list are `warnings`, never
/// refusals. `description` is masked so the number stays out of logs; use `digits` on purpose.
public struct NIK: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The 16 ASCII digits. Personal data: log `description` instead.
    public let digits: String

    /// Checks `text` and throws the first refusal, in the order of the checks below.
    ///
    /// 1. Only ASCII `0`-`9` (`invalid_characters`): whitespace, dots, dashes and non-ASCII
    ///    digits are refused, not stripped; the caller normalises input before this.
    /// 2. Exactly 16 of them (`invalid_length`).
    /// 3. Province `PP` in 11...96 (`invalid_province`).
    /// 4. District `CC` not `00` (`invalid_district`).
    /// 5. `DDMMYY` a real date, `DD` 01-31 for men or 41-71 for women (`invalid_birth_date`).
    ///    29 February is accepted when 19YY or 20YY is a leap year, i.e. when `YY` is a
    ///    multiple of 4: `00` stands for 2000 (leap) as well as 1900, and for any other `YY`
    ///    both centuries agree.
    /// 6. Serial `SSSS` not `0000` (`invalid_serial`).
    public init(validating text: String) throws(NIKError) {
        // Characters first: a length error for "3507 0145 0190 0001" would send the caller
        // counting digits when the spaces are the problem.
        guard text.isASCIIDigits else { throw .invalidCharacters }
        let bytes = Array(text.utf8)
        guard bytes.count == 16 else { throw .invalidLength }
        let province = Self.number(bytes, 0, 2)
        guard (11...96).contains(province) else { throw .invalidProvince }
        guard Self.number(bytes, 4, 2) != 0 else { throw .invalidDistrict }
        guard Self.isPossibleBirthDate(
            day: Self.number(bytes, 6, 2), month: Self.number(bytes, 8, 2), twoDigitYear: Self.number(bytes, 10, 2)
        ) else { throw .invalidBirthDate }
        guard Self.number(bytes, 12, 4) != 0 else { throw .invalidSerial }
        digits = text
    }

    /// `35`: the province where the NIK was first issued.
    public var provinceCode: String { String(digits.prefix(2)) }

    /// `3507`: the regency (01-69) or city (71-99) where the NIK was first issued.
    public var regencyCode: String { String(digits.prefix(4)) }

    /// `350701`: the district where the NIK was first issued.
    public var districtCode: String { String(digits.prefix(6)) }

    /// The sex the day field encodes: women have 40 added to the day of birth.
    public var sexFromNIK: Sex { dayField > 40 ? .female : .male }

    /// Day of birth, 1...31, with the 40 for women taken off.
    public var birthDay: Int { dayField > 40 ? dayField - 40 : dayField }

    /// Month of birth, 1...12.
    public var birthMonth: Int { field(8, 2) }

    /// The last two digits of the year of birth, 0...99.
    public var birthYearTwoDigits: Int { field(10, 2) }

    /// The birth date with the century resolved as the latest year not after `referenceYear`
    /// that ends in `birthYearTwoDigits` (with 2026: `81` → 1981, `26` → 2026, `27` → 1927).
    ///
    /// Pass the current year; nobody is born in the future, and a NIK says nothing about a
    /// century. The only date this can make unreal is 29 February with `00` resolved to 1900,
    /// which needs a `referenceYear` in 1900...1999.
    public func birthDate(referenceYear: Int) -> (year: Int, month: Int, day: Int) {
        let yearsBack = ((referenceYear % 100 - birthYearTwoDigits) % 100 + 100) % 100
        return (referenceYear - yearsBack, birthMonth, birthDay)
    }

    /// What a member's record and the region list say against this NIK; never a refusal.
    ///
    /// - `birth_date_mismatch` (`birth_date`): the recorded day, month or last two digits of
    ///   the year differ from the NIK's.
    /// - `sex_mismatch` (`sex`): the recorded sex differs from the +40 rule.
    /// - `unknown_province`, `unknown_regency`, `unknown_district` (`nik`): `regionExists`, given
    ///   a code without dots (`35`, `3507`, `350701`), does not know it. A NIK keeps the code of
    ///   first issue, which pemekaran may have retired. Only the highest unknown level is
    ///   reported: under an unknown province the regency and district are unknown by consequence.
    ///
    /// A nil recorded value is not compared.
    public func warnings(
        recordedBirthDate: (year: Int, month: Int, day: Int)?,
        recordedSex: Sex?,
        regionExists: (String) -> Bool
    ) -> [FieldError] {
        var warnings: [FieldError] = []
        if let recorded = recordedBirthDate,
           recorded.day != birthDay || recorded.month != birthMonth
            || (recorded.year % 100 + 100) % 100 != birthYearTwoDigits {
            warnings.append(FieldError(
                field: "birth_date", code: "birth_date_mismatch",
                message: "The birth date differs from the one encoded in the NIK."
            ))
        }
        if let recordedSex, recordedSex != sexFromNIK {
            warnings.append(FieldError(
                field: "sex", code: "sex_mismatch",
                message: "The sex differs from the one encoded in the NIK's day of birth."
            ))
        }
        if !regionExists(provinceCode) {
            warnings.append(FieldError(
                field: "nik", code: "unknown_province",
                message: "The NIK's province code is not in the current Kemendagri list."
            ))
        } else if !regionExists(regencyCode) {
            warnings.append(FieldError(
                field: "nik", code: "unknown_regency",
                message: "The NIK's regency code is not in the current Kemendagri list; it may predate a split."
            ))
        } else if !regionExists(districtCode) {
            warnings.append(FieldError(
                field: "nik", code: "unknown_district",
                message: "The NIK's district code is not in the current Kemendagri list; it may predate a split."
            ))
        }
        return warnings
    }

    /// `3507**********01`: the regency and the last two characters, never the birth date.
    public var description: String { Self.mask(digits) }

    /// Shows only the masked form to `dump` and debuggers.
    public var customMirror: Mirror { Mirror(self, children: ["masked": description]) }

    /// `3507**********01`: the first four characters, ten `*` and the last two. Text shorter
    /// than eight characters is all `*`, so a fragment is never shown whole.
    public static func mask(_ digits: String) -> String {
        // Ten stars whatever the length, so the mask does not tell a 15-digit typo from a NIK.
        guard digits.count >= 8 else { return String(repeating: "*", count: 16) }
        return String(digits.prefix(4)) + String(repeating: "*", count: 10) + String(digits.suffix(2))
    }

    // MARK: - Private

    /// `DD` as written, 40 more for women.
    private var dayField: Int { field(6, 2) }

    private func field(_ start: Int, _ length: Int) -> Int {
        Self.number(Array(digits.utf8), start, length)
    }

    /// The decimal value of `length` ASCII digits from `start`; the caller checked they are digits.
    private static func number(_ bytes: [UInt8], _ start: Int, _ length: Int) -> Int {
        bytes[start..<start + length].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    private static func isPossibleBirthDate(day dayField: Int, month: Int, twoDigitYear: Int) -> Bool {
        // Days 32-40 and past 71 fit neither sex.
        let day = dayField > 40 ? dayField - 40 : dayField
        guard (1...31).contains(day), (1...12).contains(month) else { return false }
        // Any plausible century: 19YY or 20YY. They differ only for 00 (1900 no, 2000 yes).
        return CalendarDate(year: 1900 + twoDigitYear, month: month, day: day) != nil
            || CalendarDate(year: 2000 + twoDigitYear, month: month, day: day) != nil
    }
}

/// Why a text is not a NIK. Messages never repeat the input.
public enum NIKError: Error, Sendable, Equatable {
    /// Not exactly 16 digits.
    case invalidLength
    /// A character other than ASCII `0`-`9`, including whitespace and separators.
    case invalidCharacters
    /// Province code outside 11-96.
    case invalidProvince
    /// District code `00`.
    case invalidDistrict
    /// `DDMMYY` is not a date: day outside 01-31 and 41-71, month outside 01-12, or no such day.
    case invalidBirthDate
    /// Serial `0000`.
    case invalidSerial

    /// A stable code for API field errors (`invalid_length`, …).
    public var code: String {
        switch self {
        case .invalidLength: "invalid_length"
        case .invalidCharacters: "invalid_characters"
        case .invalidProvince: "invalid_province"
        case .invalidDistrict: "invalid_district"
        case .invalidBirthDate: "invalid_birth_date"
        case .invalidSerial: "invalid_serial"
        }
    }

    /// A sentence for people.
    public var message: String {
        switch self {
        case .invalidLength: "A NIK has exactly 16 digits."
        case .invalidCharacters: "A NIK has only the digits 0-9, without spaces or separators."
        case .invalidProvince: "The province code (digits 1-2) must be from 11 to 96."
        case .invalidDistrict: "The district code (digits 5-6) cannot be 00."
        case .invalidBirthDate:
            "The birth date (digits 7-12, day plus 40 for women) is not a real date."
        case .invalidSerial: "The serial number (digits 13-16) cannot be 0000."
        }
    }
}

/// A NIK's sex, from its day field or as recorded.
public enum Sex: String, Sendable, CaseIterable {
    /// Laki-laki.
    case male = "M"
    /// Perempuan: 40 is added to the NIK's day of birth.
    case female = "F"
}
