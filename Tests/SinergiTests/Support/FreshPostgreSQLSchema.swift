import HTTPTestSupport
import PostgreSQL

/// A schema of its own on the test server, for one test: connections to `url` work in it
/// (it is their search path), and `drop` removes it with everything in it.
struct FreshPostgreSQLSchema {
    let name: String
    let url: String
    private let admin: PGConnection

    init() throws {
        let server = PostgreSQLTestSettings.url!
        name = "test_\(UInt32.random(in: 0...UInt32.max))"
        admin = try PGConnection(url: server)
        try admin.execute("CREATE SCHEMA \(name)")
        url = server + (server.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)"
    }

    func drop() {
        try? admin.execute("DROP SCHEMA \(name) CASCADE")
    }
}
