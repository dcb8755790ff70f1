internal import Database

/// SQL for facilities, their pipeline history, visits, scores and follow-ups. A partner's
/// scope is the facilities its organization tree owns, applied inside each query.
enum FacilityRepository {
    /// The columns `decode` reads; the counts and latest scores are subqueries, and what is
    /// overdue or expired is so against the day bound to the first two parameters (`today`).
    private static let columns = """
        id, name, kind, level, owner_organization_id, region_code, address, beds, doctors, bpjs_code,
        accreditation_status, accreditation_expires_on, status, version, created_at, updated_at,
        (SELECT count(*) FROM members WHERE members.facility_id = facilities.id AND members.status <> 'deactivated') AS member_count,
        (SELECT count(*) FROM follow_ups f WHERE f.facility_id = facilities.id AND f.done_at IS NULL) AS open_follow_ups,
        (SELECT count(*) FROM follow_ups f WHERE f.facility_id = facilities.id AND f.done_at IS NULL AND f.due_on < ?) AS overdue_follow_ups,
        CASE WHEN accreditation_expires_on IS NULL THEN NULL WHEN accreditation_expires_on < ? THEN 1 ELSE 0 END AS accreditation_expired,
        \(ScoreArea.allCases.map { area in """
            (SELECT s.score FROM visit_scores s JOIN facility_visits v ON v.id = s.visit_id
             WHERE v.facility_id = facilities.id AND s.area = '\(area.rawValue)' ORDER BY v.visited_on DESC, v.id DESC LIMIT 1) AS score_\(area.rawValue)
            """ }.joined(separator: ",\n"))
        """

    /// The bindings of `columns`' two parameters.
    private static func today(_ today: CalendarDate) -> [SQLValue] { [.text(today.description), .text(today.description)] }

    static func insert(_ new: NewFacility, now: String, in connection: DatabaseConnection) throws -> Int64? {
        try connection.fetchOne("""
            INSERT INTO facilities (name, kind, level, owner_organization_id, region_code, address, beds, doctors, bpjs_code,
                accreditation_status, accreditation_expires_on, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'prospect', ?, ?) ON CONFLICT DO NOTHING RETURNING id
            """,
            [.text(new.name!), .text(new.kind!.rawValue), .text(new.level!.rawValue), SQLValue(new.ownerOrganizationID),
             .text(new.regionCode!.digits), .text(new.address!), SQLValue(new.beds), SQLValue(new.doctors), SQLValue(new.bpjsCode),
             SQLValue(new.accreditation?.status.rawValue), SQLValue(new.accreditation?.expiresOn.description), .text(now), .text(now)]) {
            try $0.int64("id")
        }
    }

    static func find(_ id: Int64, scope: Scope, today: CalendarDate, in connection: DatabaseConnection) throws -> Facility? {
        let (condition, bindings) = scope.condition(on: "owner_organization_id")
        return try connection.fetchOne(
            "SELECT \(columns) FROM facilities WHERE id = ? AND \(condition)",
            Self.today(today) + [.integer(id)] + bindings, map: decode)
    }

    /// The id of the facility with this BPJS code, if any.
    static func id(withBPJSCode code: String, in connection: DatabaseConnection) throws -> Int64? {
        try connection.fetchOne("SELECT id FROM facilities WHERE bpjs_code = ?", [.text(code)]) { try $0.int64("id") }
    }

    static func list(_ filter: FacilityFilter, scope: Scope, today: CalendarDate, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [Facility] {
        let (scopeCondition, scopeBindings) = scope.condition(on: "owner_organization_id")
        var conditions = ["id > ?", scopeCondition]
        var bindings: [SQLValue] = Self.today(today) + [.integer(after ?? 0)] + scopeBindings
        if let owner = filter.ownerOrganizationID {
            // The owner and its sub-organizations: a PCNU's clinics and its bodies'.
            conditions.append("owner_organization_id IN (\(OrganizationRepository.subtreeSQL))")
            bindings.append(.integer(owner))
        }
        for (column, value) in [("status", filter.status?.rawValue), ("level", filter.level?.rawValue), ("kind", filter.kind?.rawValue)] {
            if let value {
                conditions.append("\(column) = ?")
                bindings.append(.text(value))
            }
        }
        if let region = filter.regionPrefix {
            conditions.append("substr(region_code, 1, ?) = ?")
            bindings += [.integer(Int64(region.count)), .text(region)]
        }
        bindings.append(.integer(Int64(limit)))
        return try connection.fetchAll(
            "SELECT \(columns) FROM facilities WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?", bindings, map: decode)
    }

    /// Writes the patched facts when `version` is current; false when it is not.
    static func update(_ id: Int64, version: Int64, to facility: FacilityPatch, now: String, in connection: DatabaseConnection) throws -> Bool {
        try connection.execute("""
            UPDATE facilities SET name = ?, address = ?, beds = ?, doctors = ?, bpjs_code = ?, accreditation_status = ?,
                accreditation_expires_on = ?, owner_organization_id = ?, version = version + 1, updated_at = ?
            WHERE id = ? AND version = ?
            """,
            [.text(facility.name!), .text(facility.address!), SQLValue(facility.beds), SQLValue(facility.doctors), SQLValue(facility.bpjsCode),
             SQLValue(facility.accreditation?.status.rawValue), SQLValue(facility.accreditation?.expiresOn.description),
             SQLValue(facility.ownerOrganizationID), .text(now), .integer(id), .integer(version)]) == 1
    }

    /// Moves the facility along the pipeline when it is still `from`; false when a concurrent
    /// transition moved it first.
    static func transition(_ id: Int64, from: FacilityStatus, to: FacilityStatus, note: String, context: RequestContext, in connection: DatabaseConnection) throws -> Bool {
        guard try connection.execute(
            "UPDATE facilities SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND status = ?",
            [.text(to.rawValue), .text(context.now), .integer(id), .text(from.rawValue)]) == 1
        else { return false }
        try connection.execute("""
            INSERT INTO facility_history (facility_id, from_status, to_status, note, api_key_id, role, request_id, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(id), .text(from.rawValue), .text(to.rawValue), .text(note), .integer(context.principal.apiKeyID),
             .text(context.principal.role.rawValue), .text(context.requestID), .text(context.now)])
        return true
    }

    static func history(of id: Int64, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [FacilityHistoryEntry] {
        try connection.fetchAll("""
            SELECT id, from_status, to_status, note, api_key_id, role, changed_at FROM facility_history
            WHERE facility_id = ? AND id > ? ORDER BY id LIMIT ?
            """, [.integer(id), .integer(after ?? 0), .integer(Int64(limit))]) { row in
            FacilityHistoryEntry(
                id: try row.int64("id"), fromStatus: try row.string("from_status"), toStatus: try row.string("to_status"),
                note: try row.string("note"), apiKeyID: try row.optionalInt64("api_key_id"), role: try row.string("role"),
                changedAt: try row.string("changed_at"))
        }
    }

    // MARK: - Visits and follow-ups

    static func insertVisit(_ visit: NewVisit, facility: Int64, context: RequestContext, in connection: DatabaseConnection) throws -> Int64 {
        let id = try connection.fetchOne("""
            INSERT INTO facility_visits (facility_id, visited_on, officer, findings, api_key_id, role, request_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [.integer(facility), .text(visit.visitedOn!.description), .text(visit.officer!), .text(visit.findings),
             .integer(context.principal.apiKeyID), .text(context.principal.role.rawValue), .text(context.requestID), .text(context.now)]) {
            try $0.int64("id")
        }!
        for (area, score) in visit.scores.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try connection.execute("INSERT INTO visit_scores (visit_id, area, score) VALUES (?, ?, ?)", [.integer(id), .text(area.rawValue), .integer(score)])
        }
        for followUp in visit.followUps {
            try connection.execute(
                "INSERT INTO follow_ups (visit_id, facility_id, description, due_on) VALUES (?, ?, ?, ?)",
                [.integer(id), .integer(facility), .text(followUp.description), .text(followUp.dueOn.description)])
        }
        try connection.execute("UPDATE facilities SET version = version + 1, updated_at = ? WHERE id = ?", [.text(context.now), .integer(facility)])
        return id
    }

    static func visits(of facility: Int64, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [Visit] {
        let visits = try connection.fetchAll("""
            SELECT id, facility_id, visited_on, officer, findings, created_at,
                   (SELECT count(*) FROM follow_ups f WHERE f.visit_id = facility_visits.id) AS follow_ups
            FROM facility_visits WHERE facility_id = ? AND id > ? ORDER BY id LIMIT ?
            """, [.integer(facility), .integer(after ?? 0), .integer(Int64(limit))]) { row in
            (id: try row.int64("id"), visitedOn: try row.string("visited_on"), officer: try row.string("officer"),
             findings: try row.string("findings"), createdAt: try row.string("created_at"), followUps: try row.int64("follow_ups"))
        }
        guard let first = visits.first, let last = visits.last else { return [] }
        var scores: [Int64: [ScoreArea: Int64]] = [:]
        for (visit, area, score) in try connection.fetchAll("""
            SELECT s.visit_id, s.area, s.score FROM visit_scores s JOIN facility_visits v ON v.id = s.visit_id
            WHERE v.facility_id = ? AND s.visit_id BETWEEN ? AND ?
            """, [.integer(facility), .integer(first.id), .integer(last.id)], map: { row in
            (try row.int64("visit_id"), ScoreArea(rawValue: try row.string("area"))!, try row.int64("score"))
        }) {
            scores[visit, default: [:]][area] = score
        }
        return visits.map {
            Visit(id: $0.id, facilityID: facility, visitedOn: $0.visitedOn, officer: $0.officer, findings: $0.findings,
                  scores: scores[$0.id] ?? [:], followUps: $0.followUps, createdAt: $0.createdAt)
        }
    }

    static func followUps(of facility: Int64, state: FollowUpState?, today: CalendarDate, after: Int64?, limit: Int, in connection: DatabaseConnection) throws -> [FollowUp] {
        var condition = ""
        var bindings: [SQLValue] = [.integer(facility), .integer(after ?? 0)]
        switch state {
        case .done?: condition = "AND done_at IS NOT NULL"
        case .open?: condition = "AND done_at IS NULL AND due_on >= ?"; bindings.append(.text(today.description))
        case .overdue?: condition = "AND done_at IS NULL AND due_on < ?"; bindings.append(.text(today.description))
        case nil: break
        }
        bindings.append(.integer(Int64(limit)))
        return try connection.fetchAll("""
            SELECT id, visit_id, facility_id, description, due_on, done_at FROM follow_ups
            WHERE facility_id = ? AND id > ? \(condition) ORDER BY id LIMIT ?
            """, bindings, map: decodeFollowUp)
    }

    static func followUp(_ id: Int64, of facility: Int64, in connection: DatabaseConnection) throws -> FollowUp? {
        try connection.fetchOne(
            "SELECT id, visit_id, facility_id, description, due_on, done_at FROM follow_ups WHERE id = ? AND facility_id = ?",
            [.integer(id), .integer(facility)], map: decodeFollowUp)
    }

    /// Marks the follow-up done once; false when it was done already.
    static func complete(_ id: Int64, of facility: Int64, context: RequestContext, in connection: DatabaseConnection) throws -> Bool {
        guard try connection.execute("""
            UPDATE follow_ups SET done_at = ?, done_role = ?, done_request_id = ? WHERE id = ? AND facility_id = ? AND done_at IS NULL
            """, [.text(context.now), .text(context.principal.role.rawValue), .text(context.requestID), .integer(id), .integer(facility)]) == 1
        else { return false }
        try connection.execute("UPDATE facilities SET version = version + 1, updated_at = ? WHERE id = ?", [.text(context.now), .integer(facility)])
        return true
    }

    /// Why `facility` cannot be a member's first-level facility (FKTP), or nil when it can:
    /// only a primary facility under contract. Contracted FKTPs are public (BPJS lists them),
    /// so a member may choose one outside the caller's tree; any other facility outside it is
    /// `not_found`, as if it did not exist.
    static func fktpProblem(_ facility: Int64, scope: Scope, in connection: DatabaseConnection) throws -> FieldError? {
        let (visible, bindings) = scope.condition(on: "owner_organization_id")
        let notFound = FieldError(field: "facility_id", code: "not_found", message: "no facility you may choose has this id")
        guard let found = try connection.fetchOne(
            "SELECT level, status, CASE WHEN \(visible) THEN 1 ELSE 0 END AS visible FROM facilities WHERE id = ?",
            bindings + [.integer(facility)], map: {
                (level: try $0.string("level"), status: try $0.string("status"), visible: try $0.int64("visible") == 1)
            })
        else { return notFound }
        let (level, status) = (found.level, found.status)
        let choosable = level == FacilityLevel.primary.rawValue && status == FacilityStatus.contracted.rawValue
        if !choosable, !found.visible { return notFound }
        if level != FacilityLevel.primary.rawValue {
            return .init(field: "facility_id", code: "not_fktp", message: "a member's facility is a first-level (primary) one")
        }
        if status != FacilityStatus.contracted.rawValue {
            return .init(field: "facility_id", code: "not_contracted", message: "the facility has no BPJS contract")
        }
        return nil
    }

    private static func decodeFollowUp(_ row: DatabaseRow) throws -> FollowUp {
        FollowUp(
            id: try row.int64("id"), visitID: try row.int64("visit_id"), facilityID: try row.int64("facility_id"),
            description: try row.string("description"), dueOn: try row.string("due_on"), doneAt: try row.optionalString("done_at"))
    }

    private static func decode(_ row: DatabaseRow) throws -> Facility {
        var scores: [ScoreArea: Int64] = [:]
        for area in ScoreArea.allCases {
            if let score = try row.optionalInt64("score_\(area.rawValue)") { scores[area] = score }
        }
        let accreditation = try row.optionalString("accreditation_status").flatMap(Accreditation.Status.init).map { status in
            Accreditation(status: status, expiresOn: CalendarDate(try row.string("accreditation_expires_on"))!)
        }
        return Facility(
            id: try row.int64("id"), name: try row.string("name"), kind: FacilityKind(rawValue: try row.string("kind"))!,
            level: FacilityLevel(rawValue: try row.string("level"))!, ownerOrganizationID: try row.optionalInt64("owner_organization_id"),
            regionCode: try row.string("region_code"), address: try row.string("address"), beds: try row.optionalInt64("beds"),
            doctors: try row.optionalInt64("doctors"), bpjsCode: try row.optionalString("bpjs_code"), accreditation: accreditation,
            status: FacilityStatus(rawValue: try row.string("status"))!, memberCount: try row.int64("member_count"),
            openFollowUps: try row.int64("open_follow_ups"), overdueFollowUps: try row.int64("overdue_follow_ups"),
            accreditationExpired: try row.optionalInt64("accreditation_expired").map { $0 == 1 }, latestScores: scores, version: try row.int64("version"), createdAt: try row.string("created_at"),
            updatedAt: try row.string("updated_at"))
    }
}
