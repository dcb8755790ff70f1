import Database
import Foundation
import SQLite
@testable import Sinergi
import Testing

@Suite struct KnownRegionsTests {
    @Test("a region code not found is looked up again next time; one found is remembered")
    func remembersOnlyWhatIsFound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pool = try DatabasePool(path: directory.url.appendingPathComponent("regions.db").path, readers: 1)
        defer { pool.close() }
        _ = try Migrator(directory: repositoryRoot.appendingPathComponent("migrations")).migrate(pool)
        let regions = KnownRegions()
        let code = try #require(RegionCode("35"))
        let isKnown: @Sendable () throws -> Bool = { try pool.readSync { connection in try regions.contains(code, in: DatabaseConnection(connection)) } }
        #expect(try isKnown() == false)
        _ = try pool.writeSync { try $0.execute("INSERT INTO regions (code, name, level) VALUES ('35', 'Jawa Timur', 'province')", []) }
        #expect(try isKnown() == true)
        // Remembered: found without the row (no path deletes regions; this test does, to see).
        _ = try pool.writeSync { try $0.execute("DELETE FROM regions WHERE code = '35'", []) }
        #expect(try isKnown() == true)
    }
}
