internal import Foundation

/// Migrating outside the server, for `sinergi migrate`.
public enum Migrations {
    /// Opens the configured database, applies pending migrations, closes it; returns the
    /// applied files' names.
    public static func apply(config: Config) throws -> [String] {
        let migrator = try migrator(for: config)
        let store = try Store.open(config)
        defer { store.close() }
        return try store.migrate(migrator).map { Migration.fileName(version: $0.version, name: $0.name) }
    }

    /// The migrations of the configured engine: `paths.migrations` for SQLite, its
    /// `postgresql` folder for PostgreSQL (the same numbers, in PostgreSQL's dialect).
    static func migrator(for config: Config) throws -> Migrator {
        guard let directory = ResourceLocator.locate(config.migrationsPath) else {
            throw ConfigError(key: "paths.migrations", reason: "no folder \(config.migrationsPath)")
        }
        switch config.databaseLocation {
        case .sqlite: return try Migrator(directory: directory)
        case .postgresql: return try Migrator(directory: directory.appendingPathComponent("postgresql"))
        }
    }
}
