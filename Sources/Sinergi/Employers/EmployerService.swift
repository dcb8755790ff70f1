internal import HTTPServer
internal import SQLite

/// The rules of the employer registry: the region exists, one employer per NIB, and each
/// registration is audited in its own transaction.
struct EmployerService: Sendable {
    let database: DatabasePool

    /// What a registration asks for, already checked for form.
    struct Draft: Sendable {
        var name: String
        var nib: NIB
        var regionCode: RegionCode
        var reportedEmployees: Int64
    }

    func create(_ draft: Draft, by principal: Principal, requestID: String) async throws -> Employer {
        try await database.write { connection in
            if try RegionRepository.level(of: draft.regionCode, in: connection) == nil {
                throw AppError.invalid([
                    Problem.FieldError(field: "region_code", code: "not_found", message: "is not a Kemendagri region code"),
                ])
            }
            // Looked up first so the 409 can name the employer that holds the NIB. The write
            // transaction is the only writer, so nothing can take the NIB between this read and
            // the insert; the UNIQUE constraint stays the guarantee underneath.
            if let existing = try EmployerRepository.id(withNIB: draft.nib, in: connection) {
                throw AppError.conflict("This NIB is already registered as employer \(existing).")
            }
            let employer = try EmployerRepository.insert(
                name: draft.name, nib: draft.nib, regionCode: draft.regionCode.digits,
                reportedEmployees: draft.reportedEmployees, now: Timestamp.now(), in: connection)
            try AuditLog.insert(
                AuditEntry(principal: principal, action: "create", resourceType: "employer", resourceID: String(employer.id), requestID: requestID),
                into: connection)
            return employer
        }
    }
}
