import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import SQLite
import Testing

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.json` on the real application.
@Suite struct OperationsTests {
    @Test("healthz answers 200 with JSON")
    func healthz() async throws {
        try await withTestApplication { _, port in
            let response = try RawClient(port: port).request("GET", "/healthz")
            #expect(response.status == 200)
            #expect(response.text == #"{"status":"ok"}"#)
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        }
    }

    @Test("readyz is 200 when migrated and 503 when the database has a migration the files do not")
    func readyz() async throws {
        try await withTestApplication { application, port in
            let client = try RawClient(port: port)
            #expect(try client.request("GET", "/readyz").status == 200)
            _ = try await application.store.write { connection in
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'future', 'x', 'now')")
            }
            let response = try client.request("GET", "/readyz")
            #expect(response.status == 503)
            #expect(response.header("Content-Type") == "application/problem+json")
        }
    }

    @Test("metrics count requests by route and status class and show open connections")
    func metrics() async throws {
        try await withTestApplication { _, port in
            let client = try RawClient(port: port)
            _ = try client.request("GET", "/healthz")
            _ = try client.request("GET", "/healthz")
            _ = try client.request("GET", "/no-such-thing")
            let text = try client.request("GET", "/metrics").text
            #expect(text.contains(#"http_requests_total{route="/healthz",status="2xx"} 2"#))
            #expect(text.contains(#"http_requests_total{route="-",status="4xx"} 1"#))
            #expect(text.contains(#"http_request_duration_seconds_count{route="/healthz"} 2"#))
            #expect(text.contains("http_open_connections 1"))
        }
    }

    @Test("openapi.json is the YAML contract as JSON")
    func openAPI() async throws {
        try await withTestApplication { _, port in
            let response = try RawClient(port: port).request("GET", "/openapi.json")
            #expect(response.status == 200)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            #expect((document["paths"] as? [String: Any])?["/healthz"] != nil)
        }
    }
}
