internal import Database
internal import SQLite

/// SQL for `idempotency_keys`.
enum IdempotencyRepository {
    /// A stored first request under a key.
    struct Record: Sendable {
        let requestHash: [UInt8]
        let isDone: Bool
        let status: Int
        let headers: String
        let sealedBody: [UInt8]
    }

    /// Takes `key` for a request that is about to run: inserts it as running, or takes over
    /// a row created before `expiredBefore` (the key is free again). True when this request
    /// now owns the key; one statement, so two racing requests cannot both own it.
    static func claim(
        apiKeyID: Int64, key: String, requestHash: [UInt8], now: Int, expiredBefore: Int, in connection: DatabaseConnection
    ) throws -> Bool {
        try connection.fetchOne("""
            INSERT INTO idempotency_keys (api_key_id, key, request_hash, state, created_at) VALUES (?, ?, ?, 'running', ?)
            ON CONFLICT (api_key_id, key) DO UPDATE SET
                request_hash = excluded.request_hash, state = 'running', status = NULL, headers = NULL, body_sealed = NULL,
                created_at = excluded.created_at
            WHERE idempotency_keys.created_at < ?
            RETURNING 1
            """,
            [.integer(apiKeyID), .text(key), .blob(requestHash), .integer(Int64(now)), .integer(Int64(expiredBefore))],
            map: { _ in true }) ?? false
    }

    static func find(apiKeyID: Int64, key: String, in connection: DatabaseConnection) throws -> Record? {
        try connection.fetchOne("""
            SELECT request_hash, state, status, headers, body_sealed FROM idempotency_keys WHERE api_key_id = ? AND key = ?
            """,
            [.integer(apiKeyID), .text(key)]
        ) { row in
            let state = try row.string("state")
            guard state == "running" || state == "done" else { throw RowError.unexpectedValue(column: "state") }
            return Record(
                requestHash: try row.blob("request_hash"), isDone: state == "done", status: Int(try row.optionalInt64("status") ?? 0),
                headers: try row.optionalString("headers") ?? "", sealedBody: try row.optionalBlob("body_sealed") ?? [])
        }
    }

    /// Stores the response of the request that owns the key.
    static func complete(
        apiKeyID: Int64, key: String, status: Int, headers: String, sealedBody: [UInt8], in connection: DatabaseConnection
    ) throws {
        _ = try connection.execute("""
            UPDATE idempotency_keys SET state = 'done', status = ?, headers = ?, body_sealed = ?
            WHERE api_key_id = ? AND key = ? AND state = 'running'
            """,
            [.integer(Int64(status)), .text(headers), .blob(sealedBody), .integer(apiKeyID), .text(key)])
    }

    /// Frees a key whose request failed without an answer worth repeating (a 5xx).
    static func release(apiKeyID: Int64, key: String, in connection: DatabaseConnection) throws {
        _ = try connection.execute(
            "DELETE FROM idempotency_keys WHERE api_key_id = ? AND key = ? AND state = 'running'", [.integer(apiKeyID), .text(key)])
    }

    /// Deletes keys created before `expiredBefore`.
    static func purge(expiredBefore: Int, in connection: DatabaseConnection) throws {
        _ = try connection.execute("DELETE FROM idempotency_keys WHERE created_at < ?", [.integer(Int64(expiredBefore))])
    }
}
