/// The filters of `GET /v1/regions`; nil means any.
struct RegionFilter: Sendable {
    var level: RegionLevel?
    /// Children of this region code.
    var parent: String?

    init(_ query: inout QueryInput) {
        level = query.choice("level", RegionLevel.self)
        parent = query.regionCode("parent")?.digits
    }
}
