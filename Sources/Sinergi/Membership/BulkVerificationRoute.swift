internal import Foundation
internal import HTTPServer

/// `POST /v1/members/validate`: a partner checks its congregation list against the registry.
/// For members outside the caller's scope the answer says only that the NIK is registered and
/// the status; never the id, and no name or birth-date comparison that would leak them.
struct BulkVerificationRoute: Sendable {
    /// Items per request (API.md).
    static let maxItems = 10_000

    let service: MemberService

    func register(on router: inout APIRouter) {
        // 10,000 items of about 80 bytes each, with room for long names.
        router.add(.post, "/v1/members/validate", roles: .personalData, personalData: true, maxBodyBytes: 4 * 1024 * 1024) { request, context in
            let items = try Self.items(from: request)
            let results = try await service.validate(items, context)
            var json = JSONWriter()
            json.beginObject()
            json.key("data")
            json.beginArray()
            var counts = (invalid: 0, registered: 0)
            for (index, result) in results.enumerated() {
                json.beginObject()
                json.field("index", index)
                json.field("nik_valid", result.nikError == nil)
                json.field("nik_error", result.nikError)
                json.field("registered", result.holder != nil)
                if let holder = result.holder {
                    counts.registered += 1
                    json.field("status", holder.status.rawValue)
                    if holder.isInScope {
                        json.field("member_id", Int(holder.id))
                        json.key("mismatches")
                        json.beginArray()
                        result.mismatches.forEach { json.string($0) }
                        json.endArray()
                    }
                }
                if result.nikError != nil { counts.invalid += 1 }
                json.endObject()
            }
            json.endArray()
            json.key("summary")
            json.beginObject()
            json.field("items", results.count)
            json.field("nik_invalid", counts.invalid)
            json.field("registered", counts.registered)
            json.field("not_registered", results.count - counts.invalid - counts.registered)
            json.endObject()
            json.endObject()
            return Response.json(json.bytes).notStored
        }
    }

    /// The items, each read on its own: a bad item is answered in its place, not refused.
    static func items(from request: Request) throws(AppError) -> [BulkVerification.Item] {
        var input = try JSONInput(request)
        guard case .array(let values)? = input.value("items") else {
            input.fail("items", code: input.has("items") ? "invalid_type" : "required", message: "must be an array of {nik, full_name?, birth_date?}")
            try input.finish()
            return []
        }
        guard values.count <= maxItems else {
            input.fail("items", code: "too_many", message: "must hold at most \(maxItems) items; split the list")
            try input.finish()
            return []
        }
        // A line whose NIK is missing or malformed is answered in its place; a line that is
        // not an object, a field of the wrong type or a birth date that is no date is a
        // malformed request.
        var items: [BulkVerification.Item] = []
        items.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard case .object(let object) = value else {
                input.fail("items[\(index)]", code: "invalid_type", message: "must be an object {nik, full_name?, birth_date?}")
                continue
            }
            var line = JSONInput(object: object, prefix: "items[\(index)]")
            items.append(BulkVerification.Item(nik: line.string("nik", maxLength: 64), fullName: line.string("full_name", maxLength: 200),
                              birthDate: line.date("birth_date")?.description))
            input.absorb(line)
        }
        try input.finish()
        return items
    }
}
