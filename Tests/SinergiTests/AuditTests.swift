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
                    try await application.database.write { connection in try connection.execute(sql) }
                    Issue.record("\(sql) was allowed")
                } catch let error as SQLiteError {
                    #expect(error.message.contains("append-only"))
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
            let count = try await application.database.read { connection in
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
}
