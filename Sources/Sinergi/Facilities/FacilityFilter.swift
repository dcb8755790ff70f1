/// The filters of `GET /v1/facilities`; nil means any.
struct FacilityFilter: Sendable {
    var ownerOrganizationID: Int64?
    var status: FacilityStatus?
    var level: FacilityLevel?
    var kind: FacilityKind?
    var regionPrefix: String?

    init(_ query: inout QueryInput) {
        ownerOrganizationID = query.id("owner_organization_id", of: "an organization")
        status = query.choice("status", FacilityStatus.self)
        level = query.choice("level", FacilityLevel.self)
        kind = query.choice("kind", FacilityKind.self)
        regionPrefix = query.regionCode("region")?.digits
    }
}
