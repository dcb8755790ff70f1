import Foundation
import PostgreSQL
import Testing

/// The server the PostgreSQL tests run against: `SINERGI_TEST_POSTGRES_URL`, which `.ci/run`
/// sets to a throw-away cluster. Without it these tests are skipped, and say so.
enum PostgreSQLTestDatabase {
    static let url = ProcessInfo.processInfo.environment["SINERGI_TEST_POSTGRES_URL"]

    static let isConfigured: ConditionTrait = .enabled(
        if: url != nil, "set SINERGI_TEST_POSTGRES_URL (see README) to run the PostgreSQL tests")

    static func connect(statementTimeout: Duration? = nil) throws -> PGConnection {
        try PGConnection(url: url!, statementTimeout: statementTimeout)
    }

    /// A table name no other test uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }
}
