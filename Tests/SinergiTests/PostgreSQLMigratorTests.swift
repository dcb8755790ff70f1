import Foundation
import HTTPTestSupport
import PostgreSQL
@testable import Sinergi
import Testing

@Suite(PostgreSQLTestSettings.isConfigured)
struct PostgreSQLMigratorTests {
    static let folder = repositoryRoot.appendingPathComponent("migrations/postgresql")

    @Test("migrating applies every PostgreSQL migration once; a second run applies none")
    func appliesOnce() throws {
        let schema = try FreshPostgreSQLSchema()
        defer { schema.drop() }
        let pool = try PGPool(url: schema.url, size: 1)
        defer { pool.close() }
        let migrator = try Migrator(directory: Self.folder)
        #expect(try migrator.migrate(pool).map(\.version) == migrator.migrations.map(\.version))
        #expect(try migrator.migrate(pool).isEmpty)
        let recorded = try pool.runSync { try $0.fetchAll("SELECT version FROM schema_migrations ORDER BY version", []) { $0.int(at: 0) } }
        #expect(recorded == migrator.migrations.map(\.version))
    }

    @Test("three nodes starting at once on one database: one applies the migrations, the others wait and find none")
    func concurrentNodes() async throws {
        let schema = try FreshPostgreSQLSchema()
        defer { schema.drop() }
        let url = schema.url
        let migrator = try Migrator(directory: Self.folder)
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let pool = try PGPool(url: url, size: 1)
                    defer { pool.close() }
                    return try migrator.migrate(pool).count
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(applied.sorted() == [0, 0, migrator.migrations.count])
    }
}
