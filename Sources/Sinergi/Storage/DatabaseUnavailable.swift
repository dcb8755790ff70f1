internal import PostgreSQL
internal import SQLite

/// The answer when the database, not the request, is why a request failed: SQLite busy past
/// its timeout; on PostgreSQL a statement canceled by `database_statement_timeout_seconds`, a
/// connection lost (a restart, a failover), or a transaction that lost its serialization
/// conflict on every retry. A 503 the client may retry, never a 500.
enum DatabaseUnavailable {
    static func appError(for error: any Error) -> AppError? {
        if let error = error as? SQLiteError, error.isBusy {
            return .unavailable("The database is busy; try again.")
        }
        if let error = error as? PGError {
            if error.isQueryCanceled { return .unavailable("The database took too long to answer; try again.") }
            if error.isConnectionFailure { return .unavailable("The database connection was lost; try again.") }
            if error.isRetryable { return .unavailable("Concurrent changes conflicted; try again.") }
        }
        return nil
    }
}
