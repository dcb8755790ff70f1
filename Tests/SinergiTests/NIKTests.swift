import Sinergi
import Testing

/// The NIK's structure: what is refused, what is parsed, what only warns, and masking.
///
/// Cross-checked against lokal-id 0.7.2 (`lokal.nik.parse_nik`, MIT, DOMAIN.md's reference),
/// installed from its wheel in a throwaway venv and called with `reference_date=2026-01-01`
/// on the 66 NIKs of `accepted`, `refusals`, `impossibleDates`, the 29 February table (both
/// sexes) and the two "lokal-id differs" warning tests: 60 got the same accept/refuse
/// verdict; the 6 that did not are marked "lokal-id differs" and follow DOMAIN.md instead
/// (lokal-id strips whitespace, dots and dashes, refuses a province missing from its own
/// table, and refuses regency 00). Its century rule (20YY when YY is at most the reference
/// year's, else 19YY) gives the same verdict as ours on every 29 February row.
@Suite struct NIKTests {
    static let accepted = [
        "3319022010810007", // DOMAIN.md's example: Kudus, man, 20 October 1981
        "3507014501900001", // woman, 5 January 1990
        "3507010701900001", "3507014701900001", "3507013101900001", "3507017101900001",
        "1101010101900001", "9601010101900001", // the lowest and highest province
        "3507010101909999", // the highest serial
        "3507012902000001", "3507012902040001", "3507012902960001", "3507016902000001", // 29 February
    ]

    static let refusals: [(String, NIKError)] = [
        ("", .invalidLength),
        ("350701010190000", .invalidLength),
        ("35070101019000011", .invalidLength),
        ("350701450190000135070145", .invalidLength),
        ("350701010190000a", .invalidCharacters),
        ("3507 0145 0190 0001", .invalidCharacters), // lokal-id differs: strips whitespace
        ("35.07.01.450190.0001", .invalidCharacters), // lokal-id differs: strips dots and dashes
        (" 3507014501900001", .invalidCharacters), // lokal-id differs: strips whitespace
        ("3507014501900001\n", .invalidCharacters), // lokal-id differs: strips whitespace
        ("\u{663}\u{665}\u{660}\u{667}014501900001", .invalidCharacters), // Arabic-Indic digits
        ("３５０７014501900001", .invalidCharacters), // fullwidth digits
        ("1001010101900001", .invalidProvince),
        ("9701010101900001", .invalidProvince),
        ("0001010101900001", .invalidProvince),
        ("9901010101900001", .invalidProvince),
        ("3507000101900001", .invalidDistrict),
        ("5203004501900001", .invalidDistrict),
        ("3507010101900000", .invalidSerial),
        ("3319022010810000", .invalidSerial),
    ]

    static let impossibleDates = [
        "3507010001900001", // day 00
        "3507013201900001", "3507014001900001", // 32-40 fit neither sex
        "3507017201900001", "3507018001900001", "3507019901900001", // past 71
        "3507010100900001", "3507010113900001", // month 00, 13
        "3507013102000001", "3507017102000001", // 31 February, man and woman
        "3507013002000001", "3507017002000001", // 30 February
        "3507013104900001", "3507013106900001", "3507013109900001", "3507017111900001", // 31st of 30-day months
    ]

    static func nik(_ text: String) throws -> NIK { try NIK(validating: text) }

    @Test("well-formed NIKs are accepted and keep their digits", arguments: accepted)
    func accepts(text: String) throws {
        #expect(try Self.nik(text).digits == text)
    }

    @Test("each refusal has its own error", arguments: refusals)
    func refuses(text: String, error: NIKError) {
        #expect(throws: error) { try NIK(validating: text) }
    }

    @Test("impossible dates in the NIK are refused", arguments: impossibleDates)
    func refusesImpossibleDates(text: String) {
        #expect(throws: NIKError.invalidBirthDate) { try NIK(validating: text) }
    }

    // 29 February: accepted when 19YY or 20YY is a leap year. Only 00 tells the centuries
    // apart (1900 is not leap, 2000 is); for every other YY both agree, so it is YY % 4 == 0.
    @Test("29 February is accepted when either century makes YY a leap year", arguments: [
        ("00", true), ("04", true), ("24", true), ("96", true),
        ("01", false), ("23", false), ("98", false), ("99", false),
    ])
    func leapDay(year: String, isAccepted: Bool) throws {
        for day in ["29", "69"] { // man and woman
            let text = "350701\(day)02\(year)0001"
            if isAccepted {
                let nik = try Self.nik(text)
                #expect(nik.birthDay == 29 && nik.birthMonth == 2)
            } else {
                #expect(throws: NIKError.invalidBirthDate) { try NIK(validating: text) }
            }
        }
    }

    @Test("checks run in digit order: the first failing part is the one reported")
    func refusalOrder() {
        #expect(throws: NIKError.invalidCharacters) { try NIK(validating: "10000000000000x") }
        #expect(throws: NIKError.invalidProvince) { try NIK(validating: "1000000000000000") }
        #expect(throws: NIKError.invalidDistrict) { try NIK(validating: "3507000000000000") }
        #expect(throws: NIKError.invalidBirthDate) { try NIK(validating: "3507010000000000") }
    }

    @Test("error codes are distinct and stable; messages never echo the input")
    func errorCodes() {
        let all: [NIKError] = [.invalidLength, .invalidCharacters, .invalidProvince, .invalidDistrict, .invalidBirthDate, .invalidSerial]
        #expect(all.map(\.code) == [
            "invalid_length", "invalid_characters", "invalid_province",
            "invalid_district", "invalid_birth_date", "invalid_serial",
        ])
        for (text, error) in Self.refusals where !text.isEmpty {
            #expect(!error.message.contains(text))
            #expect(!error.message.contains(String(text.prefix(4))))
        }
    }

    @Test("the parts of a man's NIK")
    func partsOfMan() throws {
        let nik = try Self.nik("3319022010810007")
        #expect(nik.provinceCode == "33")
        #expect(nik.regencyCode == "3319")
        #expect(nik.districtCode == "331902")
        #expect(nik.sexFromNIK == .male)
        #expect(nik.birthDay == 20)
        #expect(nik.birthMonth == 10)
        #expect(nik.birthYearTwoDigits == 81)
    }

    @Test("a woman's day of birth has 40 added", arguments: [
        ("3507014701900001", Sex.female, 7), ("3507014101900001", .female, 1), ("3507017101900001", .female, 31),
        ("3507010701900001", .male, 7), ("3507010101900001", .male, 1), ("3507013101900001", .male, 31),
    ])
    func womensDay(text: String, sex: Sex, day: Int) throws {
        let nik = try Self.nik(text)
        #expect(nik.sexFromNIK == sex)
        #expect(nik.birthDay == day)
    }

    @Test("the century is the latest year not after the reference year", arguments: [
        ("3319022010810007", 2026, 1981), ("3507010101260001", 2026, 2026), ("3507010101270001", 2026, 1927),
        ("3507012902000001", 2026, 2000), ("3507012902000001", 1999, 1900), ("3507010101990001", 2100, 2099),
    ])
    func century(text: String, referenceYear: Int, year: Int) throws {
        let date = try Self.nik(text).birthDate(referenceYear: referenceYear)
        #expect(date.year == year)
    }

    @Test("birthDate returns month and day with the 40 taken off")
    func birthDate() throws {
        let date = try Self.nik("3507014501900001").birthDate(referenceYear: 2026)
        #expect(date == (1990, 1, 5))
    }

    @Test("masking keeps the regency and the last two characters")
    func masking() {
        #expect(NIK.mask("3507014501900001") == "3507**********01")
        #expect(NIK.mask("350701450190001") == "3507**********01")
        #expect(NIK.mask("1234567") == "****************")
        #expect(NIK.mask("") == "****************")
    }

    @Test("description, interpolation, reflection and dump never show the number")
    func noLeak() throws {
        let nik = try Self.nik("3507014501900001")
        #expect(nik.description == "3507**********01")
        #expect("\(nik)" == "3507**********01")
        #expect(!String(reflecting: nik).contains("0145019000"))
        var dumped = ""
        dump(nik, to: &dumped)
        #expect(!dumped.contains("0145019000"))
        #expect(dumped.contains("3507**********01"))
    }

    @Test("equal digits make equal NIKs")
    func equality() throws {
        #expect(try Self.nik("3507014501900001") == Self.nik("3507014501900001"))
        #expect(try Self.nik("3507014501900001") != Self.nik("3507014501900002"))
        #expect(Set([try Self.nik("3507014501900001"), try Self.nik("3507014501900001")]).count == 1)
    }

    // MARK: - Warnings

    static func everyRegionExists(_: String) -> Bool { true }

    @Test("DOMAIN.md's example: a recorded date unlike the NIK's is a warning, not a refusal")
    func domainExample() throws {
        let nik = try Self.nik("3319022010810007")
        let warnings = nik.warnings(recordedBirthDate: (1981, 10, 10), recordedSex: .male, regionExists: Self.everyRegionExists)
        #expect(warnings.map(\.code) == ["birth_date_mismatch"])
        #expect(warnings.first?.field == "birth_date")
        #expect(warnings.first.map { !$0.message.contains("1981") && !$0.message.contains("3319") } == true)
    }

    @Test("a birth date differing in day, month or two-digit year warns", arguments: [
        (1981, 10, 21), (1981, 11, 20), (1991, 10, 20),
    ])
    func birthDateMismatch(year: Int, month: Int, day: Int) throws {
        let warnings = try Self.nik("3319022010810007")
            .warnings(recordedBirthDate: (year, month, day), recordedSex: nil, regionExists: Self.everyRegionExists)
        #expect(warnings.map(\.code) == ["birth_date_mismatch"])
    }

    @Test("a recorded sex against the +40 rule warns", arguments: [
        ("3507014501900001", Sex.male), ("3319022010810007", .female),
    ])
    func sexMismatch(text: String, recorded: Sex) throws {
        let warnings = try Self.nik(text).warnings(recordedBirthDate: nil, recordedSex: recorded, regionExists: Self.everyRegionExists)
        #expect(warnings == [FieldError(field: "sex", code: "sex_mismatch", message: warnings.first?.message ?? "")])
    }

    @Test("a region code missing from the list warns at its highest unknown level", arguments: [
        (["33", "3319"], "unknown_district"),
        (["33"], "unknown_regency"),
        ([], "unknown_province"),
    ])
    func unknownRegion(known: [String], code: String) throws {
        let nik = try Self.nik("3319022010810007")
        var asked: [String] = []
        let warnings = nik.warnings(recordedBirthDate: (1981, 10, 20), recordedSex: .male) { region in
            asked.append(region)
            return known.contains(region)
        }
        #expect(warnings.map(\.code) == [code])
        #expect(warnings.map(\.field) == ["nik"])
        #expect(asked.allSatisfy { ["33", "3319", "331902"].contains($0) })
    }

    @Test("a province in 11-96 that no list has is accepted, with a warning")
    func unknownProvince() throws {
        let nik = try Self.nik("2001010101900001") // lokal-id differs: refuses provinces missing from its table
        let warnings = nik.warnings(recordedBirthDate: nil, recordedSex: nil) { $0 != "20" }
        #expect(warnings.map(\.code) == ["unknown_province"])
    }

    @Test("a regency code outside the current list is accepted, with a warning")
    func oldRegency() throws {
        let nik = try Self.nik("3500010101900001") // lokal-id differs: refuses regency 00
        let warnings = nik.warnings(recordedBirthDate: nil, recordedSex: nil) { $0 == "35" }
        #expect(warnings.map(\.code) == ["unknown_regency"])
    }

    @Test("a consistent record has no warnings, nor does a record without date and sex")
    func consistent() throws {
        let man = try Self.nik("3319022010810007")
        #expect(man.warnings(recordedBirthDate: (1981, 10, 20), recordedSex: .male, regionExists: Self.everyRegionExists).isEmpty)
        let woman = try Self.nik("3507014501900001")
        #expect(woman.warnings(recordedBirthDate: (1990, 1, 5), recordedSex: .female, regionExists: Self.everyRegionExists).isEmpty)
        #expect(woman.warnings(recordedBirthDate: nil, recordedSex: nil, regionExists: Self.everyRegionExists).isEmpty)
    }
}
