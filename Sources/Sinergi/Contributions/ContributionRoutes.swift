internal import HTTPServer

/// `GET /v1/premiums`, and a member's premiums: `POST/GET /v1/members/{id}/payments` and
/// `GET /v1/members/{id}/arrears`. Staff record payments; a partner reads those of the
/// members it registered.
struct ContributionRoutes: Sendable {
    let service: ContributionService

    static let premiumRepresentation = Representation<PremiumRate>([
        .integer("id") { $0.id },
        .text("segment") { $0.segment.rawValue },
        .integer("class") { Int64($0.memberClass) },
        .text("effective_from") { $0.effectiveFrom.description },
        .integer("amount_idr") { $0.amountIDR },
        .integer("government_idr") { $0.governmentIDR },
        .integer("wage_rate_bp") { $0.wageRateBP },
        .integer("employer_rate_bp") { $0.employerRateBP },
        .integer("wage_ceiling_idr") { $0.wageCeilingIDR },
    ])
    static let premiumListing = Listing(representation: premiumRepresentation, position: \.id)

    static let contributionRepresentation = Representation<Contribution>([
        .integer("id") { $0.id },
        .integer("member_id") { $0.memberID },
        .text("period") { $0.period },
        .text("source") { $0.source.rawValue },
        .integer("amount_idr") { $0.amountIDR },
        .text("paid_on") { $0.paidOn },
        .text("reference") { $0.reference },
        .integer("billing_run_id") { $0.billingRunID },
        .text("created_at") { $0.createdAt },
    ])
    static let contributionListing = Listing(representation: contributionRepresentation, position: \.id)

    func register(on router: inout APIRouter) {
        router.add(.get, "/v1/premiums", roles: .everyone, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let page = query.page()
            let segment = query.choice("segment", Segment.self)
            let memberClass = query.choice("class", ClassNumber.self).map(\.number)
            try query.finish()
            return try await Self.premiumListing.response(page: page, context: context, name: "premiums") { page in
                try await service.premiums(segment: segment, memberClass: memberClass, page: page)
            }
        }

        router.add(.post, "/v1/members/{id}/payments", roles: .staff, personalData: true, maxBodyBytes: 4 * 1024) { request, context in
            guard let id = SchemeRoutes.id(request) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let recorded = try await service.pay(NewPayment(&input, forMember: true), memberID: id, context)
            var json = JSONWriter()
            json.beginObject()
            json.field("member_id", Int(recorded.memberID))
            json.field("period", recorded.period.description)
            json.field("source", recorded.source.rawValue)
            json.field("amount_idr", Int(recorded.amountIDR))
            json.field("paid_on", recorded.paidOn)
            json.field("reference", recorded.reference)
            json.field("status", recorded.status.rawValue)
            json.key("entries")
            json.beginArray()
            for entry in recorded.entries { Self.contributionRepresentation.write(entry, for: context.principal, into: &json) }
            json.endArray()
            json.endObject()
            var response = Response.json(json.bytes, status: recorded.created ? .created : .ok)
            response.headers.add("Location", "/v1/members/\(id)/payments")
            return response.notStored
        }

        router.add(.get, "/v1/members/{id}/payments", roles: .personalData, personalData: true, formats: [.json, .csv]) { request, context in
            guard let id = SchemeRoutes.id(request) else { throw AppError.notFound }
            var query = try QueryInput(request)
            let page = query.page()
            try query.finish()
            return try await Self.contributionListing.nestedResponse(page: page, context: context, name: "member-\(id)-payments") { batch in
                try await service.payments(memberID: id, page: batch, context)
            }.notStored
        }

        router.add(.get, "/v1/members/{id}/arrears", roles: .personalData, personalData: true) { request, context in
            guard let id = SchemeRoutes.id(request), let arrears = try await service.arrears(memberID: id, context) else {
                throw AppError.notFound
            }
            return Self.response(arrears, memberID: id).notStored
        }
    }

    static func response(_ arrears: Arrears, memberID: Int64) -> Response {
        let rules = arrears.rules
        var json = JSONWriter()
        json.beginObject()
        json.field("member_id", Int(memberID))
        json.key("member_ids")
        json.beginArray()
        arrears.memberIDs.forEach { json.number(Int($0)) }
        json.endArray()
        json.field("as_of", arrears.asOf.description)
        json.field("due_day", rules.dueDay)
        json.field("months_in_arrears", arrears.monthsInArrears)
        json.field("amount_idr", arrears.amountIDR.map(Int.init))
        json.field("arrears_cap_months", rules.arrearsCapMonths)
        json.key("periods")
        json.beginArray()
        for month in arrears.months {
            json.beginObject()
            json.field("member_id", Int(month.memberID))
            json.field("period", month.period.description)
            json.field("premium_idr", month.premiumIDR.map(Int.init))
            json.field("paid_idr", Int(month.paidIDR))
            json.field("due_idr", month.dueIDR.map(Int.init))
            json.endObject()
        }
        json.endArray()
        json.key("service_penalty")
        json.beginObject()
        json.field("months", arrears.penaltyMonths)
        json.field("rate_bp", Int(arrears.penaltyRateBP))
        json.field("rate_bp_per_month", Int(rules.penaltyRateBP))
        json.field("cap_months", rules.penaltyCapMonths)
        json.field("cap_idr", Int(rules.penaltyCapIDR))
        json.field("window_days", rules.penaltyWindowDays)
        json.endObject()
        json.endObject()
        return Response.json(json.bytes)
    }
}

/// A class given as a query parameter: `1`, `2` or `3`.
enum ClassNumber: String, CaseIterable {
    case one = "1", two = "2", three = "3"
    var number: Int { Int(rawValue)! }
}
