
/// The rules of the employer registry: the region exists, one employer per NIB (the UNIQUE
/// constraint decides, so two racing registrations cannot both win), and each registration
/// is audited in its own transaction.
struct EmployerService: Sendable {
    let store: Store

    func create(_ new: NewEmployer, _ context: RequestContext) async throws -> Employer {
        try await store.write { connection in
            var errors = new.errors
            if let region = new.regionCode, try RegionRepository.level(of: region, in: connection) == nil {
                errors.append(.init(field: "region_code", code: "not_found", message: "is not a Kemendagri region code"))
            }
            guard errors.isEmpty, let name = new.name, let nib = new.nib, let region = new.regionCode,
                  let reported = new.reportedEmployees
            else { throw AppError.invalid(errors) }
            guard let employer = try EmployerRepository.insert(
                name: name, nib: nib, regionCode: region.digits, reportedEmployees: reported, now: context.now, in: connection)
            else {
                let holder = try EmployerRepository.id(withNIB: nib, in: connection)
                throw AppError.duplicate("This NIB is registered already.", existingID: holder)
            }
            try AuditLog.insert(context.audit("create", "employer", id: employer.id), into: connection)
            return employer
        }
    }

    func find(_ id: Int64) async throws -> Employer? {
        try await store.read { connection in try EmployerRepository.find(id, in: connection) }
    }

    func list(_ filter: EmployerFilter, page: Page) async throws -> [Employer] {
        try await store.read { connection in
            try EmployerRepository.list(filter, after: page.after, limit: page.limit, in: connection)
        }
    }
}
