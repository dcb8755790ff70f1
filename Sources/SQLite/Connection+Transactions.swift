extension Connection {
    /// Runs `body` in a write transaction: `BEGIN IMMEDIATE`, then `COMMIT` when it returns,
    /// or `ROLLBACK` and rethrow when it throws.
    ///
    /// IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a transaction
    /// that reads and then writes cannot fail with an unretryable `SQLITE_BUSY` halfway. If COMMIT
    /// fails, the transaction is rolled back and COMMIT's error thrown. Transactions do not nest:
    /// calling it inside another transaction throws.
    @discardableResult
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN IMMEDIATE", body)
    }

    /// Runs `body` in a read transaction (`BEGIN DEFERRED` … `COMMIT`), so all its queries see
    /// one snapshot of the database; rolls back and rethrows when it throws.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN DEFERRED", body)
    }

    private func transaction<T>(begin: String, _ body: (Connection) throws -> T) throws -> T {
        try execute(begin, [])
        let result: T
        do {
            result = try body(self)
        } catch {
            rollback()
            throw error
        }
        do {
            try execute("COMMIT", [])
        } catch {
            rollback()
            throw error
        }
        return result
    }

    /// Rolls back the open transaction, if any. Its own error is dropped: the caller is already
    /// throwing the error that matters, and some errors (SQLITE_FULL, SQLITE_IOERR, …) make
    /// SQLite roll back by itself, leaving no transaction to end.
    private func rollback() {
        guard isInTransaction else { return }
        _ = try? execute("ROLLBACK", [])
    }
}
