
/// A made-up registry for development and benchmarks: organizations, employers and families of
/// members with valid NIKs, written through the same repository (sealing, blind index) as the
/// API. Deterministic for a given seed, so two benchmark databases hold the same rows.
public enum SyntheticRegistry {
    /// What was written; `members` counts the rows inserted.
    public struct Summary: Sendable {
        public let members: Int
        public let families: Int
        public let organizations: Int
        public let employers: Int
    }

    /// Adds `count` members in Jawa Timur (province 35) to `application`'s database, in
    /// transactions of `batchSize` rows. The regions must be loaded (they are, on a server's
    /// first start); the database may already hold members.
    public static func addMembers(
        _ count: Int, to application: Application, seed: UInt64 = 2026, batchSize: Int = 20_000
    ) throws -> Summary {
        let repository = MemberRepository(protection: application.protection)
        var random = SplitMix64(seed: seed)
        let now = Timestamp.now()
        let (regencies, organizations, employers, existing) = try application.store.writeSync { connection in
            let regencies = try RegionRepository.children(of: "35", level: .regency, in: connection)
            guard !regencies.isEmpty else { throw ConfigError(key: "regions.load_on_start", reason: "no regencies of Jawa Timur are loaded") }
            var organizations: [Int64] = []
            for regency in regencies.prefix(20) {
                let board = try OrganizationRepository.insert(
                    name: "PCNU \(regency) (synthetic)", kind: .ormas, parentID: nil, regionCode: regency, now: now, in: connection)
                let body = try OrganizationRepository.insert(
                    name: "LAZISNU \(regency) (synthetic)", kind: .ormasBody, parentID: board.id, regionCode: regency, now: now, in: connection)
                organizations += [board.id, body.id]
            }
            // Numbers continue after earlier runs' rows, so a second run adds instead of colliding.
            let existingEmployers = try EmployerRepository.count(in: connection)
            let existingMembers = Int(try MemberRepository.count(in: connection))
            var employers: [Int64] = []
            for index in 0..<200 {
                let nib = NIB(String(9_000_000_000_000 + existingEmployers + Int64(index)))!
                employers.append(try EmployerRepository.insert(
                    name: "PT Sintetis \(index)", nib: nib, regionCode: regencies[index % regencies.count],
                    reportedEmployees: 50 + Int64(index % 400), now: now, in: connection)?.id ?? 0)
            }
            return (regencies, organizations, employers, existingMembers)
        }

        var written = 0
        var inserted = 0
        var families = 0
        while written < count {
            let rows = min(batchSize, count - written)
            var drafts: [(NewMember, CalendarDate)] = []
            drafts.reserveCapacity(rows + 5)
            while drafts.count < rows {
                families += 1
                drafts += family(
                    number: families, size: min(1 + Int(random.next() % 5), rows - drafts.count), regencies: regencies,
                    organizations: organizations, employers: employers, random: &random)
            }
            let batch = drafts
            let serialBase = existing + written
            inserted += try application.store.writeSync { connection in
                var inserted = 0
                for (index, (draft, registeredOn)) in batch.enumerated() {
                    var member = draft
                    // The serial and district make each NIK unique: 9,999 serials per district.
                    let ordinal = serialBase + index
                    member.nik = NIK.synthetic(member.nik, district: ordinal / 9_999 % 99 + 1, serial: ordinal % 9_999 + 1)
                    if member.cardNo != nil { member.cardNo = "0009" + String(zeroPadded: ordinal, width: 9) }
                    let (status, activeFrom) = MemberStatus.initial(for: member.segment, registeredOn: registeredOn)
                    // A NIK drawn twice (same regency, district, birth date and serial) is skipped.
                    if try repository.insert(
                        member, sealed: repository.seal(member), status: status, activeFrom: activeFrom, today: registeredOn,
                        now: now, in: connection) != nil {
                        inserted += 1
                    }
                }
                return inserted
            }
            written += rows
        }
        return Summary(members: inserted, families: families, organizations: organizations.count, employers: employers.count)
    }

    /// One household on one family card: same segment, one class, a head and relatives.
    private static func family(
        number: Int, size: Int, regencies: [String], organizations: [Int64], employers: [Int64], random: inout SplitMix64
    ) -> [(NewMember, CalendarDate)] {
        let regency = regencies[Int(random.next() % UInt64(regencies.count))]
        let segments: [Segment] = [.pbiAPBN, .pbiAPBN, .pbiAPBN, .pbiAPBD, .pbiAPBD, .ppuBU, .ppuPN, .pbpu, .pbpu, .bp]
        let segment = segments[Int(random.next() % UInt64(segments.count))]
        let memberClass = segment.isPBI ? 3 : 1 + Int(random.next() % 3)
        let organization = random.next() % 10 < 7 ? organizations[Int(random.next() % UInt64(organizations.count))] : nil
        let employer = segment == .ppuBU ? employers[Int(random.next() % UInt64(employers.count))] : nil
        let familyCardNo = regency + "01" + String(zeroPadded: number, width: 10)
        let registeredOn = CalendarDate(year: 2020 + Int(random.next() % 6), month: 1 + Int(random.next() % 12), day: 1 + Int(random.next() % 28))!
        let names = ["Siti", "Agus", "Dewi", "Budi", "Rina", "Eko", "Putri", "Joko", "Aminah", "Hasan"]
        let surnames = ["Santoso", "Wijaya", "Hidayat", "Nasution", "Rahmawati", "Saputra"]
        return (0..<size).map { index in
            let female = random.next() % 2 == 0
            let birth = CalendarDate(
                year: index == 0 ? 1950 + Int(random.next() % 50) : 1960 + Int(random.next() % 60),
                month: 1 + Int(random.next() % 12), day: 1 + Int(random.next() % 28))!
            let relationship: Relationship = index == 0 ? .head : index == 1 ? .spouse : .child
            let placeholder = NIK.synthetic(birth: birth, female: female, regency: regency)
            return (NewMember(
                nik: placeholder, cardNo: random.next() % 10 < 7 ? "" : nil,
                fullName: "\(names[Int(random.next() % 10)]) \(surnames[Int(random.next() % 6)])", birthDate: birth,
                sex: female ? .female : .male, familyCardNo: familyCardNo, relationship: relationship, segment: segment,
                memberClass: memberClass, regionCode: regency, address: "Jl. Sintetis \(number)",
                phone: random.next() % 2 == 0 ? "08" + String(zeroPadded: random.next() % 10_000_000_000, width: 10) : nil,
                facilityID: nil, employerID: employer,
                registeredVia: RegisteredVia(organizationID: organization, eventID: nil, cadreID: nil)), registeredOn)
        }
    }
}

extension NIK {
    /// A NIK with the birth date and sex of a person, district and serial still to set.
    fileprivate static func synthetic(birth: CalendarDate, female: Bool, regency: String) -> NIK {
        let day = birth.day + (female ? 40 : 0)
        let text = regency + "01" + String(zeroPadded: day, width: 2) + String(zeroPadded: birth.month, width: 2)
            + String(zeroPadded: birth.year % 100, width: 2) + "0001"
        return try! NIK(validating: text)  // the parts are in range by construction
    }

    /// `nik` with its district and serial replaced.
    fileprivate static func synthetic(_ nik: NIK, district: Int, serial: Int) -> NIK {
        let digits = Array(nik.digits)
        let text = String(digits[0..<4]) + String(zeroPadded: district, width: 2) + String(digits[6..<12]) + String(zeroPadded: serial, width: 4)
        return try! NIK(validating: text)  // district 01-99 and serial 0001-9999 are valid
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
