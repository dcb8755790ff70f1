import HTTPTestSupport
import PostgreSQL

/// A schema of its own on the test server, for one test: pools made by `pool` work in it (as
/// their search path), and `drop` removes it with everything in it.
enum FreshPostgreSQLSchema {
    static func make(size: Int = 1) throws -> (pool: @Sendable () throws -> PGPool, drop: () -> Void) {
        let url = PostgreSQLTestSettings.url!
        let schema = "test_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PGConnection(url: url)
        try admin.execute("CREATE SCHEMA \(schema)")
        let scoped = url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
        return ({ try PGPool(url: scoped, size: size) }, { try? admin.execute("DROP SCHEMA \(schema) CASCADE") })
    }
}
