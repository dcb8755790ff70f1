import Foundation
public import Testing

/// The server the PostgreSQL tests run against: `SINERGI_TEST_POSTGRES_URL`, which
/// `.ci/with-postgres` sets to a database on a throw-away cluster. Without it those tests are
/// skipped, and say so.
public enum PostgreSQLTestSettings {
    public static let url = ProcessInfo.processInfo.environment["SINERGI_TEST_POSTGRES_URL"]

    /// Whether the application tests (SinergiTests) run on PostgreSQL instead of SQLite:
    /// `SINERGI_TEST_DATABASE=postgresql`, with `SINERGI_TEST_POSTGRES_URL` set. `.ci/run` runs
    /// the whole suite once each way.
    public static let isApplicationEngine: Bool = {
        guard ProcessInfo.processInfo.environment["SINERGI_TEST_DATABASE"] == "postgresql" else { return false }
        precondition(url != nil, "SINERGI_TEST_DATABASE=postgresql needs SINERGI_TEST_POSTGRES_URL (see .ci/with-postgres)")
        return true
    }()

    public static let isConfigured: ConditionTrait = .enabled(
        if: url != nil, "set SINERGI_TEST_POSTGRES_URL, or run under .ci/with-postgres (see README), for the PostgreSQL tests")
}
