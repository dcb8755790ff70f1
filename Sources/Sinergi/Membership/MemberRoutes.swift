internal import Foundation
internal import HTTPServer

/// `/v1/members…` and `/v1/families/{family_card_no}`. Every answer carrying personal data is
/// `Cache-Control: no-store` and shows the NIK as the caller's role may see it.
struct MemberRoutes: Sendable {
    let service: MemberService

    /// Admins and officers see the NIK and phone; partners a masked NIK and no phone.
    static let representation = Representation<Member>([
        .integer("id") { $0.id },
        .init(name: "nik") { member, principal in .text(principal.seesAll ? member.nik : NIK.mask(member.nik)) },
        .text("card_no") { $0.cardNo },
        .text("full_name") { $0.fullName },
        .text("birth_date") { $0.birthDate },
        .text("sex") { $0.sex.rawValue },
        .text("family_card_no") { $0.familyCardNo },
        .text("relationship") { $0.relationship.rawValue },
        .text("segment") { $0.segment.rawValue },
        .integer("class") { Int64($0.memberClass) },
        .text("region_code") { $0.regionCode },
        .text("address") { $0.address },
        .init(name: "phone") { member, principal in .text(principal.seesAll ? member.phone : nil) },
        .integer("facility_id") { $0.facilityID },
        .text("facility_since") { $0.facilitySince },
        .integer("employer_id") { $0.employerID },
        .text("status") { $0.status.rawValue },
        .text("status_reason") { $0.statusReason },
        .text("class_since") { $0.classSince },
        .text("registered_at") { $0.registeredAt },
        .integer("registered_via.organization_id") { $0.registeredVia.organizationID },
        .integer("registered_via.event_id") { $0.registeredVia.eventID },
        .integer("registered_via.cadre_id") { $0.registeredVia.cadreID },
        .text("created_at") { $0.createdAt },
        .text("updated_at") { $0.updatedAt },
    ])
    static let listing = Listing(representation: representation, position: \.id)

    static let historyRepresentation = Representation<MemberHistoryEntry>([
        .text("field") { $0.field.rawValue },
        .text("old_value") { $0.oldValue },
        .text("new_value") { $0.newValue },
        .text("reason") { $0.reason },
        .text("changed_at") { $0.changedAt },
        .integer("api_key_id") { $0.apiKeyID },
        .text("role") { $0.role },
    ])
    static let historyListing = Listing(representation: historyRepresentation, position: \.id)

    func register(on router: inout APIRouter) {
        router.add(.post, "/v1/members", roles: .personalData, personalData: true, maxBodyBytes: 16 * 1024) { request, context in
            var input = try JSONInput(request)
            var references = MemberReferences()
            let draft = Self.draft(from: &input, today: context.today, references: &references)
            guard let draft, input.errors.isEmpty else {
                throw AppError.invalid(input.errors + (try await service.referenceErrors(references, context)))
            }
            let (member, warnings) = try await service.register(draft, context)
            var response = Self.response(member, for: context, warnings: warnings, status: .created)
            response.headers.add("Location", "/v1/members/\(member.id)")
            return response
        }

        router.add(.get, "/v1/members", roles: .personalData, personalData: true, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let page = query.page()
            let filter = MemberFilter(&query)
            try query.finish()
            // A HEAD reads no rows, so it exports nothing to record.
            if context.format == .csv, request.method != .head { try await service.recordExport(context) }
            return try await Self.listing.response(page: page, context: context, name: "members") { page in
                context.format == .csv
                    ? try await service.listUnaudited(filter, page: page, context)
                    : try await service.list(filter, page: page, context)
            }.notStored
        }

        router.add(.get, "/v1/members/{id}", roles: .personalData, personalData: true) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init), let member = try await service.find(id, context) else {
                throw AppError.notFound
            }
            return Self.response(member, for: context, warnings: nil, status: .ok)
        }

        router.add(.patch, "/v1/members/{id}", roles: .staff, personalData: true, maxBodyBytes: 16 * 1024) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let patch = MemberPatch(&input)
            let member = try await service.update(id, with: patch, ifMatch: request.headers["If-Match"] ?? "", context)
            return Self.response(member, for: context, warnings: nil, status: .ok)
        }

        router.add(.post, "/v1/members/{id}/status", roles: .staff, personalData: true, maxBodyBytes: 4 * 1024) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let status = input.choice("status", MemberStatus.self, required: true)
            let reason = input.choice("reason", DeactivationReason.self, required: status == .deactivated)
            if let status, status != .deactivated {
                input.fail("status", code: "not_settable",
                           message: "only deactivated is set by hand; the other statuses follow from registration and payments")
            }
            try input.finish()
            guard let reason else { throw AppError.invalid(input.errors) }
            let member = try await service.deactivate(id, reason: reason, context)
            return Self.response(member, for: context, warnings: nil, status: .ok)
        }

        router.add(.get, "/v1/members/{id}/history", roles: .personalData, personalData: true, formats: [.json, .csv]) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            var query = try QueryInput(request)
            let page = query.page()
            try query.finish()
            return try await Self.historyListing.nestedResponse(page: page, context: context, name: "member-\(id)-history") { batch in
                try await service.history(id, page: batch, context)
            }.notStored
        }

        router.add(.get, "/v1/families/{family_card_no}", roles: .personalData, personalData: true) { request, context in
            guard let number = request.parameters["family_card_no"], number.isASCIIDigits(count: 16) else {
                throw AppError.notFound
            }
            let members = try await service.family(number, context)
            guard !members.isEmpty else { throw AppError.notFound }
            var json = JSONWriter()
            json.beginObject()
            json.field("family_card_no", number)
            json.key("members")
            json.beginArray()
            members.forEach { Self.representation.write($0, for: context.principal, into: &json) }
            json.endArray()
            json.endObject()
            return Response.json(json.bytes).withDigestETag.notStored
        }

        BulkVerificationRoute(service: service).register(on: &router)
    }

    // MARK: - Input

    /// The fields of a registration; nil when any is wrong (the problems are in `input`).
    static func draft(from input: inout JSONInput, today: CalendarDate, references: inout MemberReferences) -> NewMember? {
        let nikText = input.string("nik", required: true, maxLength: 64)
        var nik: NIK?
        if let nikText {
            do throws(NIKError) {
                nik = try NIK(validating: nikText)
            } catch {
                input.fail("nik", code: error.code, message: error.message)
            }
        }
        let fullName = input.text("full_name", required: true)
        let birthDate = input.date("birth_date", required: true)
        if let birthDate, birthDate > today {
            input.fail("birth_date", code: "in_future", message: "must not be after today")
        }
        let sex = input.choice("sex", Sex.self, required: true)
        let familyCardNo = input.digits("family_card_no", count: 16, required: true)
        let relationship = input.choice("relationship", Relationship.self, required: true)
        let segment = input.choice("segment", Segment.self, required: true)
        let memberClass = input.integer("class", required: true, in: 1...3)
        let region = input.regionCode("region_code", required: true)
        let cardNo = input.digits("card_no", count: 13)
        let address = input.text("address", maxLength: 500)
        let phone = phone(from: &input)
        let facilityID = input.integer("facility_id", in: 1...Int64.max)
        let employerID = input.integer("employer_id", in: 1...Int64.max)
        if let segment, let memberClass, segment.isPBI, memberClass != 3 {
            input.fail("class", code: "class_not_allowed", message: "PBI members are always class 3")
        }
        if segment == .ppuBU, employerID == nil, !input.errors.contains(where: { $0.field == "employer_id" }) {
            input.fail("employer_id", code: "required", message: "is required for PPU_BU members")
        } else if let segment, segment != .ppuBU, employerID != nil {
            input.fail("employer_id", code: "not_allowed", message: "is only for PPU_BU members")
        }
        var via = RegisteredVia()
        if let object = input.object("registered_via") {
            var nested = JSONInput(object: object, prefix: "registered_via")
            via.organizationID = nested.integer("organization_id", in: 1...Int64.max)
            via.eventID = nested.integer("event_id", in: 1...Int64.max)
            via.cadreID = nested.integer("cadre_id", in: 1...Int64.max)
            input.absorb(nested)
        }
        // A field already refused for its form or its rule is not looked up as well.
        let refused = Set(input.errors.map(\.field))
        references = MemberReferences(
            regionCode: refused.contains("region_code") ? nil : region,
            employerID: refused.contains("employer_id") ? nil : employerID,
            facilityID: refused.contains("facility_id") ? nil : facilityID, registeredVia: via)
        guard input.errors.isEmpty, let nik, let fullName, let birthDate, let sex, let familyCardNo, let relationship,
              let segment, let memberClass, let region
        else { return nil }
        return NewMember(
            nik: nik, cardNo: cardNo, fullName: fullName, birthDate: birthDate, sex: sex, familyCardNo: familyCardNo,
            relationship: relationship, segment: segment, memberClass: Int(memberClass), regionCode: region.digits,
            address: address, phone: phone, facilityID: facilityID, employerID: employerID, registeredVia: via)
    }

    /// An Indonesian phone number, stored as digits with an optional leading `+`; spaces and
    /// dashes people type are dropped.
    static func phone(from input: inout JSONInput) -> String? {
        guard let text = input.string("phone", maxLength: 32) else { return nil }
        let compact = text.filter { $0 != " " && $0 != "-" }
        let digits = compact.hasPrefix("+") ? compact.dropFirst() : Substring(compact)
        guard (8...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            input.fail("phone", code: "invalid_format", message: "must be 8 to 15 digits, optionally after a +")
            return nil
        }
        return compact
    }

    // MARK: - Output

    static func response(_ member: Member, for context: RequestContext, warnings: [FieldError]?, status: HTTPStatus) -> Response {
        var json = JSONWriter()
        json.beginObject()
        representation.writeFields(of: member, for: context.principal, into: &json)
        if let warnings {
            json.key("warnings")
            Problem.FieldError.write(warnings.map(\.problemField), into: &json)
        }
        json.endObject()
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", member.etag)
        return response.notStored
    }
}
