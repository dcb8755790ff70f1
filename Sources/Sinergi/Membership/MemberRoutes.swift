internal import Foundation
internal import HTTPServer
internal import SQLite

/// `/v1/members…` and `/v1/families/{family_card_no}`. Every answer carrying personal data is
/// `Cache-Control: no-store` and shows the NIK as the caller's role may see it.
struct MemberRoutes: Sendable {
    let service: MemberService

    func register(on router: inout Router, access: Access) {
        router.add(.post, "/v1/members", access: access, roles: .personalData, maxBodyBytes: 16 * 1024) { request, principal in
            var input = try JSONInput(request)
            let draft = Self.draft(from: &input)
            try input.finish()
            guard let draft else { throw AppError.invalid(input.errors) }
            let (member, warnings) = try await service.register(draft, by: principal, requestID: request.id)
            var response = Self.response(member, for: principal, warnings: warnings, status: .created)
            response.headers.add("Location", "/v1/members/\(member.id)")
            return response
        }

        router.add(.get, "/v1/members", access: access, roles: .personalData) { request, principal in
            let query = try request.queryParameters()
            let page = try Page(query)
            let filter = try Self.filter(from: query)
            let members = try await service.list(filter, page: page, for: principal, requestID: request.id)
            return page.response(members, id: \.id) { member, json in
                Self.write(member, for: principal, into: &json)
            }.notStored
        }

        router.add(.get, "/v1/members/{id}", access: access, roles: .personalData) { request, principal in
            guard let id = request.parameters["id"].flatMap(Int64.init),
                  let member = try await service.find(id, for: principal, requestID: request.id)
            else { throw AppError.notFound }
            return Self.response(member, for: principal, warnings: nil, status: .ok)
        }

        router.add(.patch, "/v1/members/{id}", access: access, roles: .staff, maxBodyBytes: 16 * 1024) { request, principal in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let change = Self.change(from: &input)
            try input.finish()
            let member = try await service.update(
                id, change: change, ifMatch: request.headers["If-Match"], by: principal, requestID: request.id)
            return Self.response(member, for: principal, warnings: nil, status: .ok)
        }

        router.add(.post, "/v1/members/{id}/status", access: access, roles: .staff, maxBodyBytes: 4 * 1024) { request, principal in
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
            let member = try await service.deactivate(id, reason: reason, by: principal, requestID: request.id)
            return Self.response(member, for: principal, warnings: nil, status: .ok)
        }

        router.add(.get, "/v1/members/{id}/history", access: access, roles: .personalData) { request, principal in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            let page = try Page(try request.queryParameters())
            guard let changes = try await service.history(id, page: page, for: principal, requestID: request.id) else {
                throw AppError.notFound
            }
            return page.response(changes, id: \.id) { change, json in
                json.beginObject()
                json.field("field", change.field.rawValue)
                json.field("old_value", change.oldValue)
                json.field("new_value", change.newValue)
                json.field("reason", change.reason)
                json.field("changed_at", change.changedAt)
                json.field("api_key_id", change.apiKeyID.map(Int.init))
                json.field("role", change.role)
                json.endObject()
            }.notStored
        }

        router.add(.get, "/v1/families/{family_card_no}", access: access, roles: .personalData) { request, principal in
            guard let number = request.parameters["family_card_no"], number.isASCIIDigits(count: 16) else {
                throw AppError.notFound
            }
            let members = try await service.family(number, for: principal, requestID: request.id)
            guard !members.isEmpty else { throw AppError.notFound }
            var json = JSONWriter()
            json.beginObject()
            json.field("family_card_no", number)
            json.key("members")
            json.beginArray()
            members.forEach { Self.write($0, for: principal, into: &json) }
            json.endArray()
            json.endObject()
            return Response.json(json.bytes).notStored
        }

        MemberValidationRoute(service: service).register(on: &router, access: access)
    }

    // MARK: - Input

    /// The fields of a registration; nil when any is wrong (the problems are in `input`).
    static func draft(from input: inout JSONInput) -> MemberRepository.NewMember? {
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
        if let birthDate, birthDate > CalendarDate.today() {
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
        guard input.errors.isEmpty, let nik, let fullName, let birthDate, let sex, let familyCardNo, let relationship,
              let segment, let memberClass, let region
        else { return nil }
        return MemberRepository.NewMember(
            nik: nik, cardNo: cardNo, fullName: fullName, birthDate: birthDate, sex: sex, familyCardNo: familyCardNo,
            relationship: relationship, segment: segment, memberClass: Int(memberClass), regionCode: region.digits,
            address: address, phone: phone, facilityID: facilityID, employerID: employerID, registeredVia: via)
    }

    /// The fields a `PATCH` may change: contact data, card number, class, facility. NIK, birth
    /// date, sex and segment are registry facts this endpoint does not change.
    static func change(from input: inout JSONInput) -> MemberService.Change {
        var change = MemberService.Change()
        change.fullName = input.text("full_name")
        if input.has("address") { change.address = .some(input.text("address", maxLength: 500)) }
        if input.has("phone") { change.phone = .some(phone(from: &input)) }
        if input.has("card_no") { change.cardNo = .some(input.digits("card_no", count: 13)) }
        change.memberClass = input.integer("class", in: 1...3).map(Int.init)
        change.facilityID = input.integer("facility_id", in: 1...Int64.max)
        for field in ["class", "facility_id", "full_name"] where input.isNull(field) {
            input.fail(field, code: "required", message: "cannot be cleared")
        }
        return change
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

    static func filter(from query: QueryParameters) throws(AppError) -> MemberRepository.Filter {
        var filter = MemberRepository.Filter()
        var errors: [Problem.FieldError] = []
        func fail(_ field: String, _ message: String) {
            errors.append(.init(field: field, code: "invalid_format", message: message))
        }
        if let text = query["nik"] {
            filter.nik = try? NIK(validating: text)
            if filter.nik == nil { fail("nik", "must be a valid 16-digit NIK") }
        }
        if let text = query["card_no"] {
            if text.isASCIIDigits(count: 13) { filter.cardNo = text } else { fail("card_no", "must be 13 digits") }
        }
        if let text = query["family_card_no"] {
            if text.isASCIIDigits(count: 16) { filter.familyCardNo = text } else { fail("family_card_no", "must be 16 digits") }
        }
        filter.regionPrefix = query.regionCode("region", errors: &errors)?.digits
        if let text = query["status"] {
            filter.status = MemberStatus(rawValue: text)
            if filter.status == nil { fail("status", "must be one of \(MemberStatus.allCases.map(\.rawValue).joined(separator: ", "))") }
        }
        if let text = query["segment"] {
            filter.segment = Segment(rawValue: text)
            if filter.segment == nil { fail("segment", "must be one of \(Segment.allCases.map(\.rawValue).joined(separator: ", "))") }
        }
        if let text = query["organization_id"] {
            filter.organizationID = Int64(text).flatMap { $0 > 0 ? $0 : nil }
            if filter.organizationID == nil { fail("organization_id", "must be an organization id") }
        }
        if let text = query["event_id"] {
            filter.eventID = Int64(text).flatMap { $0 > 0 ? $0 : nil }
            if filter.eventID == nil { fail("event_id", "must be an event id") }
        }
        if !errors.isEmpty { throw .invalid(errors) }
        return filter
    }

    // MARK: - Output

    static func response(_ member: Member, for principal: Principal, warnings: [NIKWarning]?, status: HTTPStatus) -> Response {
        var json = JSONWriter()
        json.beginObject()
        fields(member, for: principal, into: &json)
        if let warnings {
            json.key("warnings")
            Problem.FieldError.write(warnings.map { .init(field: $0.field, code: $0.code, message: $0.message) }, into: &json)
        }
        json.endObject()
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", member.etag)
        return response.notStored
    }

    static func write(_ member: Member, for principal: Principal, into json: inout JSONWriter) {
        json.beginObject()
        fields(member, for: principal, into: &json)
        json.endObject()
    }

    /// Admins and officers see the NIK and phone; partners a masked NIK and no phone.
    private static func fields(_ member: Member, for principal: Principal, into json: inout JSONWriter) {
        json.field("id", Int(member.id))
        json.field("nik", principal.seesAll ? member.nik : NIK.mask(member.nik))
        json.field("card_no", member.cardNo)
        json.field("full_name", member.fullName)
        json.field("birth_date", member.birthDate)
        json.field("sex", member.sex.rawValue)
        json.field("family_card_no", member.familyCardNo)
        json.field("relationship", member.relationship.rawValue)
        json.field("segment", member.segment.rawValue)
        json.field("class", member.memberClass)
        json.field("region_code", member.regionCode)
        json.field("address", member.address)
        json.field("phone", principal.seesAll ? member.phone : nil)
        json.field("facility_id", member.facilityID.map(Int.init))
        json.field("facility_since", member.facilitySince)
        json.field("employer_id", member.employerID.map(Int.init))
        json.field("status", member.status.rawValue)
        json.field("status_reason", member.statusReason)
        json.field("class_since", member.classSince)
        json.field("registered_at", member.registeredAt)
        json.key("registered_via")
        json.beginObject()
        json.field("organization_id", member.registeredVia.organizationID.map(Int.init))
        json.field("event_id", member.registeredVia.eventID.map(Int.init))
        json.field("cadre_id", member.registeredVia.cadreID.map(Int.init))
        json.endObject()
        json.field("created_at", member.createdAt)
        json.field("updated_at", member.updatedAt)
    }
}
