
/// Reference data: the Kemendagri regions and the Dukcapil population figures officers load.
struct RegionService: Sendable {
    let store: Store

    /// A region with the regions above it (the region first) and its figures, newest first.
    func find(_ code: RegionCode) async throws -> (chain: [Region], populations: [RegionPopulation])? {
        try await store.read { connection in
            let chain = try RegionRepository.chain(code.digits, in: connection)
            guard !chain.isEmpty else { return nil }
            return (chain, try RegionRepository.populations(code.digits, in: connection))
        }
    }

    func list(_ filter: RegionFilter, page: Page) async throws -> [Region] {
        // Codes are digits, so the cursor is the last code read as a number.
        let after = page.after.map { String($0) }
        return try await store.read { connection in
            try RegionRepository.list(filter, after: after, limit: page.limit, in: connection)
        }
    }

    /// Records a year's population of a region; false when there is no such region.
    func setPopulation(_ code: RegionCode, year: Int, population: Int64, _ context: RequestContext) async throws -> Bool {
        try await store.write { connection in
            guard try RegionRepository.find(code.digits, in: connection) != nil else { return false }
            try RegionRepository.upsertPopulation(
                code.digits, year: year, population: population, source: "Dukcapil (entered by \(context.principal.keyID))",
                now: context.now, in: connection)
            try AuditLog.insert(context.audit("update", "region_population", code.digits), into: connection)
            return true
        }
    }
}
