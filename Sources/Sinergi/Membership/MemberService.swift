internal import Database

/// The registry's rules (DOMAIN.md, Members): one NIK one member, PBI in class 3, PPU_BU with
/// an employer, one class per PBPU family card, a year between class changes and three
/// months between facility changes, statuses derived except deactivation, history and audit
/// for every change, and partner scope in every query.
public struct MemberService: Sendable {
    let store: Store
    let repository: MemberRepository
    let audit: AuditLog
    let regions: KnownRegions

    init(store: Store, protection: DataProtection, audit: AuditLog, regions: KnownRegions) {
        self.store = store
        self.repository = MemberRepository(protection: protection)
        self.audit = audit
        self.regions = regions
    }

    /// Months in a class, and in a facility, before either may change.
    static let monthsBeforeClassChange = 12
    static let monthsBeforeFacilityChange = 3

    // MARK: - Registration

    /// Registers a member; several requests' registrations share one commit, and this returns
    /// only once its own is durable. The warnings are disagreements that are not refusals.
    func register(_ draft: NewMember, _ context: RequestContext) async throws -> (Member, [FieldError]) {
        let (scope, principal, today, now) = (context.scope, context.principal, context.today, context.now)
        var draft = draft
        // A partner registers for its own organization unless it names one below it.
        if principal.role == .partner, draft.registeredVia.organizationID == nil {
            draft.registeredVia.organizationID = principal.organizationID
        }
        let member = draft
        let (repository, regions) = (repository, regions)
        // Everything that needs no write lock happens here, on the caller's thread: the
        // references (rows that are never deleted) and the region lookups behind the warnings,
        // and the encryption. The writer, which every registration waits for, does only the
        // family rule, the insert and the history.
        let warnings = try await store.lookup { connection in
            let errors = try Self.referenceErrors(member.references, scope: scope, regions: regions, in: connection)
            if !errors.isEmpty { throw AppError.invalid(errors) }
            return try Self.warnings(for: member, regions: regions, in: connection)
        }
        let sealed = repository.seal(member)
        let created = try await store.groupedWrite { connection -> Member in
            // Registrations and class changes on one card take turns, so each sees the other's class.
            if member.segment == .pbpu { try connection.lockUntilCommit(Self.familyLock(member.familyCardNo)) }
            if member.segment == .pbpu,
               let familyClass = try repository.familyClass(member.familyCardNo, excluding: nil, in: connection),
               familyClass != member.memberClass {
                throw AppError.invalid([Self.familyClassMismatch(familyClass, seesAll: principal.seesAll)])
            }
            let (status, activeFrom) = MemberStatus.initial(for: member.segment, registeredOn: today)
            guard let created = try repository.insert(
                member, sealed: sealed, status: status, activeFrom: activeFrom, today: today, now: now, in: connection)
            else {
                if let holder = try repository.holder(of: member.nik, scope: scope, today: today, in: connection) {
                    throw AppError.duplicate("This NIK is registered already.", existingID: holder.isInScope ? holder.id : nil)
                }
                let holder = try member.cardNo.flatMap {
                    try repository.holder(ofCard: $0, scope: scope, today: today, in: connection)
                }
                throw AppError.duplicate("This card number is registered already.", existingID: holder?.isInScope == true ? holder?.id : nil)
            }
            // Who registered the member and when is in the audit log and in `registered_at`;
            // the history starts with the first change.
            try AuditLog.insert(context.audit("create", "member", id: created.id), into: connection)
            return created
        }
        return (created, warnings)
    }

    /// A PBPU registration in another class than its family card's members.
    static func familyClassMismatch(_ familyClass: Int, seesAll: Bool) -> FieldError {
        // The card's other members may lie outside a partner's scope: it learns that the class
        // differs, not which class the card holds.
        let which = seesAll ? "in class \(familyClass)" : "in another class"
        return FieldError(
            field: "class", code: "family_class_mismatch",
            message: "PBPU members of this family card are \(which); a PBPU family shares one class")
    }

    /// The NIK against the record and the region list: warnings, never refusals.
    static func warnings(for member: NewMember, regions: KnownRegions, in connection: DatabaseConnection) throws -> [FieldError] {
        try warnings(for: member) { code in try RegionCode(code).map { try regions.contains($0, in: connection) } ?? false }
    }

    /// `warnings`, asking `regionExists` about each code (`35`, `3507`, `350701`) once.
    static func warnings(for member: NewMember, regionExists: (String) throws -> Bool) throws -> [FieldError] {
        var known: [String: Bool] = [:]
        for code in [member.nik.provinceCode, member.nik.regencyCode, member.nik.districtCode] {
            known[code] = try regionExists(code)
        }
        let birth = member.birthDate
        return member.nik.warnings(
            recordedBirthDate: (birth.year, birth.month, birth.day), recordedSex: member.sex,
            regionExists: { known[$0] ?? false })
    }

    /// The reference errors of a registration whose fields are not all valid, so one answer
    /// names the bad fields and the references that do not exist together.
    func referenceErrors(_ references: MemberReferences, _ context: RequestContext) async throws -> [FieldError] {
        let (scope, regions) = (context.scope, regions)
        return try await store.lookup { connection in try Self.referenceErrors(references, scope: scope, regions: regions, in: connection) }
    }

    // References that do not exist, or lie outside a partner's scope, are field errors, together.
    static func referenceErrors(
        _ member: MemberReferences, scope: Scope, regions: KnownRegions, in connection: DatabaseConnection
    ) throws -> [FieldError] {
        var errors: [FieldError] = []
        if let region = member.regionCode, try !regions.contains(region, in: connection) {
            errors.append(.init(field: "region_code", code: "not_found", message: "is not a Kemendagri region code"))
        }
        if let employer = member.employerID, try EmployerRepository.find(employer, in: connection) == nil {
            errors.append(.init(field: "employer_id", code: "not_found", message: "no employer has this id"))
        }
        if let facility = member.facilityID, let problem = try FacilityRepository.fktpProblem(facility, scope: scope, in: connection) {
            errors.append(problem)
        }
        if let organization = member.registeredVia.organizationID,
           try OrganizationRepository.find(organization, scope: scope, in: connection) == nil {
            errors.append(.init(field: "registered_via.organization_id", code: "not_found", message: "no organization you may see has this id"))
        }
        // Events and cadres come with the outreach domain; until their tables exist no id can
        // name one, and accepting any number would let a partner credit another's event.
        if member.registeredVia.eventID != nil {
            errors.append(.init(field: "registered_via.event_id", code: "not_found", message: "no event you may see has this id"))
        }
        if member.registeredVia.cadreID != nil {
            errors.append(.init(field: "registered_via.cadre_id", code: "not_found", message: "no cadre you may see has this id"))
        }
        return errors
    }

    // MARK: - Reads

    /// The member if it is in the caller's scope; the read is audited before it is returned.
    func find(_ id: Int64, _ context: RequestContext) async throws -> Member? {
        let (scope, today) = (context.scope, context.today)
        let repository = repository
        // A primary-key lookup: on this thread, which saves two hand-offs (see `readHere`).
        guard let member = try await store.lookupOne({ try repository.find(id, scope: scope, today: today, in: $0) }) else {
            return nil
        }
        try await audit.record(context.audit("read", "member", id: id))
        return member
    }

    /// A page of members; the list is audited once.
    func list(_ filter: MemberFilter, page: Page, _ context: RequestContext) async throws -> [Member] {
        let members = try await listUnaudited(filter, page: page, context)
        try await audit.record(context.audit("list", "member"))
        return members
    }

    /// Records the start of an export of the whole filtered list (CSV), which then reads its
    /// batches with `listUnaudited`.
    func recordExport(_ context: RequestContext) async throws {
        try await audit.record(context.audit("export", "member"))
    }

    /// A page of members, not audited: one batch of an export that `recordExport` audited.
    func listUnaudited(_ filter: MemberFilter, page: Page, _ context: RequestContext) async throws -> [Member] {
        let (scope, today) = (context.scope, context.today)
        let repository = repository
        return try await store.read {
            try repository.list(filter, scope: scope, today: today, after: page.after, limit: page.limit, in: $0)
        }
    }

    /// The members of a family card the caller may see; empty when none.
    func family(_ familyCardNo: String, _ context: RequestContext) async throws -> [Member] {
        let (scope, today) = (context.scope, context.today)
        let repository = repository
        let members = try await store.read { try repository.family(familyCardNo, scope: scope, today: today, in: $0) }
        if !members.isEmpty {
            try await audit.record(context.audit("read", "family"))
        }
        return members
    }

    /// The member's changes, if the member is in scope.
    func history(_ id: Int64, page: Page, _ context: RequestContext) async throws -> [MemberHistoryEntry]? {
        let (scope, today) = (context.scope, context.today)
        let repository = repository
        let changes = try await store.read { connection -> [MemberHistoryEntry]? in
            guard try repository.find(id, scope: scope, today: today, in: connection) != nil else { return nil }
            return try repository.history(of: id, after: page.after, limit: page.limit, in: connection)
        }
        guard let changes else { return nil }
        try await audit.record(context.audit("read", "member_history", id: id))
        return changes
    }

    // MARK: - Changes

    /// Applies `change` when `ifMatch` is current. A PBPU class change moves the whole family
    /// card, which shares one class.
    func update(_ id: Int64, with change: MemberPatch, ifMatch: String, _ context: RequestContext) async throws -> Member {
        let (scope, principal, today, now, requestID) = (context.scope, context.principal, context.today, context.now, context.requestID)
        let repository = repository
        return try await store.groupedWrite { connection in
            guard let current = try repository.find(id, scope: scope, today: today, in: connection) else { throw AppError.notFound }
            if current.status == .deactivated {
                throw AppError.conflict("Member \(id) is deactivated; a deactivated record does not change.")
            }
            // A class change moves the card; registrations on it wait (`current` may be older
            // than the lock: the update's version check refuses it then).
            if current.segment == .pbpu, change.memberClass != nil {
                try connection.lockUntilCommit(Self.familyLock(current.familyCardNo))
            }
            var changes: [MemberHistoryEntry] = []
            // The body's problems and the rules' in one answer; a stale ETag matters only for a
            // change that is valid.
            var errors = change.errors
            var classSince = current.classSince
            if let newClass = change.memberClass, newClass != current.memberClass {
                let earliest = (CalendarDate(current.classSince) ?? today).adding(months: Self.monthsBeforeClassChange)
                if current.segment.isPBI {
                    errors.append(.init(field: "class", code: "class_not_allowed", message: "PBI members are always class 3"))
                } else if today < earliest {
                    errors.append(.init(
                        field: "class", code: "class_change_too_early",
                        message: "the class may change after a year in the current class, from \(earliest)"))
                } else {
                    changes.append(MemberHistoryEntry(field: .memberClass, oldValue: String(current.memberClass), newValue: String(newClass)))
                    classSince = today.description
                }
            }
            var facilitySince = current.facilitySince
            if let facility = change.facilityID, facility != current.facilityID {
                let since = current.facilitySince.flatMap(CalendarDate.init)
                if let problem = try FacilityRepository.fktpProblem(facility, scope: scope, in: connection) {
                    errors.append(problem)
                } else if current.facilityID != nil, let since, today < since.adding(months: Self.monthsBeforeFacilityChange) {
                    let earliest = since.adding(months: Self.monthsBeforeFacilityChange)
                    errors.append(.init(
                        field: "facility_id", code: "facility_change_too_early",
                        message: "the first-level facility may change after three months there, from \(earliest)"))
                } else {
                    changes.append(MemberHistoryEntry(field: .facility, oldValue: current.facilityID.map { String($0) }, newValue: String(facility)))
                    facilitySince = today.description
                }
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }
            if !IfMatch.matches(ifMatch, etag: current.etag) { throw AppError.preconditionFailed }
            let cardNo = change.cardNo ?? current.cardNo
            if let cardNo, cardNo != current.cardNo,
               let holder = try repository.holder(ofCard: cardNo, scope: scope, today: today, in: connection) {
                throw AppError.duplicate("This card number is registered already.", existingID: holder.isInScope ? holder.id : nil)
            }
            let memberClass = change.memberClass ?? current.memberClass
            guard let updated = try repository.update(
                id, version: current.version, today: today, fullName: change.fullName ?? current.fullName,
                address: change.address ?? current.address, phone: change.phone ?? current.phone, cardNo: cardNo,
                memberClass: memberClass, classSince: classSince, facilityID: change.facilityID ?? current.facilityID,
                facilitySince: facilitySince, now: now, in: connection)
            else { throw AppError.preconditionFailed }
            for entry in changes {
                try repository.recordHistory(entry, memberID: id, by: principal, requestID: requestID, now: now, in: connection)
            }
            if current.segment == .pbpu, memberClass != current.memberClass {
                let moved = try repository.moveFamilyClass(
                    current.familyCardNo, to: memberClass, since: classSince, excluding: id, now: now, in: connection)
                for relative in moved {
                    try repository.recordHistory(
                        MemberHistoryEntry(field: .memberClass, oldValue: String(relative.oldClass), newValue: String(memberClass),
                                     reason: "family card moved to class \(memberClass) with member \(id)"),
                        memberID: relative.id, by: principal, requestID: requestID, now: now, in: connection)
                }
            }
            try AuditLog.insert(context.audit("update", "member", id: id), into: connection)
            return updated
        }
    }

    /// What registrations and class changes of one PBPU family card lock.
    static func familyLock(_ familyCardNo: String) -> String { "family:" + familyCardNo }

    /// Deactivates a member with its reason: the only status people set.
    func deactivate(_ id: Int64, reason: DeactivationReason, _ context: RequestContext) async throws -> Member {
        let (scope, principal, today, now, requestID) = (context.scope, context.principal, context.today, context.now, context.requestID)
        let repository = repository
        return try await store.groupedWrite { connection in
            guard let current = try repository.find(id, scope: scope, today: today, in: connection) else { throw AppError.notFound }
            // The update is conditional (`status <> 'deactivated'`): a member deactivated already,
            // before or by a concurrent request, changes nothing, and that is the one check.
            guard try repository.deactivate(id, reason: reason, now: now, in: connection) else {
                throw AppError.conflict("Member \(id) is deactivated already; deactivation is final.")
            }
            try repository.recordHistory(
                MemberHistoryEntry(field: .status, oldValue: current.status.rawValue, newValue: MemberStatus.deactivated.rawValue, reason: reason.rawValue),
                memberID: id, by: principal, requestID: requestID, now: now, in: connection)
            try AuditLog.insert(context.audit("deactivate", "member", id: id), into: connection)
            return try repository.find(id, scope: .all, today: today, in: connection)!
        }
    }
}
