internal import Foundation
internal import HTTPServer
internal import SQLite

/// `POST/GET /v1/employers`, `GET /v1/employers/{id}`. Employers are business data, not
/// personal data, so every role reads all of them; only staff register them.
struct EmployerRoutes: Sendable {
    let database: DatabasePool
    let access: Access
    var service: EmployerService { EmployerService(database: database) }

    func register(on router: inout Router) {
        router.add(.post, "/v1/employers", access: access, roles: .staff, maxBodyBytes: 16 * 1024) { request, principal in
            var input = try JSONInput(request)
            let draft = Self.draft(from: &input)
            try input.finish()
            guard let draft else { throw AppError.invalid(input.errors) }
            let employer = try await service.create(draft, by: principal, requestID: request.id)
            var response = Self.response(employer, status: .created)
            response.headers.add("Location", "/v1/employers/\(employer.id)")
            return response
        }

        router.add(.get, "/v1/employers", access: access, roles: .everyone) { request, _ in
            let query = try request.queryParameters()
            let page = try Page(query)
            var errors: [Problem.FieldError] = []
            let region = query.regionCode("region", errors: &errors)
            if !errors.isEmpty { throw AppError.invalid(errors) }
            let filterRegion = region?.digits
            let employers = try await database.read { connection in
                try EmployerRepository.list(regionPrefix: filterRegion, after: page.after, limit: page.limit, in: connection)
            }
            return page.response(employers, id: \.id) { employer, json in Self.write(employer, into: &json) }
        }

        router.add(.get, "/v1/employers/{id}", access: access, roles: .everyone) { request, _ in
            guard let id = request.parameters["id"].flatMap(Int64.init),
                  let employer = try await database.read({ connection in try EmployerRepository.find(id, in: connection) })
            else { throw AppError.notFound }
            return Self.response(employer, status: .ok)
        }
    }

    /// Reads the fields of a registration; nil when any is missing or wrong (each recorded).
    static func draft(from input: inout JSONInput) -> EmployerService.Draft? {
        let name = input.text("name", required: true)
        let nibText = input.string("nib", required: true)
        let nib = nibText.flatMap(NIB.init)
        if nibText != nil && nib == nil {
            input.fail("nib", code: "invalid_format", message: "must be the 13 digits of a Nomor Induk Berusaha")
        }
        let region = input.regionCode("region_code", required: true)
        let reported = input.integer("reported_employees", required: true, in: 0...Int64.max)
        guard input.errors.isEmpty, let name, let nib, let region, let reported else { return nil }
        return EmployerService.Draft(name: name, nib: nib, regionCode: region, reportedEmployees: reported)
    }

    static func response(_ employer: Employer, status: HTTPStatus) -> Response {
        var json = JSONWriter()
        write(employer, into: &json)
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", employer.etag)
        return response
    }

    static func write(_ employer: Employer, into json: inout JSONWriter) {
        json.beginObject()
        json.field("id", Int(employer.id))
        json.field("name", employer.name)
        json.field("nib", employer.nib)
        json.field("region_code", employer.regionCode)
        json.field("reported_employees", Int(employer.reportedEmployees))
        json.field("registered_employees", Int(employer.registeredEmployees))
        json.field("compliance_rate_bp", employer.complianceRateBP.map(Int.init))
        json.field("created_at", employer.createdAt)
        json.field("updated_at", employer.updatedAt)
        json.endObject()
    }
}
