internal import HTTPServer
internal import SQLite

/// `GET /v1/regions`, `GET /v1/regions/{code}`, `PUT /v1/regions/{code}/population`.
/// Reference data: every role may read; officers and admins load Dukcapil figures.
struct RegionRoutes: Sendable {
    let database: DatabasePool
    let access: Access

    func register(on router: inout Router) {
        router.add(.get, "/v1/regions", access: access, roles: .everyone) { request, _ in
            let query = try request.queryParameters()
            let page = try Page(query)
            var errors: [Problem.FieldError] = []
            var level: RegionLevel?
            if let text = query["level"] {
                level = RegionLevel(rawValue: text)
                if level == nil {
                    errors.append(.init(field: "level", code: "invalid_value", message: "must be province, regency, district or village"))
                }
            }
            let parent = query.regionCode("parent", errors: &errors)
            if !errors.isEmpty { throw AppError.invalid(errors) }
            let after = page.after.map { String($0) }
            let (filterLevel, filterParent) = (level, parent?.digits)
            let regions = try await database.read { connection in
                try RegionRepository.list(level: filterLevel, parent: filterParent, after: after, limit: page.limit, in: connection)
            }
            // Codes are digits, so the last code is the cursor position.
            return page.response(regions, id: { Int64($0.code) }) { region, json in Self.write(region, into: &json) }
        }

        router.add(.get, "/v1/regions/{code}", access: access, roles: .everyone) { request, _ in
            guard let code = request.parameters["code"].flatMap(RegionCode.init) else { throw AppError.notFound }
            return try await detail(code.digits)
        }

        router.add(.put, "/v1/regions/{code}/population", access: access, roles: .staff, maxBodyBytes: 4096) { request, principal in
            guard let code = request.parameters["code"].flatMap(RegionCode.init) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let year = input.integer("year", required: true, in: 1900...2200)
            let population = input.integer("population", required: true, in: 0...2_000_000_000)
            try input.finish()
            guard let year, let population else { throw AppError.invalid(input.errors) }
            let entry = AuditEntry(principal: principal, action: "update", resourceType: "region_population", resourceID: code.digits, requestID: request.id)
            let found = try await database.write { connection in
                guard try RegionRepository.find(code.digits, in: connection) != nil else { return false }
                try RegionRepository.upsertPopulation(
                    code.digits, year: Int(year), population: population, source: "Dukcapil (entered by \(principal.keyID))",
                    now: Timestamp.now(), in: connection)
                try AuditLog.insert(entry, into: connection)
                return true
            }
            guard found else { throw AppError.notFound }
            return try await detail(code.digits)
        }
    }

    private func detail(_ code: String) async throws -> Response {
        let found = try await database.read { connection -> ([Region], [RegionPopulation])? in
            let chain = try RegionRepository.chain(code, in: connection)
            guard !chain.isEmpty else { return nil }
            return (chain, try RegionRepository.populations(code, in: connection))
        }
        guard let (chain, populations) = found, let region = chain.first else { throw AppError.notFound }
        var json = JSONWriter()
        json.beginObject()
        Self.fields(region, into: &json)
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
        return .json(json.bytes)
    }

    static func write(_ region: Region, into json: inout JSONWriter) {
        json.beginObject()
        fields(region, into: &json)
        json.endObject()
    }

    private static func fields(_ region: Region, into json: inout JSONWriter) {
        json.field("code", region.code)
        json.field("name", region.name)
        json.field("level", region.level.rawValue)
        json.field("kind", region.kind)
        json.field("parent_code", region.parentCode)
    }
}
