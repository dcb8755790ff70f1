internal import CSQLite

/// A failed SQLite call: its result codes, SQLite's message and the SQL text, never bound values.
///
/// Match on extended codes (`isUniqueConstraint`, …), not on `message`, which SQLite may reword.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The primary result code, such as 19 (`SQLITE_CONSTRAINT`) or 5 (`SQLITE_BUSY`).
    public let code: Int32
    /// The extended result code, such as 2067 (`SQLITE_CONSTRAINT_UNIQUE`).
    public let extendedCode: Int32
    /// SQLite's English message, e.g. "UNIQUE constraint failed: members.nik".
    public let message: String
    /// The SQL text being run, if any; it never contains bound values.
    public let sql: String?

    /// Makes an error; `code` is derived from `extendedCode` (its low byte).
    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.code = extendedCode & 0xFF
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// "SQLite error 2067 (19): UNIQUE constraint failed: t.x, in `INSERT …`".
    public var description: String {
        var text = "SQLite error \(extendedCode) (\(code)): \(message)"
        if let sql {
            text += ", in `\(sql)`"
        }
        return text
    }
}

// MARK: - Matching

extension SQLiteError {
    /// Any constraint failure (`SQLITE_CONSTRAINT` and its extended codes).
    public var isConstraint: Bool { code == SQLITE_CONSTRAINT }

    /// A UNIQUE or PRIMARY KEY constraint failed (`SQLITE_CONSTRAINT_UNIQUE`, `_PRIMARYKEY`).
    public var isUniqueConstraint: Bool {
        extendedCode == Self.constraintUnique || extendedCode == Self.constraintPrimaryKey
    }

    /// A FOREIGN KEY constraint failed (`SQLITE_CONSTRAINT_FOREIGNKEY`).
    public var isForeignKeyConstraint: Bool { extendedCode == Self.constraintForeignKey }

    /// A NOT NULL constraint failed (`SQLITE_CONSTRAINT_NOTNULL`).
    public var isNotNullConstraint: Bool { extendedCode == Self.constraintNotNull }

    /// A CHECK constraint failed (`SQLITE_CONSTRAINT_CHECK`).
    public var isCheckConstraint: Bool { extendedCode == Self.constraintCheck }

    /// The database was locked by another connection for longer than the busy timeout (`SQLITE_BUSY`).
    public var isBusy: Bool { code == SQLITE_BUSY }

    /// The API was misused, e.g. a closed connection or pool was used (`SQLITE_MISUSE`).
    public var isMisuse: Bool { code == SQLITE_MISUSE }

    // Extended codes are `primary | (n << 8)`; these are the values of the sqlite3.h macros
    // (https://sqlite.org/rescode.html), spelled out because Swift imports only some of them.
    static let constraintCheck = SQLITE_CONSTRAINT | (1 << 8)
    static let constraintForeignKey = SQLITE_CONSTRAINT | (3 << 8)
    static let constraintNotNull = SQLITE_CONSTRAINT | (5 << 8)
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
}

// MARK: - Making errors from SQLite

extension SQLiteError {
    /// The error for result code `resultCode`, with the connection's message when it describes
    /// that failure, else SQLite's generic text for the code.
    init(resultCode: Int32, database: OpaquePointer?, sql: String?) {
        if let database, sqlite3_errcode(database) & 0xFF == resultCode & 0xFF {
            self.init(
                extendedCode: sqlite3_extended_errcode(database),
                message: String(cString: sqlite3_errmsg(database)),
                sql: sql
            )
        } else {
            self.init(extendedCode: resultCode, message: String(cString: sqlite3_errstr(resultCode)), sql: sql)
        }
    }

    /// `SQLITE_MISUSE` with our own message, for mistakes SQLite itself would not report clearly.
    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(extendedCode: SQLITE_MISUSE, message: message, sql: sql)
    }

    /// `SQLITE_ERROR` for a database file whose journal mode is not WAL.
    static func notInWALMode(_ mode: String?, sql: String) -> SQLiteError {
        SQLiteError(extendedCode: SQLITE_ERROR, message: "journal_mode is \(mode ?? "unknown"), not wal", sql: sql)
    }
}
