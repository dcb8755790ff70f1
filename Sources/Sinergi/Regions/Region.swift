/// A region with what `GET /v1/regions/{code}` shows.
public struct Region: Sendable, Equatable {
    public let code: String
    public let name: String
    public let level: RegionLevel
    public let parentCode: String?
    /// `kabupaten` or `kota` for regencies.
    public let kind: String?
}

/// A population figure for one year.
public struct RegionPopulation: Sendable, Equatable {
    public let year: Int
    public let population: Int64
    public let source: String
}
