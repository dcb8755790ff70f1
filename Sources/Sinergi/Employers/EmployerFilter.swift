/// The filters of `GET /v1/employers`; nil means any.
struct EmployerFilter: Sendable {
    /// A region code; matches the region and everything in it.
    var regionPrefix: String?

    init(_ query: inout QueryInput) {
        regionPrefix = query.regionCode("region")?.digits
    }
}
