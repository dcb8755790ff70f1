internal import HTTPServer

/// `/v1/facilities…`: the registry, the partnership pipeline, coaching visits and their
/// follow-ups. Staff run the pipeline and record visits; a partner reads its tree's
/// facilities, proposes prospects and marks follow-ups done.
struct FacilityRoutes: Sendable {
    let service: FacilityService

    static let representation = Representation<Facility>([
        .integer("id") { $0.id },
        .text("name") { $0.name },
        .text("kind") { $0.kind.rawValue },
        .text("level") { $0.level.rawValue },
        .integer("owner_organization_id") { $0.ownerOrganizationID },
        .text("region_code") { $0.regionCode },
        .text("address") { $0.address },
        .integer("beds") { $0.beds },
        .integer("doctors") { $0.doctors },
        .text("bpjs_code") { $0.bpjsCode },
        .text("accreditation.status") { $0.accreditation?.status.rawValue },
        .text("accreditation.expires_on") { $0.accreditation?.expiresOn.description },
        .boolean("accreditation_expired") { $0.accreditationExpired },
        .text("status") { $0.status.rawValue },
        .integer("member_count") { $0.memberCount },
        .integer("follow_ups_open") { $0.openFollowUps },
        .integer("follow_ups_overdue") { $0.overdueFollowUps },
    ] + ScoreArea.allCases.map { area in .integer("latest_scores.\(area.rawValue)") { $0.latestScores[area] } } + [
        .text("created_at") { $0.createdAt },
        .text("updated_at") { $0.updatedAt },
    ])
    static let listing = Listing(representation: representation, position: \.id)

    static let historyRepresentation = Representation<FacilityHistoryEntry>([
        .integer("id") { $0.id },
        .text("from") { $0.fromStatus },
        .text("to") { $0.toStatus },
        .text("note") { $0.note },
        .integer("api_key_id") { $0.apiKeyID },
        .text("role") { $0.role },
        .text("changed_at") { $0.changedAt },
    ])
    static let historyListing = Listing(representation: historyRepresentation, position: \.id)

    static let visitRepresentation = Representation<Visit>([
        .integer("id") { $0.id },
        .integer("facility_id") { $0.facilityID },
        .text("visited_on") { $0.visitedOn },
        .text("officer") { $0.officer },
        .text("findings") { $0.findings },
    ] + ScoreArea.allCases.map { area in .integer("scores.\(area.rawValue)") { $0.scores[area] } } + [
        .integer("follow_ups") { $0.followUps },
        .text("created_at") { $0.createdAt },
    ])
    static let visitListing = Listing(representation: visitRepresentation, position: \.id)

    /// Needs the day a follow-up's state is read on: the answer is written with it.
    static func followUpRepresentation(on today: CalendarDate) -> Representation<FollowUp> {
        Representation<FollowUp>([
            .integer("id") { $0.id },
            .integer("visit_id") { $0.visitID },
            .integer("facility_id") { $0.facilityID },
            .text("description") { $0.description },
            .text("due_on") { $0.dueOn },
            .text("state") { $0.state(on: today).rawValue },
            .text("done_at") { $0.doneAt },
        ])
    }

    func register(on router: inout APIRouter) {
        router.add(.post, "/v1/facilities", roles: .personalData, maxBodyBytes: 16 * 1024) { request, context in
            var input = try JSONInput(request)
            let facility = try await service.create(NewFacility(&input), context)
            var response = Self.response(facility, for: context, status: .created)
            response.headers.add("Location", "/v1/facilities/\(facility.id)")
            return response
        }

        router.add(.get, "/v1/facilities", roles: .personalData, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let page = query.page()
            let filter = FacilityFilter(&query)
            try query.finish()
            return try await Self.listing.response(page: page, context: context, name: "facilities") { page in
                try await service.list(filter, page: page, context)
            }
        }

        router.add(.get, "/v1/facilities/{id}", roles: .personalData) { request, context in
            guard let id = Self.id(request), let facility = try await service.find(id, context) else { throw AppError.notFound }
            return Self.response(facility, for: context, status: .ok)
        }

        router.add(.patch, "/v1/facilities/{id}", roles: .staff, maxBodyBytes: 16 * 1024) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let facility = try await service.update(id, with: FacilityPatch(&input), ifMatch: request.headers["If-Match"] ?? "", context)
            return Self.response(facility, for: context, status: .ok)
        }

        router.add(.post, "/v1/facilities/{id}/transitions", roles: .staff, maxBodyBytes: 4 * 1024) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let next = input.choice("to", FacilityStatus.self, required: true)
            let note = input.text("note", required: true, maxLength: 1000)
            try input.finish()
            guard let next, let note else { throw AppError.invalid(input.errors) }
            return Self.response(try await service.transition(id, to: next, note: note, context), for: context, status: .ok)
        }

        router.add(.get, "/v1/facilities/{id}/history", roles: .personalData, formats: [.json, .csv]) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var query = try QueryInput(request)
            let page = query.page()
            try query.finish()
            return try await Self.historyListing.nestedResponse(page: page, context: context, name: "facility-\(id)-history") { batch in
                try await service.history(id, page: batch, context)
            }
        }

        router.add(.post, "/v1/facilities/{id}/visits", roles: .staff, maxBodyBytes: 64 * 1024) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let visit = try await service.recordVisit(NewVisit(&input, today: context.today), facility: id, context)
            var json = JSONWriter()
            Self.visitRepresentation.write(visit, for: context.principal, into: &json)
            var response = Response.json(json.bytes, status: .created)
            response.headers.add("Location", "/v1/facilities/\(id)/visits")
            return response
        }

        router.add(.get, "/v1/facilities/{id}/visits", roles: .personalData, formats: [.json, .csv]) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var query = try QueryInput(request)
            let page = query.page()
            try query.finish()
            return try await Self.visitListing.nestedResponse(page: page, context: context, name: "facility-\(id)-visits") { batch in
                try await service.visits(id, page: batch, context)
            }
        }

        router.add(.get, "/v1/facilities/{id}/follow-ups", roles: .personalData, formats: [.json, .csv]) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var query = try QueryInput(request)
            let page = query.page()
            let state = query.choice("state", FollowUpState.self)
            try query.finish()
            let listing = Listing(representation: Self.followUpRepresentation(on: context.today), position: \.id)
            return try await listing.nestedResponse(page: page, context: context, name: "facility-\(id)-follow-ups") { batch in
                try await service.followUps(id, state: state, page: batch, context)
            }
        }

        router.add(.post, "/v1/facilities/{id}/follow-ups/{follow_up_id}/completion", roles: .personalData, maxBodyBytes: 1024) { request, context in
            guard let id = Self.id(request), let followUp = request.parameters["follow_up_id"].flatMap(Int64.init) else {
                throw AppError.notFound
            }
            // No body, or an empty object: there is nothing to say but that it is done.
            if !request.body.isEmpty { try JSONInput(request).finish() }
            let done = try await service.complete(followUp, facility: id, context)
            var json = JSONWriter()
            Self.followUpRepresentation(on: context.today).write(done, for: context.principal, into: &json)
            return Response.json(json.bytes)
        }
    }

    static func id(_ request: Request) -> Int64? { request.parameters["id"].flatMap(Int64.init) }

    /// The facility with its warnings (an accreditation past its expiry) and its ETag.
    static func response(_ facility: Facility, for context: RequestContext, status: HTTPStatus) -> Response {
        var json = JSONWriter()
        json.beginObject()
        representation.writeFields(of: facility, for: context.principal, into: &json)
        json.key("warnings")
        Problem.FieldError.write(facility.warnings.map(\.problemField), into: &json)
        json.endObject()
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", facility.etag)
        return response
    }
}
