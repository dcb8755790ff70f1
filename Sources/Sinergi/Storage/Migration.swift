/// One numbered SQL file of `migrations/`, with the checksum that pins its content.
public struct Migration: Sendable, Equatable {
    /// The number before the underscore, the order of application.
    public let version: Int
    /// The rest of the file name, without `.sql`.
    public let name: String
    /// The statements; no BEGIN or COMMIT, the migrator wraps each file in a transaction.
    public let sql: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public let checksum: String

    /// A migration; `Migrator(directory:)` builds these from files, tests may too.
    public init(version: Int, name: String, sql: String, checksum: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = checksum
    }
}

/// Why migrating stopped. The CLI prints the description and exits 2.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadableDirectory(String)
    case invalidFileName(String)
    case duplicateVersion(Int)
    case checksumMismatch(version: Int, name: String)
    case unknownApplied(version: Int, name: String)
    case failed(version: Int, name: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableDirectory(let path):
            "migrations: cannot read the directory \(path)"
        case .invalidFileName(let file):
            "migrations: \(file) is not named NNNN_name.sql"
        case .duplicateVersion(let version):
            "migrations: two files have the number \(version)"
        case .checksumMismatch(let version, let name):
            "migrations: \(Migration.fileName(version: version, name: name)) was changed after it was applied; "
                + "add a new migration instead of editing an applied one"
        case .unknownApplied(let version, let name):
            "migrations: the database has migration \(Migration.fileName(version: version, name: name)), which is not in the "
                + "migrations directory; is this binary older than the database?"
        case .failed(let version, let name, let reason):
            "migrations: \(Migration.fileName(version: version, name: name)) failed: \(reason)"
        }
    }
}

extension Migration {
    /// `0007_name.sql`, as the file is named.
    static func fileName(version: Int, name: String) -> String {
        String(zeroPadded: version, width: 4) + "_" + name + ".sql"
    }
}
