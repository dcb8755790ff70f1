import Crypto
import Database
import Foundation
import SQLite
@testable import Sinergi
import Testing

@Suite struct MigratorTests {
    /// A temporary directory holding a `migrations/` folder and the path of a database beside it.
    struct Fixture {
        let dir: TemporaryDirectory
        let migrations: URL
        let databasePath: String

        init() throws {
            dir = try TemporaryDirectory()
            migrations = dir.url.appendingPathComponent("migrations", isDirectory: true)
            try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
            databasePath = dir.url.appendingPathComponent("test.sqlite").path
        }

        /// Writes `migrations/<name>` and returns its bytes.
        @discardableResult
        func write(_ name: String, _ sql: String) throws -> [UInt8] {
            try Data(sql.utf8).write(to: migrations.appendingPathComponent(name))
            return Array(sql.utf8)
        }

        func delete(_ name: String) throws {
            try FileManager.default.removeItem(at: migrations.appendingPathComponent(name))
        }

        func migrator() throws -> Migrator {
            try Migrator(directory: migrations)
        }

        /// Runs `body` with a pool on the database, closed afterwards.
        @discardableResult
        func withPool<T>(_ body: (DatabasePool) throws -> T) throws -> T {
            let pool = try DatabasePool(path: databasePath, readers: 1)
            defer { pool.close() }
            return try body(pool)
        }
    }

    /// Rows of `schema_migrations`.
    struct AppliedRow: Sendable, Equatable {
        var version: Int
        var name: String
        var checksum: String
        var appliedAt: String
    }

    static func appliedRows(_ pool: DatabasePool) throws -> [AppliedRow] {
        try pool.readSync { connection in
            try connection.fetchAll("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version") {
                AppliedRow(version: $0.int(at: 0), name: $0.string(at: 1), checksum: $0.string(at: 2), appliedAt: $0.string(at: 3))
            }
        }
    }

    static func tableExists(_ pool: DatabasePool, _ name: String) throws -> Bool {
        try pool.readSync { connection in
            try connection.fetchOne("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text(name)]) { _ in true }
        } ?? false
    }

    static func isCurrent(_ migrator: Migrator, _ pool: DatabasePool) throws -> Bool {
        try pool.readSync { connection in try migrator.isCurrent(DatabaseConnection(connection)) }
    }

    // SQL that works only when applied in version order.
    static let first = "CREATE TABLE steps (n INTEGER NOT NULL);\nINSERT INTO steps VALUES (1);\n"
    static let second = "ALTER TABLE steps ADD COLUMN label TEXT;\nINSERT INTO steps VALUES (2, 'two');\n"
    static let third = "INSERT INTO steps (n, label) VALUES (3, 'three');\nCREATE INDEX steps_label ON steps (label);\n"

    // MARK: - Applying

    @Test("applies migrations in version order, whatever the directory listing order")
    func appliesInOrder() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        // Written last first; the listing order is up to the file system.
        try fixture.write("0010_tenth.sql", "INSERT INTO steps (n, label) VALUES (10, 'ten');")
        try fixture.write("0003_third.sql", Self.third)
        try fixture.write("0002_second.sql", Self.second)
        try fixture.write("0001_first.sql", Self.first)

        let migrator = try fixture.migrator()
        #expect(migrator.migrations.map(\.version) == [1, 2, 3, 10])
        #expect(migrator.migrations.map(\.name) == ["first", "second", "third", "tenth"])

        try fixture.withPool { pool in
            let applied = try migrator.migrate(pool)
            #expect(applied.map(\.version) == [1, 2, 3, 10])
            let steps = try pool.readSync { connection in
                try connection.fetchAll("SELECT n FROM steps ORDER BY rowid") { $0.int(at: 0) }
            }
            #expect(steps == [1, 2, 3, 10])
            #expect(try Self.tableExists(pool, "steps"))
        }
    }

    @Test("migrations given directly are sorted by version too")
    func sortsGivenMigrations() throws {
        let migrations = [(3, Self.third), (1, Self.first), (2, Self.second)].map { version, sql in
            Migration(version: version, name: "m\(version)", sql: sql, checksum: SHA256.hexDigest(Array(sql.utf8)))
        }
        let migrator = try Migrator(migrations: migrations)
        #expect(migrator.migrations.map(\.version) == [1, 2, 3])
    }

    @Test("records each migration with the SHA-256 of its file")
    func recordsChecksums() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        let firstBytes = try fixture.write("0001_first.sql", Self.first)
        let secondBytes = try fixture.write("0002_second.sql", Self.second)
        let migrator = try fixture.migrator()
        #expect(migrator.migrations.map(\.checksum) == [SHA256.hexDigest(firstBytes), SHA256.hexDigest(secondBytes)])
        #expect(migrator.migrations.map(\.sql) == [Self.first, Self.second])

        try fixture.withPool { pool in
            try migrator.migrate(pool)
            let rows = try Self.appliedRows(pool)
            #expect(rows.map(\.version) == [1, 2])
            #expect(rows.map(\.name) == ["first", "second"])
            #expect(rows.map(\.checksum) == [SHA256.hexDigest(firstBytes), SHA256.hexDigest(secondBytes)])
            #expect(rows.allSatisfy { $0.checksum.count == 64 })
            #expect(rows.allSatisfy { !$0.appliedAt.isEmpty })
        }
    }

    @Test("running again applies nothing; a new file alone is applied later")
    func rerunning() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        try fixture.write("0001_first.sql", Self.first)
        try fixture.write("0002_second.sql", Self.second)

        try fixture.withPool { pool in
            #expect(try fixture.migrator().migrate(pool).count == 2)
            #expect(try fixture.migrator().migrate(pool).isEmpty)
            #expect(try Self.appliedRows(pool).count == 2)

            try fixture.write("0003_third.sql", Self.third)
            #expect(try fixture.migrator().migrate(pool).map(\.name) == ["third"])
            #expect(try fixture.migrator().migrate(pool).isEmpty)
            #expect(try Self.appliedRows(pool).map(\.version) == [1, 2, 3])
        }
        // And across pools (a restart).
        let appliedAfterRestart = try fixture.withPool { pool in try fixture.migrator().migrate(pool) }
        #expect(appliedAfterRestart.isEmpty)
    }

    // MARK: - Refusing

    @Test("an applied file whose content changed is refused by name")
    func checksumMismatch() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        try fixture.write("0001_first.sql", Self.first)
        try fixture.write("0002_second.sql", Self.second)
        try fixture.withPool { pool in try fixture.migrator().migrate(pool) }

        try fixture.write("0002_second.sql", Self.second + "-- a comment is a change too\n")
        try fixture.write("0003_third.sql", Self.third)
        try fixture.withPool { pool in
            let migrator = try fixture.migrator()
            #expect(throws: MigrationError.checksumMismatch(version: 2, name: "second")) {
                try migrator.migrate(pool)
            }
            #expect(try Self.isCurrent(migrator, pool) == false)
            // Nothing pending ran.
            #expect(try Self.appliedRows(pool).map(\.version) == [1, 2])
        }
    }

    @Test("a database with a migration missing from the directory is refused")
    func unknownApplied() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        try fixture.write("0001_first.sql", Self.first)
        try fixture.write("0002_second.sql", Self.second)
        try fixture.withPool { pool in try fixture.migrator().migrate(pool) }

        try fixture.delete("0002_second.sql")
        try fixture.withPool { pool in
            let migrator = try fixture.migrator()
            #expect(throws: MigrationError.unknownApplied(version: 2, name: "second")) {
                try migrator.migrate(pool)
            }
            #expect(try Self.isCurrent(migrator, pool) == false)
        }
    }

    @Test("a failing migration rolls back alone; earlier ones stay applied, later ones do not run")
    func failingMigration() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        try fixture.write("0001_first.sql", Self.first)
        // The first statement succeeds, the second fails: the file's transaction must undo both.
        try fixture.write("0002_broken.sql", """
            CREATE TABLE made_by_broken (x INTEGER);
            INSERT INTO steps VALUES (2);
            INSERT INTO no_such_table VALUES (1);
            """)
        try fixture.write("0003_third.sql", "CREATE TABLE made_by_third (x INTEGER);")

        try fixture.withPool { pool in
            let error = #expect(throws: MigrationError.self) { try fixture.migrator().migrate(pool) }
            guard case .failed(let version, let name, let reason)? = error else {
                Issue.record("expected .failed, got \(String(describing: error))")
                return
            }
            #expect(version == 2)
            #expect(name == "broken")
            #expect(reason.contains("no_such_table"))

            #expect(try Self.appliedRows(pool).map(\.version) == [1])
            #expect(try Self.tableExists(pool, "steps"))
            #expect(try Self.tableExists(pool, "made_by_broken") == false)
            #expect(try Self.tableExists(pool, "made_by_third") == false)
            let steps = try pool.readSync { connection in
                try connection.fetchAll("SELECT n FROM steps") { $0.int(at: 0) }
            }
            #expect(steps == [1])

            // Fixing the file lets migrating resume where it stopped.
            try fixture.write("0002_broken.sql", "CREATE TABLE made_by_broken (x INTEGER);")
            #expect(try fixture.migrator().migrate(pool).map(\.version) == [2, 3])
            #expect(try Self.tableExists(pool, "made_by_broken"))
            #expect(try Self.tableExists(pool, "made_by_third"))
        }
    }

    @Test("files not named NNNN_name.sql are refused", arguments: [
        "1_x.sql", "abcd_x.sql", "0001.sql", "0001_.sql", "00001_x.sql", "001_x.sql", "+001_x.sql", "-001_x.sql",
        "0x01_x.sql", " 001_x.sql", "_0001_x.sql", "０００１_x.sql",
    ])
    func invalidFileName(_ name: String) throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        try fixture.write("0001_first.sql", Self.first)
        try fixture.write(name, "SELECT 1;")
        #expect(throws: MigrationError.invalidFileName(name)) { try fixture.migrator() }
    }

    @Test("two files with one version are refused")
    func duplicateVersion() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        try fixture.write("0001_first.sql", Self.first)
        try fixture.write("0002_a.sql", "SELECT 1;")
        try fixture.write("0002_b.sql", "SELECT 2;")
        #expect(throws: MigrationError.duplicateVersion(2)) { try fixture.migrator() }

        let same = Migration(version: 5, name: "x", sql: "", checksum: SHA256.hexDigest([UInt8]()))
        #expect(throws: MigrationError.duplicateVersion(5)) { try Migrator(migrations: [same, same]) }
    }

    @Test("files that do not end in .sql are ignored")
    func ignoresOtherFiles() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        try fixture.write("0001_first.sql", Self.first)
        try fixture.write(".gitkeep", "")
        try fixture.write("README.md", "# migrations")
        try fixture.write("0002_notes.txt", "not SQL")
        try fixture.write("0003_old.sql.bak", "DROP TABLE steps;")
        let migrator = try fixture.migrator()
        #expect(migrator.migrations.map(\.version) == [1])
    }

    @Test("a directory that cannot be read is refused")
    func unreadableDirectory() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        let missing = fixture.dir.url.appendingPathComponent("nowhere")
        #expect(throws: MigrationError.unreadableDirectory(missing.path)) { try Migrator(directory: missing) }
    }

    // MARK: - isCurrent

    @Test("isCurrent says whether every migration is applied, unchanged")
    func isCurrent() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        try fixture.withPool { pool in
            // No schema_migrations table yet: current only when there is nothing to apply.
            #expect(try Self.isCurrent(try fixture.migrator(), pool))
            try fixture.write("0001_first.sql", Self.first)
            #expect(try Self.isCurrent(try fixture.migrator(), pool) == false)

            try fixture.migrator().migrate(pool)
            #expect(try Self.isCurrent(try fixture.migrator(), pool))

            try fixture.write("0002_second.sql", Self.second)
            #expect(try Self.isCurrent(try fixture.migrator(), pool) == false)
            try fixture.migrator().migrate(pool)
            #expect(try Self.isCurrent(try fixture.migrator(), pool))
        }
    }

    // MARK: - Errors

    @Test("error descriptions name the file")
    func descriptions() {
        #expect(MigrationError.checksumMismatch(version: 7, name: "members").description.contains("0007_members.sql"))
        #expect(MigrationError.unknownApplied(version: 12, name: "x").description.contains("0012_x.sql"))
        #expect(MigrationError.failed(version: 3, name: "y", reason: "boom").description.contains("0003_y.sql failed: boom"))
        #expect(MigrationError.invalidFileName("1_x.sql").description.contains("1_x.sql"))
    }

    // MARK: - Migrations.apply

    @Test("Migrations.apply migrates the configured database and names the files it applied")
    func applyFromConfig() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        try fixture.write("0002_second.sql", Self.second)
        try fixture.write("0001_first.sql", Self.first)
        var config = Config()
        // A folder that does not exist yet: opening the database creates it.
        config.database = fixture.dir.url.appendingPathComponent("data/nested/sinergi.db").path
        config.migrationsPath = fixture.migrations.path
        config.databaseReaders = 1

        #expect(try Migrations.apply(config: config) == ["0001_first.sql", "0002_second.sql"])
        #expect(try Migrations.apply(config: config) == [])
        try fixture.write("0003_third.sql", Self.third)
        #expect(try Migrations.apply(config: config) == ["0003_third.sql"])

        let pool = try DatabasePool(path: config.database, readers: 1)
        defer { pool.close() }
        #expect(try Self.appliedRows(pool).map(\.name) == ["first", "second", "third"])
        #expect(try Self.isCurrent(try fixture.migrator(), pool))
    }

    @Test("Migrations.apply refuses a migrations folder that does not exist")
    func applyWithoutFolder() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        var config = Config()
        config.database = fixture.databasePath
        config.migrationsPath = fixture.dir.url.appendingPathComponent("absent").path
        let error = #expect(throws: ConfigError.self) { try Migrations.apply(config: config) }
        #expect(error?.key == "paths.migrations")
        #expect(FileManager.default.fileExists(atPath: fixture.databasePath) == false)
    }
}
