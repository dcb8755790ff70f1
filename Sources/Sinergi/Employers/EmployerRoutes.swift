internal import HTTPServer

/// `POST/GET /v1/employers`, `GET /v1/employers/{id}`. Employers are business data, not
/// personal data, so every role reads all of them; only staff register them.
struct EmployerRoutes: Sendable {
    let service: EmployerService

    static let representation = Representation<Employer>([
        .integer("id") { $0.id },
        .text("name") { $0.name },
        .text("nib") { $0.nib },
        .text("region_code") { $0.regionCode },
        .integer("reported_employees") { $0.reportedEmployees },
        .integer("registered_employees") { $0.registeredEmployees },
        .integer("compliance_rate_bp") { $0.complianceRateBP },
        .text("created_at") { $0.createdAt },
        .text("updated_at") { $0.updatedAt },
    ])
    static let listing = Listing(representation: representation, position: \.id)

    func register(on router: inout APIRouter) {
        router.add(.post, "/v1/employers", roles: .staff, maxBodyBytes: 16 * 1024) { request, context in
            var input = try JSONInput(request)
            let employer = try await service.create(NewEmployer(&input), context)
            var response = Self.response(employer, for: context, status: .created)
            response.headers.add("Location", "/v1/employers/\(employer.id)")
            return response
        }

        router.add(.get, "/v1/employers", roles: .everyone, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let page = query.page()
            let filter = EmployerFilter(&query)
            try query.finish()
            return try await Self.listing.response(page: page, context: context, name: "employers") { page in
                try await service.list(filter, page: page)
            }
        }

        router.add(.get, "/v1/employers/{id}", roles: .everyone) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init), let employer = try await service.find(id) else {
                throw AppError.notFound
            }
            return Self.response(employer, for: context, status: .ok)
        }
    }

    static func response(_ employer: Employer, for context: RequestContext, status: HTTPStatus) -> Response {
        var json = JSONWriter()
        representation.write(employer, for: context.principal, into: &json)
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", employer.etag)
        return response
    }
}
