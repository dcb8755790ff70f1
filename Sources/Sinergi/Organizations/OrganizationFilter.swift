/// The filters of `GET /v1/organizations`; nil means any.
struct OrganizationFilter: Sendable {
    var kind: OrganizationKind?
    var parentID: Int64?
    /// A region code; matches the region and everything in it.
    var regionPrefix: String?

    init(_ query: inout QueryInput) {
        kind = query.choice("kind", OrganizationKind.self)
        parentID = query.id("parent_id", of: "an organization")
        regionPrefix = query.regionCode("region")?.digits
    }
}
