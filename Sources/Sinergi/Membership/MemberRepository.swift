internal import Database

/// SQL for `members` and `member_history`. NIK and phone go in sealed and come out opened
/// here, so no other layer sees the stored form; lookups by NIK use its blind index.
struct MemberRepository: Sendable {
    let protection: DataProtection

    /// The columns `decode` reads. The status is derived from `status` and `active_from` as
    /// rows are read (`MemberStatus.derived`), on the request's day, so nothing has to run at
    /// midnight and tests set the day with the clock.
    static let columns = """
        id, nik_sealed, card_no, full_name, birth_date, sex, family_card_no, relationship, segment, class, region_code,
        address, phone_sealed, facility_id, employer_id, status, active_from, status_reason, class_since, facility_since,
        registered_at, registered_organization_id, registered_event_id, registered_cadre_id, version, created_at, updated_at
        """

    /// A condition that the derived status is `status`, with its bindings.
    static func statusCondition(_ status: MemberStatus, today: CalendarDate) -> (String, [SQLValue]) {
        switch status {
        case .active: ("(status = 'active' OR (status = 'pending' AND active_from <= ?))", [.text(today.description)])
        case .pending: ("(status = 'pending' AND (active_from IS NULL OR active_from > ?))", [.text(today.description)])
        case .inactive, .deactivated: ("status = ?", [.text(status.rawValue)])
        }
    }

    /// A registered NIK or card number: who holds it and whether the caller may know.
    struct Holder: Sendable {
        let id: Int64
        let status: MemberStatus
        let fullName: String
        let birthDate: String
        let isInScope: Bool
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
        in connection: DatabaseConnection
    ) throws -> Member? {
        let facilitySince = member.facilityID == nil ? nil : today.description
        let values = Self.values(
            member, sealed: sealed, status: status, activeFrom: activeFrom, today: today, now: now, importID: nil)
        guard let id = try connection.fetchOne(
            Self.insertShape.insertOne + " ON CONFLICT DO NOTHING RETURNING id", values, map: { try $0.int64("id") })
        else { return nil }
        let effectiveStatus = MemberStatus.derived(stored: status, activeFrom: activeFrom, today: today)
        return Member(
            id: id, nik: member.nik.digits, cardNo: member.cardNo, fullName: member.fullName,
            birthDate: member.birthDate.description, sex: member.sex, familyCardNo: member.familyCardNo,
            relationship: member.relationship, segment: member.segment, memberClass: member.memberClass,
            regionCode: member.regionCode, address: member.address, phone: member.phone, facilityID: member.facilityID,
            employerID: member.employerID, status: effectiveStatus, statusReason: nil, classSince: today.description,
            facilitySince: facilitySince, registeredAt: today.description, registeredVia: member.registeredVia, version: 1,
            createdAt: now, updatedAt: now)
    }

    /// A registration ready for `insertMany`: sealed, with the status it starts in.
    struct Registration: Sendable {
        let member: NewMember
        let sealed: Sealed
    }

    /// The columns a registration writes, the import that made it (if one did) last.
    private static let insertShape = AppendedRow.Shape(table: "members", columns: [
        "nik_index", "nik_sealed", "card_no", "full_name", "birth_date", "sex", "family_card_no", "relationship", "segment",
        "class", "region_code", "address", "phone_sealed", "facility_id", "employer_id", "status", "active_from",
        "class_since", "facility_since", "registered_at", "registered_organization_id", "registered_event_id",
        "registered_cadre_id", "created_at", "updated_at", "import_id",
    ])

    /// `insertShape`'s values for `member`, registered `today`.
    private static func values(
        _ member: NewMember, sealed: Sealed, status: MemberStatus, activeFrom: CalendarDate?, today: CalendarDate, now: String,
        importID: Int64?
    ) -> [SQLValue] {
        let todayText = today.description
        return [
            .blob(sealed.nikIndex), .blob(sealed.nik), SQLValue(member.cardNo), .text(member.fullName),
            .text(member.birthDate.description), .text(member.sex.rawValue), .text(member.familyCardNo),
            .text(member.relationship.rawValue), .text(member.segment.rawValue), .integer(Int64(member.memberClass)),
            .text(member.regionCode), SQLValue(member.address), SQLValue(sealed.phone), SQLValue(member.facilityID),
            SQLValue(member.employerID), .text(status.rawValue), SQLValue(activeFrom?.description), .text(todayText),
            SQLValue(member.facilityID == nil ? nil : todayText), .text(todayText), SQLValue(member.registeredVia.organizationID),
            SQLValue(member.registeredVia.eventID), SQLValue(member.registeredVia.cadreID), .text(now), .text(now),
            SQLValue(importID),
        ]
    }

    /// A registration as an import inserts it: its column values, made before the write.
    struct ImportRow: Sendable {
        let registration: Registration
        fileprivate let values: [SQLValue]
    }

    /// `registration` as a row of import `importID`, registered `today`.
    func importRow(_ registration: Registration, importID: Int64, today: CalendarDate, now: String) -> ImportRow {
        let (status, activeFrom) = MemberStatus.initial(for: registration.member.segment, registeredOn: today)
        return ImportRow(registration: registration, values: Self.values(
            registration.member, sealed: registration.sealed, status: status, activeFrom: activeFrom, today: today, now: now,
            importID: importID))
    }

    /// Inserts `rows` in multi-row statements; those whose NIK or card number is registered
    /// already, or came earlier in the list, are skipped by the unique indexes. Returns the
    /// blind indexes of the NIKs inserted.
    func insertMany(_ rows: [ImportRow], in connection: DatabaseConnection) throws -> Set<[UInt8]> {
        var inserted: Set<[UInt8]> = []
        for start in stride(from: 0, to: rows.count, by: 500) {
            let chunk = rows[start..<min(start + 500, rows.count)]
            var values: [SQLValue] = []
            values.reserveCapacity(chunk.count * Self.insertShape.columnCount)
            for row in chunk { values.append(contentsOf: row.values) }
            let sql = Self.insertShape.insert(rows: chunk.count) + " ON CONFLICT DO NOTHING RETURNING nik_index"
            for index in try connection.fetchAll(sql, values, map: { try $0.blob("nik_index") }) { inserted.insert(index) }
        }
        return inserted
    }

    /// Whether `nik` is registered, whatever the scope.
    func isRegistered(_ nikIndex: [UInt8], in connection: DatabaseConnection) throws -> Bool {
        try connection.fetchOne("SELECT 1 AS found FROM members WHERE nik_index = ?", [.blob(nikIndex)]) { _ in true } ?? false
    }

    /// Members registered, deactivated ones included.
    static func count(in connection: DatabaseConnection) throws -> Int64 {
        try connection.fetchOne("SELECT count(*) AS members FROM members") { try $0.int64("members") } ?? 0
    }

    func find(_ id: Int64, scope: Scope, today: CalendarDate, in connection: DatabaseConnection) throws -> Member? {
        let (condition, bindings) = scope.condition(on: "registered_organization_id")
        return try connection.fetchOne(
            "SELECT \(Self.columns) FROM members WHERE id = ? AND \(condition)", [.integer(id)] + bindings,
            map: decoder(today: today))
    }

    /// Who holds `nik`, whatever the scope; `isInScope` says whether the caller may see more
    /// than that the NIK is registered.
    func holder(of nik: NIK, scope: Scope, today: CalendarDate, in connection: DatabaseConnection) throws -> Holder? {
        try holder(where: "nik_index = ?", .blob(protection.blindIndex(nik.digits)), scope: scope, today: today, in: connection)
    }

    /// Who holds the card number `cardNo`, whatever the scope.
    func holder(ofCard cardNo: String, scope: Scope, today: CalendarDate, in connection: DatabaseConnection) throws -> Holder? {
        try holder(where: "card_no = ?", .text(cardNo), scope: scope, today: today, in: connection)
    }

    private func holder(
        where condition: String, _ value: SQLValue, scope: Scope, today: CalendarDate, in connection: DatabaseConnection
    ) throws -> Holder? {
        let (scopeCondition, bindings) = scope.condition(on: "registered_organization_id")
        return try connection.fetchOne(
            "SELECT id, status, active_from, full_name, birth_date, \(scopeCondition) AS in_scope FROM members WHERE \(condition)",
            bindings + [value]
        ) { row in
            Holder(
                id: try row.int64("id"), status: try Self.status(of: row, today: today), fullName: try row.string("full_name"),
                birthDate: try row.string("birth_date"), isInScope: try row.bool("in_scope"))
        }
    }

    /// The class of the PBPU members still covered on a family card, if any; they share one.
    func familyClass(_ familyCardNo: String, excluding memberID: Int64?, in connection: DatabaseConnection) throws -> Int? {
        try connection.fetchOne("""
            SELECT class FROM members
            WHERE family_card_no = ? AND segment = 'PBPU' AND status <> 'deactivated' AND id <> ? LIMIT 1
            """,
            [.text(familyCardNo), .integer(memberID ?? 0)]) { try $0.int("class") }
    }

    /// `familyClass` of many PBPU family cards at once: the class of each card that has one.
    func familyClasses(_ familyCardNos: [String], in connection: DatabaseConnection) throws -> [String: Int] {
        var classes: [String: Int] = [:]
        let cards = Array(Set(familyCardNos))
        for start in stride(from: 0, to: cards.count, by: 500) {
            let chunk = Array(cards[start..<min(start + 500, cards.count)])
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for (card, memberClass) in try connection.fetchAll("""
                SELECT DISTINCT family_card_no, class FROM members
                WHERE family_card_no IN (\(placeholders)) AND segment = 'PBPU' AND status <> 'deactivated'
                """, chunk.map { .text($0) }, map: { (try $0.string("family_card_no"), try $0.int("class")) }) {
                classes[card] = memberClass
            }
        }
        return classes
    }

    /// A page of members in scope matching `filter`, by id.
    func list(
        _ filter: MemberFilter, scope: Scope, today: CalendarDate, after: Int64?, limit: Int, in connection: DatabaseConnection
    ) throws -> [Member] {
        let (scopeCondition, scopeBindings) = scope.condition(on: "registered_organization_id")
        var conditions = ["id > ?", scopeCondition]
        var bindings: [SQLValue] = [.integer(after ?? 0)] + scopeBindings
        func add(_ condition: String, _ values: SQLValue...) {
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
        if let status = filter.status {
            let (condition, values) = Self.statusCondition(status, today: today)
            conditions.append(condition)
            bindings.append(contentsOf: values)
        }
        if let segment = filter.segment { add("segment = ?", .text(segment.rawValue)) }
        if let organization = filter.organizationID { add("registered_organization_id = ?", .integer(organization)) }
        if let event = filter.eventID { add("registered_event_id = ?", .integer(event)) }
        bindings.append(.integer(Int64(limit)))
        return try connection.fetchAll(
            "SELECT \(Self.columns) FROM members WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?",
            bindings, map: decoder(today: today))
    }

    /// Writes the changeable fields if the row is still at `version`; nil when it is not.
    func update(
        _ id: Int64, version: Int64, today: CalendarDate, fullName: String, address: String?, phone: String?, cardNo: String?, memberClass: Int,
        classSince: String, facilityID: Int64?, facilitySince: String?, now: String, in connection: DatabaseConnection
    ) throws -> Member? {
        try connection.fetchOne("""
            UPDATE members SET full_name = ?, address = ?, phone_sealed = ?, card_no = ?, class = ?, class_since = ?,
                facility_id = ?, facility_since = ?, updated_at = ?, version = version + 1
            WHERE id = ? AND version = ? RETURNING \(Self.columns)
            """,
            [.text(fullName), SQLValue(address), phone.map { .blob(protection.seal($0)) } ?? .null, SQLValue(cardNo),
             .integer(Int64(memberClass)), .text(classSince), SQLValue(facilityID), SQLValue(facilitySince),
             .text(now), .integer(id), .integer(version)],
            map: decoder(today: today))
    }

    /// Moves the other PBPU members of a family card to `memberClass`; returns their ids and
    /// former classes, for the history.
    func moveFamilyClass(
        _ familyCardNo: String, to memberClass: Int, since: String, excluding id: Int64, now: String, in connection: DatabaseConnection
    ) throws -> [(id: Int64, oldClass: Int)] {
        let moved = try connection.fetchAll("""
            SELECT id, class FROM members
            WHERE family_card_no = ? AND segment = 'PBPU' AND status <> 'deactivated' AND id <> ? AND class <> ?
            """,
            [.text(familyCardNo), .integer(id), .integer(Int64(memberClass))]) { (id: try $0.int64("id"), oldClass: try $0.int("class")) }
        for member in moved {
            try connection.execute(
                "UPDATE members SET class = ?, class_since = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                [.integer(Int64(memberClass)), .text(since), .text(now), .integer(member.id)])
        }
        return moved
    }

    /// Sets one member's class (a beneficiary moved to its scheme's class).
    func setClass(_ id: Int64, to memberClass: Int, since: String, now: String, in connection: DatabaseConnection) throws {
        try connection.execute(
            "UPDATE members SET class = ?, class_since = ?, updated_at = ?, version = version + 1 WHERE id = ?",
            [.integer(Int64(memberClass)), .text(since), .text(now), .integer(id)])
    }

    /// Deactivates a member that is not already; false when it was.
    func deactivate(_ id: Int64, reason: DeactivationReason, now: String, in connection: DatabaseConnection) throws -> Bool {
        try connection.execute("""
            UPDATE members SET status = 'deactivated', status_reason = ?, updated_at = ?, version = version + 1
            WHERE id = ? AND status <> 'deactivated'
            """,
            [.text(reason.rawValue), .text(now), .integer(id)]) == 1
    }

    /// Every member on a family card within scope, by id.
    func family(_ familyCardNo: String, scope: Scope, today: CalendarDate, in connection: DatabaseConnection) throws -> [Member] {
        let (condition, bindings) = scope.condition(on: "registered_organization_id")
        return try connection.fetchAll(
            "SELECT \(Self.columns) FROM members WHERE family_card_no = ? AND \(condition) ORDER BY id",
            [.text(familyCardNo)] + bindings, map: decoder(today: today))
    }

    // MARK: - History

    func recordHistory(_ change: MemberHistoryEntry, memberID: Int64, by principal: Principal?, requestID: String, now: String, in connection: DatabaseConnection) throws {
        try connection.execute("""
            INSERT INTO member_history (member_id, field, old_value, new_value, reason, api_key_id, role, request_id, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(memberID), .text(change.field.rawValue), SQLValue(change.oldValue), SQLValue(change.newValue),
             SQLValue(change.reason), SQLValue(principal?.apiKeyID), .text(principal?.role.rawValue ?? "system"),
             .text(requestID), .text(now)])
    }

    func history(of memberID: Int64, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [MemberHistoryEntry] {
        try connection.fetchAll("""
            SELECT id, field, old_value, new_value, reason, api_key_id, role, changed_at FROM member_history
            WHERE member_id = ? AND id > ? ORDER BY id LIMIT ?
            """,
            [.integer(memberID), .integer(after ?? 0), .integer(Int64(limit))]
        ) { row in
            MemberHistoryEntry(
                id: try row.int64("id"), field: try row.value("field", as: MemberHistoryEntry.Field.self),
                oldValue: try row.optionalString("old_value"), newValue: try row.optionalString("new_value"),
                reason: try row.optionalString("reason"), apiKeyID: try row.optionalInt64("api_key_id"),
                role: try row.string("role"), changedAt: try row.string("changed_at"))
        }
    }

    // MARK: - Rows

    /// The derived status of a row with `status` and `active_from`.
    private static func status(of row: DatabaseRow, today: CalendarDate) throws -> MemberStatus {
        MemberStatus.derived(
            stored: try row.value("status", as: MemberStatus.self),
            activeFrom: try row.optionalString("active_from").flatMap(CalendarDate.init), today: today)
    }

    /// Decodes a row of `columns` as of `today`.
    private func decoder(today: CalendarDate) -> (DatabaseRow) throws -> Member {
        { [protection] row in
            Member(
                id: try row.int64("id"), nik: try protection.open(try row.blob("nik_sealed")), cardNo: try row.optionalString("card_no"),
                fullName: try row.string("full_name"), birthDate: try row.string("birth_date"),
                sex: try row.value("sex", as: Sex.self), familyCardNo: try row.string("family_card_no"),
                relationship: try row.value("relationship", as: Relationship.self),
                segment: try row.value("segment", as: Segment.self), memberClass: try row.int("class"),
                regionCode: try row.string("region_code"), address: try row.optionalString("address"),
                phone: try row.optionalBlob("phone_sealed").map(protection.open), facilityID: try row.optionalInt64("facility_id"),
                employerID: try row.optionalInt64("employer_id"), status: try Self.status(of: row, today: today),
                statusReason: try row.optionalString("status_reason"), classSince: try row.string("class_since"),
                facilitySince: try row.optionalString("facility_since"), registeredAt: try row.string("registered_at"),
                registeredVia: RegisteredVia(
                    organizationID: try row.optionalInt64("registered_organization_id"),
                    eventID: try row.optionalInt64("registered_event_id"), cadreID: try row.optionalInt64("registered_cadre_id")),
                version: try row.int64("version"), createdAt: try row.string("created_at"), updatedAt: try row.string("updated_at"))
        }
    }
}
