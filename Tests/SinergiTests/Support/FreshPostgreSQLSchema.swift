import Foundation
import HTTPTestSupport
import PostgreSQL

/// A schema of its own on the test server, for one test: connections to `url` work in it
/// (it is their search path), and `drop` removes it with everything in it.
struct FreshPostgreSQLSchema: Sendable {
    let name: String
    let url: String
    /// A data key for applications on this schema (PostgreSQL needs one given): base64.
    let dataKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    private let server: String

    init() throws {
        server = PostgreSQLTestSettings.url!
        name = "test_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PGConnection(url: server)
        defer { admin.close() }
        try admin.execute("CREATE SCHEMA \(name)")
        url = server + (server.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)"
    }

    func drop() {
        guard let admin = try? PGConnection(url: server) else { return }
        defer { admin.close() }
        try? admin.execute("DROP SCHEMA \(name) CASCADE")
    }
}
