import HTTPTestSupport
import PostgreSQL
import Testing

/// Connections and names for the PostgreSQL tests (`PostgreSQLTestSettings` says where).
enum PostgreSQLTestDatabase {
    static var url: String? { PostgreSQLTestSettings.url }
    static var isConfigured: ConditionTrait { PostgreSQLTestSettings.isConfigured }

    static func connect(statementTimeout: Duration? = nil) throws -> PGConnection {
        try PGConnection(url: url!, statementTimeout: statementTimeout)
    }

    /// A table name no other test uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }
}
