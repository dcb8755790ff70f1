internal import Foundation
internal import SQLite

/// Migrating outside the server, for `sinergi migrate`.
public enum Migrations {
    /// Opens the configured database, applies pending migrations, closes it; returns the
    /// applied files' names.
    public static func apply(config: Config) throws -> [String] {
        guard let directory = ResourceLocator.locate(config.migrationsPath) else {
            throw ConfigError(key: "paths.migrations", reason: "no folder \(config.migrationsPath)")
        }
        let migrator = try Migrator(directory: directory)
        let database = try Application.openDatabase(config: config)
        defer { database.close() }
        return try migrator.migrate(database).map { Migration.fileName(version: $0.version, name: $0.name) }
    }
}
