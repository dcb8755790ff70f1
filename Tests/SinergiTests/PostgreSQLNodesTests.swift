import Foundation
import HTTPTestSupport
import PostgreSQL
import Testing

/// Three `sinergi serve` processes on one PostgreSQL database, as a deployment past one machine
/// runs them behind a proxy: what one node decides, the others see from the next request on.
@Suite(PostgreSQLTestSettings.isConfigured)
struct PostgreSQLNodesTests {
    @Test("three nodes: one NIK registered 100 times at once is one 201 and 99 409s; a key revoked on one is refused by the others; an Idempotency-Key replays on another node; no 500")
    func threeNodes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let schema = try directory.postgreSQLSchema()
        var environment = try CLITests.paths(directory)
        environment["SINERGI_DATABASE"] = schema.url
        environment["SINERGI_DATA_KEY"] = schema.dataKey
        environment["SINERGI_LOAD_REGIONS"] = "false"
        environment["SINERGI_DATABASE_POOL_SIZE"] = "4"
        environment["SINERGI_RATE_LIMIT"] = "100000"
        environment["SINERGI_RATE_LIMIT_BURST"] = "100000"

        // Started at once, so their migrations meet on the advisory lock.
        let nodes = try await withThrowingTaskGroup(of: Node.self) { [environment] group in
            for _ in 0..<3 {
                group.addTask {
                    let (process, _, port) = try CLITests.startServer(["serve", "--port", "0"], environment: environment, in: directory)
                    return Node(process: process, port: port)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        defer { for node in nodes where node.process.isRunning { node.process.terminate() } }
        let ports = nodes.map(\.port)
        #expect(ports.count == 3)

        let seed = try PGConnection(url: schema.url)
        for (code, level, parent) in [("35", "province", nil), ("3507", "regency", "35")] as [(String, String, String?)] {
            _ = try seed.execute("INSERT INTO regions (code, name, level, parent_code) VALUES ($1, $2, $3, $4)",
                                 [.text(code), .text("R\(code)"), .text(level), PGValue(parent)])
        }
        seed.close()
        let created = try CLITests.run(["keys", "create", "--role", "admin", "--name", "ops"], environment: environment, in: directory)
        #expect(created.status == 0, "\(created.stderr)")
        let admin = ["Authorization": "Bearer \(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines))"]
        var statuses: [Int] = []

        // 100 registrations of one NIK: every connection opened and every request sent before
        // any answer is read, a third of them on each node.
        let body = MemberFixtures.body(nik: MemberFixtures.nik(serial: 1))
        let head = "POST /v1/members HTTP/1.1\r\nHost: 127.0.0.1\r\n\(admin.map { "\($0.key): \($0.value)" }[0])\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let clients = try (0..<100).map { try RawClient(port: ports[$0 % 3], timeout: .seconds(30)) }
        for client in clients { try client.send(Array(head.utf8) + body) }
        let registrations = try clients.map { try $0.readResponse().status }
        statuses += registrations
        #expect(registrations.filter { $0 == 201 }.count == 1)
        #expect(registrations.filter { $0 == 409 }.count == 99)

        let node = try ports.map { try RawClient(port: $0) }
        // A key made and revoked through the first node.
        let made = try node[0].request("POST", "/v1/api-keys", headers: admin, body: Array(#"{"role":"officer","name":"field"}"#.utf8))
        statuses.append(made.status)
        #expect(made.status == 201, "\(made.text)")
        let key = try #require(try MemberFixtures.object(made)["key"] as? String)
        let id = try #require(try MemberFixtures.object(made)["id"] as? Int)
        let officer = ["Authorization": "Bearer \(key)"]
        for client in node {
            let answer = try client.request("GET", "/v1/members", headers: officer)
            statuses.append(answer.status)
            #expect(answer.status == 200)
        }
        let revoked = try node[0].request("DELETE", "/v1/api-keys/\(id)", headers: admin)
        statuses.append(revoked.status)
        #expect(revoked.status == 204)
        for client in node {
            let answer = try client.request("GET", "/v1/members", headers: officer)
            statuses.append(answer.status)
            #expect(answer.status == 401)
        }

        // An Idempotency-Key sent to the first node, then replayed to the others.
        var once = admin
        once["Idempotency-Key"] = "nodes-\(UUID().uuidString)"
        let organization = Array(#"{"name":"PCNU Kabupaten Malang","kind":"ormas","region_code":"3507"}"#.utf8)
        let first = try node[0].request("POST", "/v1/organizations", headers: once, body: organization)
        statuses.append(first.status)
        #expect(first.status == 201, "\(first.text)")
        for client in node.dropFirst() {
            let replay = try client.request("POST", "/v1/organizations", headers: once, body: organization)
            statuses.append(replay.status)
            #expect(replay.status == first.status)
            #expect(replay.body == first.body)
            #expect(replay.header("Idempotent-Replayed") == "true")
        }
        let count = try node[2].request("GET", "/v1/organizations", headers: admin)
        #expect((try MemberFixtures.object(count)["data"] as? [Any])?.count == 1)

        #expect(!statuses.contains { $0 >= 500 }, "\(statuses.filter { $0 >= 500 })")
        for node in nodes {
            kill(node.process.processIdentifier, SIGTERM)
            node.process.waitUntilExit()
            #expect(node.process.terminationStatus == 0)
        }
    }

    /// A started `serve` process; each is used by one task at a time.
    struct Node: @unchecked Sendable {
        let process: Process
        let port: Int
    }
}
