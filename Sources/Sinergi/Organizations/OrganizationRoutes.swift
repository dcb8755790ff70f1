internal import HTTPServer

/// `POST/GET /v1/organizations`, `GET/PATCH /v1/organizations/{id}`.
struct OrganizationRoutes: Sendable {
    let service: OrganizationService

    static let representation = Representation<Organization>([
        .integer("id") { $0.id },
        .text("name") { $0.name },
        .text("kind") { $0.kind.rawValue },
        .integer("parent_id") { $0.parentID },
        .text("region_code") { $0.regionCode },
        .text("created_at") { $0.createdAt },
        .text("updated_at") { $0.updatedAt },
    ])
    static let listing = Listing(representation: representation, position: \.id)

    func register(on router: inout APIRouter) {
        router.add(.post, "/v1/organizations", roles: .staff, maxBodyBytes: 16 * 1024) { request, context in
            var input = try JSONInput(request)
            let organization = try await service.create(NewOrganization(&input), context)
            var response = Self.response(organization, children: [], for: context, status: .created)
            response.headers.add("Location", "/v1/organizations/\(organization.id)")
            return response
        }

        router.add(.get, "/v1/organizations", roles: .everyone, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let page = query.page()
            let filter = OrganizationFilter(&query)
            try query.finish()
            return try await Self.listing.response(page: page, context: context, name: "organizations") { page in
                try await service.list(filter, page: page, context)
            }
        }

        router.add(.get, "/v1/organizations/{id}", roles: .everyone) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init),
                  let (organization, children) = try await service.find(id, context)
            else { throw AppError.notFound }
            return Self.response(organization, children: children, for: context, status: .ok)
        }

        router.add(.patch, "/v1/organizations/{id}", roles: .staff, maxBodyBytes: 16 * 1024) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let (organization, children) = try await service.update(
                id, with: OrganizationPatch(&input), ifMatch: request.headers["If-Match"] ?? "", context)
            return Self.response(organization, children: children, for: context, status: .ok)
        }
    }

    static func response(
        _ organization: Organization, children: [Organization], for context: RequestContext, status: HTTPStatus
    ) -> Response {
        var json = JSONWriter()
        json.beginObject()
        representation.writeFields(of: organization, for: context.principal, into: &json)
        json.key("children")
        json.beginArray()
        children.forEach { representation.write($0, for: context.principal, into: &json) }
        json.endArray()
        json.endObject()
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", organization.etag(children: children))
        return response
    }
}
