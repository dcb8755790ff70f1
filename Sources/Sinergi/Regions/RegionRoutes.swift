internal import HTTPServer

/// `GET /v1/regions`, `GET /v1/regions/{code}`, `PUT /v1/regions/{code}/population`.
/// Reference data: every role may read; officers and admins load Dukcapil figures.
struct RegionRoutes: Sendable {
    let service: RegionService

    static let representation = Representation<Region>([
        .text("code") { $0.code },
        .text("name") { $0.name },
        .text("level") { $0.level.rawValue },
        .text("kind") { $0.kind },
        .text("parent_code") { $0.parentCode },
    ])
    // Codes are digits, so the last code is the cursor position.
    static let listing = Listing(representation: representation, position: { Int64($0.code) ?? 0 })

    func register(on router: inout APIRouter) {
        router.add(.get, "/v1/regions", roles: .everyone, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let page = query.page()
            let filter = RegionFilter(&query)
            try query.finish()
            return try await Self.listing.response(page: page, context: context, name: "regions") { page in
                try await service.list(filter, page: page)
            }
        }

        router.add(.get, "/v1/regions/{code}", roles: .everyone) { request, context in
            guard let code = request.parameters["code"].flatMap(RegionCode.init) else { throw AppError.notFound }
            return try await detail(code, context)
        }

        router.add(.put, "/v1/regions/{code}/population", roles: .staff, maxBodyBytes: 4096) { request, context in
            guard let code = request.parameters["code"].flatMap(RegionCode.init) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let year = input.integer("year", required: true, in: 1900...2200)
            let population = input.integer("population", required: true, in: 0...2_000_000_000)
            try input.finish()
            guard let year, let population else { throw AppError.invalid(input.errors) }
            guard try await service.setPopulation(code, year: Int(year), population: population, context) else {
                throw AppError.notFound
            }
            return try await detail(code, context)
        }
    }

    private func detail(_ code: RegionCode, _ context: RequestContext) async throws -> Response {
        guard let (chain, populations) = try await service.find(code), let region = chain.first else { throw AppError.notFound }
        var json = JSONWriter()
        json.beginObject()
        Self.representation.writeFields(of: region, for: context.principal, into: &json)
        json.key("parents")
        json.beginArray()
        for parent in chain.dropFirst() {
            json.beginObject()
            json.field("code", parent.code)
            json.field("name", parent.name)
            json.field("level", parent.level.rawValue)
            json.endObject()
        }
        json.endArray()
        json.key("population")
        if let latest = populations.first {
            json.beginObject()
            json.field("year", latest.year)
            json.field("population", Int(latest.population))
            json.endObject()
        } else {
            json.null()
        }
        json.key("populations")
        json.beginArray()
        for figure in populations {
            json.beginObject()
            json.field("year", figure.year)
            json.field("population", Int(figure.population))
            json.field("source", figure.source)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        // The population figures change without a version of the region: a digest follows them.
        return Response.json(json.bytes).withDigestETag
    }
}
