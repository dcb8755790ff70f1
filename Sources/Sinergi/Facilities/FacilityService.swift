internal import Database

/// The rules of the facility registry (DOMAIN.md, Facilities): the kind decides the level; the
/// partnership pipeline moves one step at a time, to `contracted` only with a BPJS code and a
/// current accreditation, never for a community health post; a partner proposes prospects for
/// its own tree and marks follow-ups done, and sees only its tree's facilities.
struct FacilityService: Sendable {
    let store: Store

    func create(_ new: NewFacility, _ context: RequestContext) async throws -> Facility {
        var new = new
        // A partner proposes for its own organization unless it names one below it.
        if context.principal.role == .partner, new.ownerOrganizationID == nil {
            new.ownerOrganizationID = context.principal.organizationID
        }
        let draft = new
        return try await store.write { connection in
            var errors = draft.errors
            if let region = draft.regionCode, try RegionRepository.level(of: region, in: connection) == nil {
                errors.append(.init(field: "region_code", code: "not_found", message: "is not a Kemendagri region code"))
            }
            if let owner = draft.ownerOrganizationID, try OrganizationRepository.find(owner, scope: context.scope, in: connection) == nil {
                errors.append(.init(field: "owner_organization_id", code: "not_found", message: "no organization you may see has this id"))
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }
            guard let id = try FacilityRepository.insert(draft, now: context.now, in: connection) else {
                let holder = try draft.bpjsCode.flatMap { try FacilityRepository.id(withBPJSCode: $0, in: connection) }
                let visible = try holder.flatMap { try FacilityRepository.find($0, scope: context.scope, today: context.today, in: connection) }
                throw AppError.duplicate("This BPJS facility code is registered already.", existingID: visible?.id)
            }
            try AuditLog.insert(context.audit("create", "facility", id: id), into: connection)
            return try FacilityRepository.find(id, scope: .all, today: context.today, in: connection)!
        }
    }

    func find(_ id: Int64, _ context: RequestContext) async throws -> Facility? {
        try await store.read { try FacilityRepository.find(id, scope: context.scope, today: context.today, in: $0) }
    }

    func list(_ filter: FacilityFilter, page: Page, _ context: RequestContext) async throws -> [Facility] {
        try await store.read {
            try FacilityRepository.list(filter, scope: context.scope, today: context.today, after: page.after, limit: page.limit, in: $0)
        }
    }

    func update(_ id: Int64, with patch: FacilityPatch, ifMatch: String, _ context: RequestContext) async throws -> Facility {
        try await store.write { connection in
            guard let current = try FacilityRepository.find(id, scope: context.scope, today: context.today, in: connection) else {
                throw AppError.notFound
            }
            var errors = patch.errors
            var merged = patch
            merged.name = patch.name ?? current.name
            merged.address = patch.address ?? current.address
            merged.beds = patch.beds ?? current.beds
            merged.doctors = patch.doctors ?? current.doctors
            merged.bpjsCode = patch.bpjsCode ?? current.bpjsCode
            merged.accreditation = patch.accreditation ?? current.accreditation
            merged.ownerOrganizationID = patch.ownerOrganizationID ?? current.ownerOrganizationID
            if let owner = patch.ownerOrganizationID, try OrganizationRepository.find(owner, scope: context.scope, in: connection) == nil {
                errors.append(.init(field: "owner_organization_id", code: "not_found", message: "no organization you may see has this id"))
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }
            if !IfMatch.matches(ifMatch, etag: current.etag) { throw AppError.preconditionFailed }
            if let code = patch.bpjsCode, code != current.bpjsCode, let holder = try FacilityRepository.id(withBPJSCode: code, in: connection) {
                let visible = try FacilityRepository.find(holder, scope: context.scope, today: context.today, in: connection)
                throw AppError.duplicate("This BPJS facility code is registered already.", existingID: visible?.id)
            }
            guard try FacilityRepository.update(id, version: current.version, to: merged, now: context.now, in: connection) else {
                throw AppError.preconditionFailed
            }
            try AuditLog.insert(context.audit("update", "facility", id: id), into: connection)
            return try FacilityRepository.find(id, scope: .all, today: context.today, in: connection)!
        }
    }

    /// One step along the pipeline, with its note.
    func transition(_ id: Int64, to next: FacilityStatus, note: String, _ context: RequestContext) async throws -> Facility {
        try await store.write { connection in
            guard let facility = try FacilityRepository.find(id, scope: context.scope, today: context.today, in: connection) else {
                throw AppError.notFound
            }
            if facility.level == .community {
                throw AppError.invalid([.init(
                    field: "to", code: "not_contractable",
                    message: "a community health post is not contracted by BPJS; it enters the pipeline once it is a licensed clinic")])
            }
            guard facility.status.allows(next) else {
                throw AppError.conflict("A facility that is \(facility.status.rawValue) cannot become \(next.rawValue).")
            }
            if next == .contracted {
                var errors: [FieldError] = []
                if facility.bpjsCode == nil {
                    errors.append(.init(field: "bpjs_code", code: "required", message: "a contracted facility has its BPJS code; set it first"))
                }
                switch facility.accreditation {
                case nil:
                    errors.append(.init(field: "accreditation", code: "required", message: "a contract needs a current accreditation"))
                case let accreditation? where accreditation.expiresOn < context.today:
                    errors.append(.init(field: "accreditation.expires_on", code: "accreditation_expired",
                                        message: "the accreditation expired on \(accreditation.expiresOn)"))
                default: break
                }
                if !errors.isEmpty { throw AppError.invalid(errors) }
            }
            guard try FacilityRepository.transition(id, from: facility.status, to: next, note: note, context: context, in: connection) else {
                throw AppError.conflict("Facility \(id) changed meanwhile; read it again.")
            }
            try AuditLog.insert(context.audit("transition", "facility", id: id), into: connection)
            return try FacilityRepository.find(id, scope: .all, today: context.today, in: connection)!
        }
    }

    func history(_ id: Int64, page: Page, _ context: RequestContext) async throws -> [FacilityHistoryEntry]? {
        try await store.read { connection in
            guard try FacilityRepository.find(id, scope: context.scope, today: context.today, in: connection) != nil else { return nil }
            return try FacilityRepository.history(of: id, after: page.after, limit: page.limit, in: connection)
        }
    }

    func recordVisit(_ visit: NewVisit, facility id: Int64, _ context: RequestContext) async throws -> Visit {
        try await store.write { connection in
            guard try FacilityRepository.find(id, scope: context.scope, today: context.today, in: connection) != nil else {
                throw AppError.notFound
            }
            if !visit.errors.isEmpty { throw AppError.invalid(visit.errors) }
            let visitID = try FacilityRepository.insertVisit(visit, facility: id, context: context, in: connection)
            try AuditLog.insert(context.audit("visit", "facility", id: id), into: connection)
            return try FacilityRepository.visits(of: id, after: visitID - 1, limit: 1, in: connection)[0]
        }
    }

    func visits(_ id: Int64, page: Page, _ context: RequestContext) async throws -> [Visit]? {
        try await store.read { connection in
            guard try FacilityRepository.find(id, scope: context.scope, today: context.today, in: connection) != nil else { return nil }
            return try FacilityRepository.visits(of: id, after: page.after, limit: page.limit, in: connection)
        }
    }

    func followUps(_ id: Int64, state: FollowUpState?, page: Page, _ context: RequestContext) async throws -> [FollowUp]? {
        try await store.read { connection in
            guard try FacilityRepository.find(id, scope: context.scope, today: context.today, in: connection) != nil else { return nil }
            return try FacilityRepository.followUps(of: id, state: state, today: context.today, after: page.after, limit: page.limit, in: connection)
        }
    }

    /// Marks a follow-up done; done already is no change.
    func complete(_ followUp: Int64, facility id: Int64, _ context: RequestContext) async throws -> FollowUp {
        try await store.write { connection in
            guard try FacilityRepository.find(id, scope: context.scope, today: context.today, in: connection) != nil,
                  try FacilityRepository.followUp(followUp, of: id, in: connection) != nil
            else { throw AppError.notFound }
            if try FacilityRepository.complete(followUp, of: id, context: context, in: connection) {
                try AuditLog.insert(context.audit("complete_follow_up", "facility", id: id), into: connection)
            }
            return try FacilityRepository.followUp(followUp, of: id, in: connection)!
        }
    }
}
