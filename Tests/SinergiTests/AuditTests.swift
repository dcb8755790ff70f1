import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import SQLite
import Testing

/// The audit log: append-only, filtered, and committed in groups without answering early.
@Suite struct AuditTests {
    @Test("the audit table refuses UPDATE and DELETE")
    func appendOnly() async throws {
        try await withTestApplication { application, _ in
            _ = try application.issueKey(role: .admin, name: "a")
            for sql in ["UPDATE audit_log SET role = 'x'", "DELETE FROM audit_log"] {
                do {
                    _ = try await application.store.write { connection in try connection.execute(sql) }
                    Issue.record("\(sql) was allowed")
                } catch {
                    #expect("\(error)".contains("append-only"))
                }
            }
        }
    }

    @Test("reads recorded concurrently are all stored, in fewer transactions than records")
    func groupCommit() async throws {
        try await withTestApplication { application, _ in
            let principal = Principal(apiKeyID: 1, keyID: "abcdefgh", role: .officer, organizationID: nil)
            let before = application.audit.commitCount
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<500 {
                    group.addTask {
                        try await application.audit.record(AuditEntry(
                            principal: principal, action: "read", resourceType: "member", resourceID: String(index), requestID: "r\(index)"))
                    }
                }
                try await group.waitForAll()
            }
            // Each record() returned, so each row must already be committed.
            let count = try await application.store.read { connection in
                try connection.fetchOne("SELECT count(*) FROM audit_log WHERE resource_type = 'member'") { $0.int64(at: 0) }
            }
            #expect(count == 500)
            let commits = application.audit.commitCount - before
            #expect(commits >= 1 && commits < 500)
        }
    }

    @Test("GET /v1/audit filters by actor, resource and time, newest first, with cursor pages")
    func listing() async throws {
        try await withTestApplication { application, port in
            let admin = try application.issueKey(role: .admin, name: "a")
            let auth = ["Authorization": "Bearer \(admin)"]
            let client = try RawClient(port: port)
            for name in ["k1", "k2", "k3"] {
                #expect(try client.request("POST", "/v1/api-keys", headers: auth, body: Array(#"{"name":"\#(name)","role":"viewer"}"#.utf8)).status == 201)
            }
            let first = try client.request("GET", "/v1/audit?resource=api_key&limit=2", headers: auth)
            let page = try #require(try JSONSerialization.jsonObject(with: Data(first.body)) as? [String: Any])
            let rows = try #require(page["data"] as? [[String: Any]])
            #expect(rows.count == 2)
            let ids = rows.compactMap { $0["id"] as? Int }
            #expect(ids == ids.sorted(by: >))
            let cursor = try #require(page["next_cursor"] as? String)
            let second = try client.request("GET", "/v1/audit?resource=api_key&limit=2&cursor=\(cursor)", headers: auth)
            let rest = try #require((try JSONSerialization.jsonObject(with: Data(second.body)) as? [String: Any])?["data"] as? [[String: Any]])
            #expect(rest.count == 2)  // three through the API and the bootstrap key
            #expect(Set(rest.compactMap { $0["id"] as? Int }).isDisjoint(with: ids))

            let future = try client.request("GET", "/v1/audit?from=2999-01-01", headers: auth).text
            #expect(future.contains(#""data":[]"#))
            #expect(try client.request("GET", "/v1/audit?from=yesterday", headers: auth).status == 422)
            #expect(try client.request("GET", "/v1/audit?cursor=nope", headers: auth).status == 422)
            #expect(try client.request("GET", "/v1/audit?limit=501", headers: auth).status == 422)
        }
    }

    @Test("from and to are real dates or UTC times that exist, every bad parameter in one 422", arguments: [
        ("from=2025-13-45&to=2025-02-30&actor=me", ["actor:invalid_format", "from:invalid_format", "to:invalid_format"]),
        ("from=2025-10-09T24:00:00Z", ["from:invalid_format"]),
        ("from=2025-10-09T23:60:00Z", ["from:invalid_format"]),
        ("to=2025-10-09T23:59:60Z", ["to:invalid_format"]),
        ("to=2025-10-09T03:00:00+07:00", ["to:invalid_format"]),
        ("from=2025-02-29", ["from:invalid_format"]),
        ("from=yesterday&limit=0&cursor=nope", ["limit:out_of_range", "cursor:invalid_format", "from:invalid_format"]),
        ("actor=0&resource=:42", ["actor:invalid_format", "resource:invalid_format"]),
        ("resource=member:", ["resource:invalid_format"]),
        ("from=2025-10-10&to=2025-10-09", ["to:out_of_range"]),
        ("since=2025-10-09&actr=1", ["actr:unknown_parameter", "since:unknown_parameter"]),
    ])
    func badParameters(query: String, expected: [String]) async throws {
        try await withTestApplication { application, port in
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .admin, name: "a"))"]
            let response = try RawClient(port: port).request("GET", "/v1/audit?\(query)", headers: auth)
            #expect(response.status == 422)
            #expect(try MemberFixtures.errorCodes(response) == expected)
        }
    }

    @Test("to is inclusive for a date (its whole day) and exclusive for a time; from is inclusive")
    func timeBounds() async throws {
        try await withTestApplication { application, port in
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .admin, name: "a"))"]
            let principal = Principal(apiKeyID: 1, keyID: "abcdefgh", role: .officer, organizationID: nil)
            try await application.store.write { connection in
                for (index, time) in ["2024-02-28T23:59:59Z", "2024-02-29T00:00:00Z", "2024-02-29T12:00:00Z", "2024-02-29T23:59:59Z", "2024-03-01T00:00:00Z"].enumerated() {
                    try AuditRepository.insert(
                        connection, AuditEntry(principal: principal, action: "read", resourceType: "member", resourceID: String(index), requestID: "r"),
                        at: time)
                }
            }
            let client = try RawClient(port: port)
            func ids(_ query: String) throws -> [String] {
                let response = try client.request("GET", "/v1/audit?resource=member&\(query)", headers: auth)
                #expect(response.status == 200, "\(query): \(response.text)")
                let rows = try MemberFixtures.object(response)["data"] as? [[String: Any]] ?? []
                return rows.compactMap { $0["resource_id"] as? String }.reversed()
            }
            #expect(try ids("from=2024-02-29&to=2024-02-29") == ["1", "2", "3"])
            #expect(try ids("to=2024-02-28") == ["0"])
            #expect(try ids("from=2024-02-29T12:00:00Z&to=2024-03-01T00:00:00Z") == ["2", "3"])
            #expect(try ids("from=2024-03-01") == ["4"])
            #expect(try ids("from=2024-02-29T23:59:59Z&to=9999-12-31") == ["3", "4"])
            #expect(try ids("from=1900-01-01&to=2024-02-29T00:00:00Z") == ["0"])
        }
    }
}
