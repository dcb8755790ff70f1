internal import SQLite

/// SQL for `members` and `member_history`. NIK and phone go in sealed and come out opened
/// here, so no other layer sees the stored form; lookups by NIK use its blind index.
struct MemberRepository: Sendable {
    let protection: DataProtection

    /// A pending member whose `active_from` day has come is active: derived, not stored, so
    /// nothing has to run at midnight. CURRENT_DATE is UTC in SQLite, like every date here.
    static let statusSQL = "CASE WHEN status = 'pending' AND active_from <= CURRENT_DATE THEN 'active' ELSE status END"

    static let columns = """
        id, nik_sealed, card_no, full_name, birth_date, sex, family_card_no, relationship, segment, class, region_code,
        address, phone_sealed, facility_id, employer_id, \(statusSQL), status_reason, class_since, facility_since,
        registered_at, registered_organization_id, registered_event_id, registered_cadre_id, version, created_at, updated_at
        """

    /// What registration writes; the service has checked every rule.
    struct NewMember: Sendable {
        var nik: NIK
        var cardNo: String?
        var fullName: String
        var birthDate: CalendarDate
        var sex: Sex
        var familyCardNo: String
        var relationship: Relationship
        var segment: Segment
        var memberClass: Int
        var regionCode: String
        var address: String?
        var phone: String?
        var facilityID: Int64?
        var employerID: Int64?
        var registeredVia: RegisteredVia
    }

    /// A registered NIK or card number: who holds it and whether the caller may know.
    struct Holder: Sendable {
        let id: Int64
        let status: MemberStatus
        let fullName: String
        let birthDate: String
        let isInScope: Bool
    }

    /// The filters of `GET /v1/members`; nil means any.
    struct Filter: Sendable {
        var nik: NIK?
        var cardNo: String?
        var familyCardNo: String?
        var regionPrefix: String?
        var status: MemberStatus?
        var segment: Segment?
        var organizationID: Int64?
        var eventID: Int64?
    }

    /// The encrypted and indexed forms of a registration's NIK and phone, computed before the
    /// write so that the writer does no cryptography.
    struct Sealed: Sendable {
        let nikIndex: [UInt8]
        let nik: [UInt8]
        let phone: [UInt8]?
    }

    func seal(_ member: NewMember) -> Sealed {
        Sealed(
            nikIndex: protection.blindIndex(member.nik.digits), nik: protection.seal(member.nik.digits),
            phone: member.phone.map(protection.seal))
    }

    /// Inserts the member; nil when its NIK or card number is registered already (a unique
    /// index said so, without a lookup first). The result is built from what was written.
    func insert(
        _ member: NewMember, sealed: Sealed, status: MemberStatus, activeFrom: CalendarDate?, today: CalendarDate, now: String,
        in connection: Connection
    ) throws -> Member? {
        let facilitySince = member.facilityID == nil ? nil : today.description
        guard let (id, effectiveStatus) = try connection.fetchOne("""
            INSERT INTO members (nik_index, nik_sealed, card_no, full_name, birth_date, sex, family_card_no, relationship,
                segment, class, region_code, address, phone_sealed, facility_id, employer_id, status, active_from,
                class_since, facility_since, registered_at, registered_organization_id, registered_event_id,
                registered_cadre_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            RETURNING id, \(Self.statusSQL)
            """,
            [.blob(sealed.nikIndex), .blob(sealed.nik), SQLiteValue(member.cardNo), .text(member.fullName),
             .text(member.birthDate.description), .text(member.sex.rawValue), .text(member.familyCardNo),
             .text(member.relationship.rawValue), .text(member.segment.rawValue), .integer(Int64(member.memberClass)),
             .text(member.regionCode), SQLiteValue(member.address), SQLiteValue(sealed.phone), SQLiteValue(member.facilityID),
             SQLiteValue(member.employerID), .text(status.rawValue), SQLiteValue(activeFrom?.description), .text(today.description),
             SQLiteValue(facilitySince), .text(today.description), SQLiteValue(member.registeredVia.organizationID),
             SQLiteValue(member.registeredVia.eventID), SQLiteValue(member.registeredVia.cadreID), .text(now), .text(now)],
            map: { ($0.int64(at: 0), MemberStatus(rawValue: $0.string(at: 1)) ?? status) })
        else { return nil }
        return Member(
            id: id, nik: member.nik.digits, cardNo: member.cardNo, fullName: member.fullName,
            birthDate: member.birthDate.description, sex: member.sex, familyCardNo: member.familyCardNo,
            relationship: member.relationship, segment: member.segment, memberClass: member.memberClass,
            regionCode: member.regionCode, address: member.address, phone: member.phone, facilityID: member.facilityID,
            employerID: member.employerID, status: effectiveStatus, statusReason: nil, classSince: today.description,
            facilitySince: facilitySince, registeredAt: today.description, registeredVia: member.registeredVia, version: 1,
            createdAt: now, updatedAt: now)
    }

    func find(_ id: Int64, scope: Scope, in connection: Connection) throws -> Member? {
        let (condition, bindings) = scope.condition(on: "registered_organization_id")
        return try connection.fetchOne(
            "SELECT \(Self.columns) FROM members WHERE id = ? AND \(condition)", [.integer(id)] + bindings, map: decode)
    }

    /// Who holds `nik`, whatever the scope; `isInScope` says whether the caller may see more
    /// than that the NIK is registered.
    func holder(of nik: NIK, scope: Scope, in connection: Connection) throws -> Holder? {
        try holder(where: "nik_index = ?", .blob(protection.blindIndex(nik.digits)), scope: scope, in: connection)
    }

    /// Who holds the card number `cardNo`, whatever the scope.
    func holder(ofCard cardNo: String, scope: Scope, in connection: Connection) throws -> Holder? {
        try holder(where: "card_no = ?", .text(cardNo), scope: scope, in: connection)
    }

    private func holder(where condition: String, _ value: SQLiteValue, scope: Scope, in connection: Connection) throws -> Holder? {
        let (scopeCondition, bindings) = scope.condition(on: "registered_organization_id")
        return try connection.fetchOne(
            "SELECT id, \(Self.statusSQL), full_name, birth_date, \(scopeCondition) FROM members WHERE \(condition)",
            bindings + [value]
        ) { row in
            Holder(
                id: row.int64(at: 0), status: MemberStatus(rawValue: row.string(at: 1)) ?? .pending,
                fullName: row.string(at: 2), birthDate: row.string(at: 3), isInScope: row.int64(at: 4) != 0)
        }
    }

    /// The class of the PBPU members still covered on a family card, if any; they share one.
    func familyClass(_ familyCardNo: String, excluding memberID: Int64?, in connection: Connection) throws -> Int? {
        try connection.fetchOne("""
            SELECT class FROM members
            WHERE family_card_no = ? AND segment = 'PBPU' AND status <> 'deactivated' AND id <> ? LIMIT 1
            """,
            [.text(familyCardNo), .integer(memberID ?? 0)]) { Int($0.int64(at: 0)) }
    }

    /// A page of members in scope matching `filter`, by id.
    func list(_ filter: Filter, scope: Scope, after: Int64?, limit: Int, in connection: Connection) throws -> [Member] {
        let (scopeCondition, scopeBindings) = scope.condition(on: "registered_organization_id")
        var conditions = ["id > ?", scopeCondition]
        var bindings: [SQLiteValue] = [.integer(after ?? 0)] + scopeBindings
        func add(_ condition: String, _ values: SQLiteValue...) {
            conditions.append(condition)
            bindings.append(contentsOf: values)
        }
        if let nik = filter.nik { add("nik_index = ?", .blob(protection.blindIndex(nik.digits))) }
        if let cardNo = filter.cardNo { add("card_no = ?", .text(cardNo)) }
        if let family = filter.familyCardNo { add("family_card_no = ?", .text(family)) }
        if let prefix = filter.regionPrefix {
            // Codes are hierarchical: everything in 3507 starts with "3507".
            add("substr(region_code, 1, ?) = ?", .integer(Int64(prefix.count)), .text(prefix))
        }
        if let status = filter.status { add("\(Self.statusSQL) = ?", .text(status.rawValue)) }
        if let segment = filter.segment { add("segment = ?", .text(segment.rawValue)) }
        if let organization = filter.organizationID { add("registered_organization_id = ?", .integer(organization)) }
        if let event = filter.eventID { add("registered_event_id = ?", .integer(event)) }
        bindings.append(.integer(Int64(limit)))
        return try connection.fetchAll(
            "SELECT \(Self.columns) FROM members WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?",
            bindings, map: decode)
    }

    /// Writes the changeable fields if the row is still at `version`; nil when it is not.
    func update(
        _ id: Int64, version: Int64, fullName: String, address: String?, phone: String?, cardNo: String?, memberClass: Int,
        classSince: String, facilityID: Int64?, facilitySince: String?, now: String, in connection: Connection
    ) throws -> Member? {
        try connection.fetchOne("""
            UPDATE members SET full_name = ?, address = ?, phone_sealed = ?, card_no = ?, class = ?, class_since = ?,
                facility_id = ?, facility_since = ?, updated_at = ?, version = version + 1
            WHERE id = ? AND version = ? RETURNING \(Self.columns)
            """,
            [.text(fullName), SQLiteValue(address), phone.map { .blob(protection.seal($0)) } ?? .null, SQLiteValue(cardNo),
             .integer(Int64(memberClass)), .text(classSince), SQLiteValue(facilityID), SQLiteValue(facilitySince),
             .text(now), .integer(id), .integer(version)],
            map: decode)
    }

    /// Moves the other PBPU members of a family card to `memberClass`; returns their ids and
    /// former classes, for the history.
    func moveFamilyClass(
        _ familyCardNo: String, to memberClass: Int, since: String, excluding id: Int64, now: String, in connection: Connection
    ) throws -> [(id: Int64, oldClass: Int)] {
        let moved = try connection.fetchAll("""
            SELECT id, class FROM members
            WHERE family_card_no = ? AND segment = 'PBPU' AND status <> 'deactivated' AND id <> ? AND class <> ?
            """,
            [.text(familyCardNo), .integer(id), .integer(Int64(memberClass))]) { (id: $0.int64(at: 0), oldClass: Int($0.int64(at: 1))) }
        for member in moved {
            try connection.execute(
                "UPDATE members SET class = ?, class_since = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                [.integer(Int64(memberClass)), .text(since), .text(now), .integer(member.id)])
        }
        return moved
    }

    /// Deactivates a member that is not already; false when it was.
    func deactivate(_ id: Int64, reason: DeactivationReason, now: String, in connection: Connection) throws -> Bool {
        try connection.execute("""
            UPDATE members SET status = 'deactivated', status_reason = ?, updated_at = ?, version = version + 1
            WHERE id = ? AND status <> 'deactivated'
            """,
            [.text(reason.rawValue), .text(now), .integer(id)]) == 1
    }

    /// Every member on a family card within scope, by id.
    func family(_ familyCardNo: String, scope: Scope, in connection: Connection) throws -> [Member] {
        let (condition, bindings) = scope.condition(on: "registered_organization_id")
        return try connection.fetchAll(
            "SELECT \(Self.columns) FROM members WHERE family_card_no = ? AND \(condition) ORDER BY id",
            [.text(familyCardNo)] + bindings, map: decode)
    }

    // MARK: - History

    func recordHistory(_ change: MemberChange, memberID: Int64, by principal: Principal?, requestID: String, now: String, in connection: Connection) throws {
        try connection.execute("""
            INSERT INTO member_history (member_id, field, old_value, new_value, reason, api_key_id, role, request_id, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(memberID), .text(change.field.rawValue), SQLiteValue(change.oldValue), SQLiteValue(change.newValue),
             SQLiteValue(change.reason), SQLiteValue(principal?.apiKeyID), .text(principal?.role.rawValue ?? "system"),
             .text(requestID), .text(now)])
    }

    func history(of memberID: Int64, after: Int64?, limit: Int, in connection: Connection) throws -> [MemberChange] {
        try connection.fetchAll("""
            SELECT id, field, old_value, new_value, reason, api_key_id, role, changed_at FROM member_history
            WHERE member_id = ? AND id > ? ORDER BY id LIMIT ?
            """,
            [.integer(memberID), .integer(after ?? 0), .integer(Int64(limit))]
        ) { row in
            MemberChange(
                id: row.int64(at: 0), field: MemberChange.Field(rawValue: row.string(at: 1)) ?? .status,
                oldValue: row.optionalString(at: 2), newValue: row.optionalString(at: 3), reason: row.optionalString(at: 4),
                apiKeyID: row.optionalInt64(at: 5), role: row.string(at: 6), changedAt: row.string(at: 7))
        }
    }

    // MARK: - Rows

    private func decode(_ row: Row) throws -> Member {
        Member(
            id: row.int64(at: 0), nik: try protection.open(row.blob(at: 1)), cardNo: row.optionalString(at: 2),
            fullName: row.string(at: 3), birthDate: row.string(at: 4), sex: Sex(rawValue: row.string(at: 5)) ?? .male,
            familyCardNo: row.string(at: 6), relationship: Relationship(rawValue: row.string(at: 7)) ?? .other,
            segment: Segment(rawValue: row.string(at: 8)) ?? .pbpu, memberClass: Int(row.int64(at: 9)),
            regionCode: row.string(at: 10), address: row.optionalString(at: 11),
            phone: try row.optionalBlob(at: 12).map(protection.open), facilityID: row.optionalInt64(at: 13),
            employerID: row.optionalInt64(at: 14), status: MemberStatus(rawValue: row.string(at: 15)) ?? .pending,
            statusReason: row.optionalString(at: 16), classSince: row.string(at: 17), facilitySince: row.optionalString(at: 18),
            registeredAt: row.string(at: 19),
            registeredVia: RegisteredVia(
                organizationID: row.optionalInt64(at: 20), eventID: row.optionalInt64(at: 21), cadreID: row.optionalInt64(at: 22)),
            version: row.int64(at: 23), createdAt: row.string(at: 24), updatedAt: row.string(at: 25))
    }
}
