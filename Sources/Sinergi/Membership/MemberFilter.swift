/// The filters of `GET /v1/members`; nil means any.
struct MemberFilter: Sendable {
    var nik: NIK?
    var cardNo: String?
    var familyCardNo: String?
    /// A region code; matches the region and everything in it.
    var regionPrefix: String?
    var status: MemberStatus?
    var segment: Segment?
    var organizationID: Int64?
    var eventID: Int64?

    init() {}

    init(_ query: inout QueryInput) {
        if let text = query.string("nik") {
            nik = try? NIK(validating: text)
            if nik == nil { query.fail("nik", code: "invalid_format", message: "must be a valid 16-digit NIK") }
        }
        cardNo = query.digits("card_no", count: 13)
        familyCardNo = query.digits("family_card_no", count: 16)
        regionPrefix = query.regionCode("region")?.digits
        status = query.choice("status", MemberStatus.self)
        segment = query.choice("segment", Segment.self)
        organizationID = query.id("organization_id", of: "an organization")
        eventID = query.id("event_id", of: "an event")
    }
}
