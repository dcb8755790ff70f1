internal import Foundation
internal import HTTPServer
internal import SQLite

/// `POST/GET /v1/organizations`, `GET/PATCH /v1/organizations/{id}`.
struct OrganizationRoutes: Sendable {
    let database: DatabasePool
    let access: Access
    var service: OrganizationService { OrganizationService(database: database) }

    func register(on router: inout Router) {
        router.add(.post, "/v1/organizations", access: access, roles: .staff, maxBodyBytes: 16 * 1024) { request, principal in
            var input = try JSONInput(request)
            let draft = Self.draft(from: &input, current: nil)
            try input.finish()
            guard let draft else { throw AppError.invalid(input.errors) }
            let organization = try await service.create(draft, by: principal, requestID: request.id)
            var response = Self.response(organization, children: [], status: .created)
            response.headers.add("Location", "/v1/organizations/\(organization.id)")
            return response
        }

        router.add(.get, "/v1/organizations", access: access, roles: .everyone) { request, principal in
            let query = try request.queryParameters()
            let page = try Page(query)
            var errors: [Problem.FieldError] = []
            var kind: OrganizationKind?
            if let text = query["kind"] {
                kind = OrganizationKind(rawValue: text)
                if kind == nil { errors.append(.init(field: "kind", code: "invalid_value", message: "is not an organization kind")) }
            }
            var parentID: Int64?
            if let text = query["parent_id"] {
                parentID = Int64(text)
                if parentID == nil { errors.append(.init(field: "parent_id", code: "invalid_format", message: "must be an organization id")) }
            }
            let region = query.regionCode("region", errors: &errors)
            if !errors.isEmpty { throw AppError.invalid(errors) }
            let scope = Scope(principal)
            let (filterKind, filterParent, filterRegion) = (kind, parentID, region?.digits)
            let organizations = try await database.read { connection in
                try OrganizationRepository.list(
                    kind: filterKind, parentID: filterParent, regionPrefix: filterRegion, scope: scope, after: page.after,
                    limit: page.limit, in: connection)
            }
            return page.response(organizations, id: \.id) { organization, json in Self.write(organization, into: &json) }
        }

        router.add(.get, "/v1/organizations/{id}", access: access, roles: .everyone) { request, principal in
            guard let id = request.parameters["id"].flatMap(Int64.init),
                  let (organization, children) = try await service.find(id, for: principal)
            else { throw AppError.notFound }
            return Self.response(organization, children: children, status: .ok)
        }

        router.add(.patch, "/v1/organizations/{id}", access: access, roles: .staff, maxBodyBytes: 16 * 1024) { request, principal in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            let input = try JSONInput(request)
            let (organization, children) = try await service.update(
                id, ifMatch: request.headers["If-Match"], by: principal, requestID: request.id
            ) { current in
                var patch = input
                let draft = Self.draft(from: &patch, current: current)
                try patch.finish()
                guard let draft else { throw AppError.invalid(patch.errors) }
                return draft
            }
            return Self.response(organization, children: children, status: .ok)
        }
    }

    /// Reads the fields; for a PATCH (`current` given) an absent field keeps its value and a
    /// null `parent_id` makes the organization a root.
    static func draft(from input: inout JSONInput, current: Organization?) -> OrganizationService.Draft? {
        let required = current == nil
        let name = input.text("name", required: required)
        let kind = input.choice("kind", OrganizationKind.self, required: required)
        let parentID = input.integer("parent_id", in: 1...Int64.max)
        let region = input.regionCode("region_code", required: required)
        guard input.errors.isEmpty else { return nil }
        if let current {
            guard let currentRegion = RegionCode(current.regionCode) else { return nil }
            return OrganizationService.Draft(
                name: name ?? current.name, kind: kind ?? current.kind,
                parentID: input.has("parent_id") ? parentID : current.parentID, regionCode: region ?? currentRegion)
        }
        guard let name, let kind, let region else { return nil }
        return OrganizationService.Draft(name: name, kind: kind, parentID: parentID, regionCode: region)
    }

    static func response(_ organization: Organization, children: [Organization], status: HTTPStatus) -> Response {
        var json = JSONWriter()
        json.beginObject()
        fields(organization, into: &json)
        json.key("children")
        json.beginArray()
        children.forEach { write($0, into: &json) }
        json.endArray()
        json.endObject()
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", organization.etag)
        return response
    }

    static func write(_ organization: Organization, into json: inout JSONWriter) {
        json.beginObject()
        fields(organization, into: &json)
        json.endObject()
    }

    private static func fields(_ organization: Organization, into json: inout JSONWriter) {
        json.field("id", Int(organization.id))
        json.field("name", organization.name)
        json.field("kind", organization.kind.rawValue)
        json.field("parent_id", organization.parentID.map(Int.init))
        json.field("region_code", organization.regionCode)
        json.field("created_at", organization.createdAt)
        json.field("updated_at", organization.updatedAt)
    }
}
