import Foundation
public import Testing

/// The server the PostgreSQL tests run against: `SINERGI_TEST_POSTGRES_URL`, which
/// `.ci/with-postgres` sets to a database on a throw-away cluster. Without it those tests are
/// skipped, and say so.
public enum PostgreSQLTestSettings {
    public static let url = ProcessInfo.processInfo.environment["SINERGI_TEST_POSTGRES_URL"]

    public static let isConfigured: ConditionTrait = .enabled(
        if: url != nil, "set SINERGI_TEST_POSTGRES_URL, or run under .ci/with-postgres (see README), for the PostgreSQL tests")
}
