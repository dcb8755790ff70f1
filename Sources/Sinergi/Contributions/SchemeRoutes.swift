internal import HTTPServer

/// `/v1/schemes…`: sharing schemes, their beneficiaries, billing runs and statements. Staff
/// run them; a partner reads the schemes its organization tree funds and their statements.
struct SchemeRoutes: Sendable {
    let service: SchemeService

    static let representation = Representation<Scheme>([
        .integer("id") { $0.id },
        .text("name") { $0.name },
        .text("region_code") { $0.regionCode },
        .integer("agreement_id") { $0.agreementID },
        .integer("class") { Int64($0.memberClass) },
        .text("starts_on") { $0.startsOn },
        .text("ends_on") { $0.endsOn },
        .integer("quota") { $0.quota },
        .integer("beneficiaries") { $0.beneficiaries },
        .text("created_at") { $0.createdAt },
        .text("updated_at") { $0.updatedAt },
    ])
    static let listing = Listing(representation: representation, position: \.id)

    static let funderRepresentation = Representation<SchemeFunder>([
        .integer("organization_id") { $0.organizationID },
        .integer("share_bp") { $0.shareBP },
        .text("source") { $0.source.rawValue },
        .integer("budget_idr") { $0.budgetIDR },
        .integer("billed_idr") { $0.billedIDR },
        .integer("budget_left_idr") { $0.budgetLeftIDR },
    ])

    static let beneficiaryRepresentation = Representation<Beneficiary>([
        .integer("id") { $0.id },
        .integer("member_id") { $0.memberID },
        .text("from_period") { $0.fromPeriod },
        .text("until_period") { $0.untilPeriod },
        .text("added_at") { $0.addedAt },
        .text("removed_at") { $0.removedAt },
    ])
    static let beneficiaryListing = Listing(representation: beneficiaryRepresentation, position: \.id)

    static let statementRepresentation = Representation<StatementLine>([
        .integer("organization_id") { $0.organizationID },
        .integer("share_bp") { $0.shareBP },
        .text("source") { $0.source.rawValue },
        .integer("invoices") { $0.invoices },
        .integer("billed_idr") { $0.billedIDR },
        .integer("paid_idr") { $0.paidIDR },
        .integer("outstanding_idr") { $0.outstandingIDR },
        .integer("budget_idr") { $0.budgetIDR },
        .integer("budget_left_idr") { $0.budgetLeftIDR },
    ])

    /// Members one request adds at most.
    static let maxMembersPerRequest = 1000

    func register(on router: inout APIRouter) {
        router.add(.post, "/v1/schemes", roles: .staff, maxBodyBytes: 64 * 1024) { request, context in
            var input = try JSONInput(request)
            let scheme = try await service.create(NewScheme(&input), context)
            var response = Self.response(scheme, for: context, status: .created)
            response.headers.add("Location", "/v1/schemes/\(scheme.id)")
            return response
        }

        router.add(.get, "/v1/schemes", roles: .personalData, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let page = query.page()
            let region = query.regionCode("region")?.digits
            let funder = query.id("organization_id", of: "an organization")
            try query.finish()
            return try await Self.listing.response(page: page, context: context, name: "schemes") { page in
                try await service.list(regionPrefix: region, funder: funder, page: page, context)
            }
        }

        router.add(.get, "/v1/schemes/{id}", roles: .personalData) { request, context in
            guard let id = Self.id(request), let scheme = try await service.find(id, context) else { throw AppError.notFound }
            return Self.response(scheme, for: context, status: .ok)
        }

        router.add(.post, "/v1/schemes/{id}/beneficiaries", roles: .staff, personalData: true, maxBodyBytes: 64 * 1024) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var input = try JSONInput(request)
            var memberIDs: [Int64] = []
            for (index, item) in (input.array("member_ids", required: true, count: 1...Self.maxMembersPerRequest) ?? []).enumerated() {
                if case .integer(let value) = item, value > 0 {
                    memberIDs.append(value)
                } else {
                    input.fail("member_ids[\(index)]", code: "invalid_type", message: "must be a member id")
                }
            }
            try input.finish()
            let (added, scheme) = try await service.addBeneficiaries(memberIDs, to: id, context)
            var json = JSONWriter()
            json.beginObject()
            json.field("scheme_id", Int(id))
            json.field("added", added)
            json.field("beneficiaries", Int(scheme.beneficiaries))
            json.field("quota", Int(scheme.quota))
            json.endObject()
            return Response.json(json.bytes).notStored
        }

        router.add(.get, "/v1/schemes/{id}/beneficiaries", roles: .staff, personalData: true, formats: [.json, .csv]) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var query = try QueryInput(request)
            let page = query.page()
            try query.finish()
            return try await Self.beneficiaryListing.nestedResponse(page: page, context: context, name: "scheme-\(id)-beneficiaries") { batch in
                try await service.beneficiaries(of: id, page: batch, context)
            }.notStored
        }

        router.add(.delete, "/v1/schemes/{id}/beneficiaries/{member_id}", roles: .staff, personalData: true) { request, context in
            guard let id = Self.id(request), let member = request.parameters["member_id"].flatMap(Int64.init) else { throw AppError.notFound }
            try await service.removeBeneficiary(member, from: id, context)
            return Response(status: .noContent)
        }

        router.add(.post, "/v1/schemes/{id}/billing-runs", roles: .staff, maxBodyBytes: 4 * 1024) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let period = input.period("period", required: true)
            try input.finish()
            guard let period else { throw AppError.invalid(input.errors) }
            let (run, created) = try await service.bill(id, period: period, context)
            return Self.response(run, status: created ? .created : .ok)
        }

        router.add(.get, "/v1/schemes/{id}/statement", roles: .personalData, formats: [.json, .csv]) { request, context in
            guard let id = Self.id(request) else { throw AppError.notFound }
            var query = try QueryInput(request)
            let from = query.period("from")
            let to = query.period("to")
            if let from, let to, to < from { query.fail("to", code: "before_from", message: "must not be before from") }
            try query.finish()
            guard let (start, end, lines) = try await service.statement(id, from: from, to: to, context) else { throw AppError.notFound }
            if context.format == .csv {
                var csv = CSVWriter(reservingCapacity: 256 * (lines.count + 1))
                csv.header(Self.statementRepresentation.columnNames)
                for line in lines { Self.statementRepresentation.writeRecord(of: line, for: context.principal, into: &csv) }
                var headers = HTTPHeaders([("Content-Type", "text/csv; charset=utf-8; header=present")])
                headers.add("Content-Disposition", "attachment; filename=\"scheme-\(id)-statement.csv\"")
                return Response(status: .ok, headers: headers, body: csv.take())
            }
            var json = JSONWriter()
            json.beginObject()
            json.field("scheme_id", Int(id))
            json.field("from", start.description)
            json.field("to", end.description)
            json.key("funders")
            json.beginArray()
            for line in lines { Self.statementRepresentation.write(line, for: context.principal, into: &json) }
            json.endArray()
            json.endObject()
            return Response.json(json.bytes)
        }
    }

    static func id(_ request: Request) -> Int64? { request.parameters["id"].flatMap(Int64.init) }

    static func response(_ scheme: Scheme, for context: RequestContext, status: HTTPStatus) -> Response {
        var json = JSONWriter()
        json.beginObject()
        representation.writeFields(of: scheme, for: context.principal, into: &json)
        json.key("funders")
        json.beginArray()
        for funder in scheme.funders { funderRepresentation.write(funder, for: context.principal, into: &json) }
        json.endArray()
        json.endObject()
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", scheme.etag)
        return response
    }

    static func response(_ run: BillingRun, status: HTTPStatus) -> Response {
        var json = JSONWriter()
        json.beginObject()
        json.field("id", Int(run.id))
        json.field("scheme_id", Int(run.schemeID))
        json.field("period", run.period)
        json.field("beneficiaries", Int(run.beneficiaries))
        json.field("total_idr", Int(run.totalIDR))
        json.field("settled_at", run.settledAt)
        json.field("created_at", run.createdAt)
        json.key("invoices")
        json.beginArray()
        for invoice in run.invoices { InvoiceRoutes.write(invoice, into: &json) }
        json.endArray()
        json.endObject()
        return Response.json(json.bytes, status: status)
    }
}
