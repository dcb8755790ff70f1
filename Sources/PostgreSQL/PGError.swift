/// A failed PostgreSQL call: its SQLSTATE, the server's message and the SQL text, never
/// bound values.
///
/// Match on `sqlState` (through `isUniqueViolation`, …), not on `message`, which the server
/// words in its own language and may reword.
public struct PGError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The five-character SQLSTATE, such as "23505" (unique_violation); "08006" when the
    /// connection failed and the server sent none.
    public let sqlState: String
    /// The primary message.
    public let message: String
    /// The name of the constraint that failed, when one did.
    public let constraint: String?
    /// The table of that constraint, when the server names one.
    public let table: String?
    /// The SQL text being run, if any; it never contains bound values.
    public let sql: String?

    public init(sqlState: String, message: String, constraint: String? = nil, table: String? = nil, sql: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.constraint = constraint
        self.table = table
        self.sql = sql
    }

    /// "PostgreSQL error 23505: duplicate key value violates unique constraint …, in `INSERT …`".
    /// The server's DETAIL line is left out on purpose: it quotes the offending values.
    public var description: String {
        var text = "PostgreSQL error \(sqlState): \(message)"
        if let sql { text += ", in `\(sql)`" }
        return text
    }
}

// MARK: - Matching (https://www.postgresql.org/docs/current/errcodes-appendix.html)

extension PGError {
    /// Any integrity constraint violation (class 23).
    public var isConstraint: Bool { sqlState.hasPrefix("23") }
    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    public var isNotNullViolation: Bool { sqlState == "23502" }
    /// A serializable transaction lost to a concurrent one; running it again may succeed.
    public var isSerializationFailure: Bool { sqlState == "40001" }
    /// The server broke a deadlock by failing this transaction; running it again may succeed.
    public var isDeadlock: Bool { sqlState == "40P01" }
    /// Worth running the whole transaction again: a serialization failure or a deadlock.
    public var isRetryable: Bool { isSerializationFailure || isDeadlock }
    /// `statement_timeout` (or a cancel) stopped the statement.
    public var isQueryCanceled: Bool { sqlState == "57014" }
    /// The connection is gone or could not be made (class 08).
    public var isConnectionFailure: Bool { sqlState.hasPrefix("08") }
    /// The wrapper was used wrongly, e.g. a closed pool.
    public var isMisuse: Bool { sqlState == Self.misuseState }

    /// Not a server state: PostgreSQL's own codes are digits and upper-case letters.
    static let misuseState = "misuse"

    static func misuse(_ message: String, sql: String? = nil) -> PGError {
        PGError(sqlState: misuseState, message: message, sql: sql)
    }
}
