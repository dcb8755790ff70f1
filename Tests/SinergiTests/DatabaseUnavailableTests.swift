import Foundation
import HTTPTestSupport
import PostgreSQL
@testable import Sinergi
import SQLite
import Testing

/// When the database, not the request, is why a request failed, the answer is a 503 the
/// client may retry, never a 500.
@Suite struct DatabaseUnavailableTests {
    @Test("busy, cancelled, disconnected and lost conflicts are 503; constraint failures and others are not this")
    func mapping() {
        let unavailable: [any Error] = [
            SQLiteError(extendedCode: 5, message: "database is locked"),
            PGError(sqlState: "57014", message: "canceling statement due to statement timeout"),
            PGError(sqlState: "08006", message: "server closed the connection unexpectedly"),
            PGError(sqlState: "40001", message: "could not serialize access"),
            PGError(sqlState: "40P01", message: "deadlock detected"),
        ]
        for error in unavailable {
            guard case .unavailable? = DatabaseUnavailable.appError(for: error) else {
                Issue.record("\(error) is not a 503")
                continue
            }
        }
        #expect(DatabaseUnavailable.appError(for: PGError(sqlState: "23505", message: "duplicate key")) == nil)
        #expect(DatabaseUnavailable.appError(for: SQLiteError(extendedCode: 19, message: "constraint failed")) == nil)
        #expect(DatabaseUnavailable.appError(for: CocoaError(.fileReadCorruptFile)) == nil)
    }

    @Test("on PostgreSQL a statement past database_statement_timeout_seconds is cancelled: 503, and the next request is served",
          PostgreSQLTestSettings.isConfigured)
    func statementTimeout() async throws {
        let schema = try FreshPostgreSQLSchema()
        defer { schema.drop() }
        try await withTestApplication(configure: { config in
            config.database = schema.url
            config.dataKey = schema.dataKey
            config.databaseStatementTimeoutSeconds = 0.2
        }) { application, port in
            let officer = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let client = try RawClient(port: port)
            // Another session holds the table, so the member read waits until it is cancelled.
            let holder = try PGConnection(url: schema.url)
            defer { holder.close() }
            try holder.execute("BEGIN")
            try holder.execute("LOCK TABLE members IN ACCESS EXCLUSIVE MODE")
            let waited = try client.request("GET", "/v1/members/1", headers: officer)
            #expect(waited.status == 503, "\(waited.text)")
            #expect(waited.text.contains("took too long"))
            try holder.execute("ROLLBACK")
            #expect(try client.request("GET", "/v1/members/1", headers: officer).status == 404)
        }
    }
}
