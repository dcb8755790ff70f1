import Foundation
import HTTPTestSupport
import Logging
import Sinergi
import SQLite
import Synchronization
import Testing

/// Who may call what. The table grows with every domain: add a row per endpoint and role.
@Suite struct AccessTests {
    /// Keys of every role for one application.
    struct Keys {
        let admin: String
        let officer: String
        let partner: String
        let viewer: String

        init(_ application: Application, partnerOrganization: Int64) throws {
            admin = try application.issueKey(role: .admin, name: "admin")
            officer = try application.issueKey(role: .officer, name: "officer")
            partner = try application.issueKey(role: .partner, name: "partner", organizationID: partnerOrganization)
            viewer = try application.issueKey(role: .viewer, name: "viewer")
        }

        func header(_ role: Role?) -> [String: String] {
            switch role {
            case .admin?: ["Authorization": "Bearer \(admin)"]
            case .officer?: ["Authorization": "Bearer \(officer)"]
            case .partner?: ["Authorization": "Bearer \(partner)"]
            case .viewer?: ["Authorization": "Bearer \(viewer)"]
            case nil: [:]
            }
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let method: String
        let path: String
        /// Sent as is, except that `{n}` becomes the caller's position in `expected` (0 for no
        /// key … 4 for viewer): every role's call runs against the same application, so a body
        /// that must be unique (a NIB) differs per call.
        let body: String
        /// Expected status for no key, admin, officer, partner, viewer.
        let expected: [Int]
        var testDescription: String { "\(method) \(path)" }
    }

    static let table: [Row] = [
        Row(method: "GET", path: "/v1/api-keys", body: "", expected: [401, 200, 403, 403, 403]),
        Row(method: "POST", path: "/v1/api-keys", body: #"{"name":"n","role":"viewer"}"#, expected: [401, 201, 403, 403, 403]),
        Row(method: "DELETE", path: "/v1/api-keys/999999", body: "", expected: [401, 404, 403, 403, 403]),
        Row(method: "GET", path: "/v1/audit", body: "", expected: [401, 200, 403, 403, 403]),
        Row(method: "GET", path: "/v1/regions?level=province", body: "", expected: [401, 200, 200, 200, 200]),
        Row(method: "GET", path: "/v1/regions/35", body: "", expected: [401, 200, 200, 200, 200]),
        Row(method: "PUT", path: "/v1/regions/35/population", body: #"{"year":2026,"population":1}"#, expected: [401, 200, 200, 403, 403]),
        Row(method: "GET", path: "/v1/organizations", body: "", expected: [401, 200, 200, 200, 200]),
        Row(method: "GET", path: "/v1/organizations/1", body: "", expected: [401, 200, 200, 200, 200]),
        Row(method: "POST", path: "/v1/organizations", body: #"{"name":"n","kind":"other","region_code":"35"}"#, expected: [401, 201, 201, 403, 403]),
        Row(method: "PATCH", path: "/v1/organizations/1", body: #"{"name":"renamed"}"#, expected: [401, 200, 200, 403, 403]),
        Row(method: "GET", path: "/v1/employers", body: "", expected: [401, 200, 200, 200, 200]),
        Row(method: "GET", path: "/v1/employers/1", body: "", expected: [401, 200, 200, 200, 200]),
        Row(method: "POST", path: "/v1/employers", body: #"{"name":"n","nib":"350700000000{n}","region_code":"35","reported_employees":1}"#, expected: [401, 201, 201, 403, 403]),
        Row(method: "GET", path: "/healthz", body: "", expected: [200, 200, 200, 200, 200]),
    ]

    @Test("each role is allowed or refused as the table says", arguments: table)
    func roles(_ row: Row) async throws {
        try await withTestApplication { application, port in
            let organization = try seedOrganization(application)
            try seedEmployer(application)
            let keys = try Keys(application, partnerOrganization: organization)
            for (index, (role, expected)) in zip([nil, Role.admin, .officer, .partner, .viewer], row.expected).enumerated() {
                let body = row.body.replacingOccurrences(of: "{n}", with: String(index))
                let response = try RawClient(port: port).request(row.method, row.path, headers: keys.header(role), body: Array(body.utf8))
                #expect(response.status == expected, "\(row.method) \(row.path) as \(role?.rawValue ?? "nobody")")
                if response.status == 401 { #expect(response.header("WWW-Authenticate") == "Bearer") }
            }
        }
    }

    @Test("malformed and unknown credentials are 401", arguments: [
        "Bearer", "Bearer snrg_", "Bearer snrg_abcdefgh_wrong", "Basic YTpi", "Bearer snrg_ABCDEFGH_x", "bearer  ",
    ])
    func badCredentials(_ authorization: String) async throws {
        try await withTestApplication { _, port in
            let response = try RawClient(port: port).request("GET", "/v1/audit", headers: ["Authorization": authorization])
            #expect(response.status == 401)
            #expect(response.header("Content-Type") == "application/problem+json")
        }
    }

    @Test("a created key works at once, is shown once, stored only as a hash, and revocation counts from the next request")
    func keyLifecycle() async throws {
        try await withTestApplication { application, port in
            let admin = try application.issueKey(role: .admin, name: "bootstrap")
            let client = try RawClient(port: port)
            let auth = ["Authorization": "Bearer \(admin)"]
            let created = try client.request("POST", "/v1/api-keys", headers: auth, body: Array(#"{"name":"ops","role":"officer"}"#.utf8))
            #expect(created.status == 201)
            #expect(created.header("Cache-Control") == "no-store")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])
            let key = try #require(object["key"] as? String)
            let id = try #require(object["id"] as? Int)
            #expect(key.hasPrefix("snrg_\(object["key_id"] as? String ?? "?")_"))
            let secret = String(key.split(separator: "_", maxSplits: 2)[2])

            let officer = ["Authorization": "Bearer \(key)"]
            #expect(try client.request("GET", "/v1/audit", headers: officer).status == 403)  // known key, wrong role

            let list = try client.request("GET", "/v1/api-keys", headers: auth).text
            #expect(!list.contains(secret))
            #expect(list.contains(#""role":"officer""#))

            // Only a hash is stored: the secret's bytes are in neither the database nor its WAL.
            for suffix in ["", "-wal"] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: application.config.database + suffix))) ?? Data()
                #expect(bytes.range(of: Data(secret.utf8)) == nil)
            }

            #expect(try client.request("DELETE", "/v1/api-keys/\(id)", headers: auth).status == 204)
            #expect(try client.request("GET", "/v1/api-keys", headers: officer).status == 401)
            #expect(try client.request("DELETE", "/v1/api-keys/\(id)", headers: auth).status == 404)
        }
    }

    @Test("no key or secret appears in the log, whatever the requests")
    func secretsStayOutOfLogs() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        try await withTestApplication(logger: logger) { application, port in
            let admin = try application.issueKey(role: .admin, name: "a")
            let client = try RawClient(port: port)
            let created = try client.request(
                "POST", "/v1/api-keys?note=\(admin)", headers: ["Authorization": "Bearer \(admin)"],
                body: Array(#"{"name":"ops","role":"officer"}"#.utf8))
            let key = try #require((try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])?["key"] as? String)
            _ = try client.request("GET", "/v1/audit", headers: ["Authorization": "Bearer \(key)"])
            _ = try client.request("GET", "/v1/audit", headers: ["Authorization": "Bearer \(key)x"])
            for secret in [admin, key].map({ String($0.split(separator: "_", maxSplits: 2)[2]) }) {
                #expect(!store.text.contains(secret))
            }
        }
        #expect(store.text.contains(#"/v1/api-keys"#))  // the access lines were captured
    }

    @Test("partner keys need an organization; other roles may not have one; every bad field at once")
    func keyValidation() async throws {
        try await withTestApplication { application, port in
            let admin = ["Authorization": "Bearer \(try application.issueKey(role: .admin, name: "a"))"]
            let client = try RawClient(port: port)
            let missing = try client.request("POST", "/v1/api-keys", headers: admin, body: Array(#"{"name":"p","role":"partner"}"#.utf8))
            #expect(missing.status == 422)
            #expect(missing.text.contains(#""field":"organization_id""#))
            let many = try client.request("POST", "/v1/api-keys", headers: admin, body: Array(#"{"role":"root","client_cert_sha256":"xyz"}"#.utf8))
            #expect(many.status == 422)
            for field in ["name", "role", "client_cert_sha256"] { #expect(many.text.contains(#""field":"\#(field)""#)) }
            let unknown = try client.request(
                "POST", "/v1/api-keys", headers: admin, body: Array(#"{"name":"p","role":"partner","organization_id":424242}"#.utf8))
            #expect(unknown.status == 404)
            #expect(try client.request("POST", "/v1/api-keys", headers: admin, body: Array("{nope".utf8)).status == 400)
        }
    }

    @Test("the BPJS bridging signature is accepted within ±300 s for keys that allow it")
    func signatures() async throws {
        try await withTestApplication { application, port in
            let signing = try application.issueKey(role: .admin, name: "his", allowsSignature: true)
            let plain = try application.issueKey(role: .admin, name: "plain")
            func headers(_ key: String, offset: Int = 0, tamper: Bool = false) -> [String: String] {
                let parts = key.split(separator: "_", maxSplits: 2).map(String.init)
                let timestamp = String(Timestamp.epochSeconds() + offset)
                var signature = HMACForTests.sign(secret: parts[2], message: "\(parts[1])&\(timestamp)")
                if tamper { signature = "A" + signature.dropFirst() }
                return ["X-Cons-Id": parts[1], "X-Timestamp": timestamp, "X-Signature": signature]
            }
            let client = try RawClient(port: port)
            #expect(try client.request("GET", "/v1/audit", headers: headers(signing)).status == 200)
            #expect(try client.request("GET", "/v1/audit", headers: headers(signing, offset: -250)).status == 200)
            #expect(try client.request("GET", "/v1/audit", headers: headers(signing, offset: -330)).status == 401)
            #expect(try client.request("GET", "/v1/audit", headers: headers(signing, offset: 330)).status == 401)
            #expect(try client.request("GET", "/v1/audit", headers: headers(signing, tamper: true)).status == 401)
            #expect(try client.request("GET", "/v1/audit", headers: headers(plain)).status == 401)
            // Timestamps at the ends of Int must be refused, not overflow the window check.
            for extreme in ["-9223372036854775808", "9223372036854775807"] {
                var forged = headers(signing)
                forged["X-Timestamp"] = extreme
                #expect(try client.request("GET", "/v1/audit", headers: forged).status == 401)
            }
            #expect(try client.request("GET", "/v1/audit", headers: headers(signing)).status == 200)
        }
    }

    @Test("a key bound to a client certificate is refused without it")
    func certificateBinding() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificates = try TestCertificates(in: directory.url)
        let fingerprint = try TestCertificates.fingerprint(of: certificates.clientCertificate)
        try await withTestApplication(configure: { config in
            config.tlsCertificatePath = certificates.serverCertificate
            config.tlsKeyPath = certificates.serverKey
            config.tlsClientCAPath = certificates.caCertificate
            config.tlsClientAuthentication = "optional"
        }) { application, port in
            let bound = try application.issueKey(role: .admin, name: "his", clientCertificateSHA256: fingerprint)
            var withCertificate = RawClient.TLSOptions(caFile: certificates.caCertificate)
            withCertificate.certificate = certificates.clientCertificate
            withCertificate.key = certificates.clientKey
            let withoutCertificate = RawClient.TLSOptions(caFile: certificates.caCertificate)
            let auth = ["Authorization": "Bearer \(bound)"]
            #expect(try RawClient(port: port, tls: withoutCertificate).request("GET", "/v1/audit", headers: auth).status == 401)
            #expect(try RawClient(port: port, tls: withCertificate).request("GET", "/v1/audit", headers: auth).status == 200)
        }
    }

    @Test("over the rate limit a key gets 429 with Retry-After")
    func rateLimit() async throws {
        try await withTestApplication(configure: { $0.rateLimitPerSecond = 1; $0.rateLimitBurst = 3 }) { application, port in
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .admin, name: "a"))"]
            let client = try RawClient(port: port)
            for _ in 0..<3 { #expect(try client.request("GET", "/v1/audit", headers: auth).status == 200) }
            let limited = try client.request("GET", "/v1/audit", headers: auth)
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "1")
            // Another key has its own bucket.
            let other = ["Authorization": "Bearer \(try application.issueKey(role: .admin, name: "b"))"]
            #expect(try client.request("GET", "/v1/audit", headers: other).status == 200)
        }
    }

    @Test("CORS: preflight from an allowed origin is answered without a key; others get no CORS headers")
    func cors() async throws {
        try await withTestApplication(configure: { $0.corsAllowedOrigins = ["https://portal.pcnu.example"] }) { _, port in
            let client = try RawClient(port: port)
            let preflight = try client.request("OPTIONS", "/v1/audit", headers: [
                "Origin": "https://portal.pcnu.example", "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization"])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "https://portal.pcnu.example")
            #expect(preflight.header("Access-Control-Allow-Headers")?.contains("Authorization") == true)

            let refused = try client.request("GET", "/v1/audit", headers: ["Origin": "https://portal.pcnu.example"])
            #expect(refused.status == 401)
            #expect(refused.header("Access-Control-Allow-Origin") == "https://portal.pcnu.example")

            let stranger = try client.request("OPTIONS", "/v1/audit", headers: [
                "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"])
            #expect(stranger.header("Access-Control-Allow-Origin") == nil)
            #expect(stranger.header("X-Content-Type-Options") == "nosniff")
        }
    }
}

/// HMAC-SHA256 in base64, computed by the openssl command, independent of the server's code.
enum HMACForTests {
    static func sign(secret: String, message: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "printf '%s' \"$MESSAGE\" | openssl dgst -sha256 -mac HMAC -macopt key:\"$SECRET\" -binary | base64"]
        process.environment = ["MESSAGE": message, "SECRET": secret, "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// An organization row for partner keys, until the organizations endpoints exist.
func seedOrganization(_ application: Application, name: String = "PCNU Kabupaten Malang", parent: Int64? = nil) throws -> Int64 {
    try application.database.writeSync { connection in
        try connection.execute("INSERT OR IGNORE INTO regions (code, name, level) VALUES ('35', 'Jawa Timur', 'province')")
        return try connection.fetchOne("""
            INSERT INTO organizations (name, kind, parent_id, region_code, created_at, updated_at)
            VALUES (?, 'ormas', ?, '35', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id
            """, [.text(name), SQLiteValue(parent)]) { $0.int64(at: 0) }!
    }
}

/// An employer row in region 35 (seed the organization first), so `GET /v1/employers/1` has one to read.
func seedEmployer(_ application: Application) throws {
    try application.database.writeSync { connection in
        try connection.execute("""
            INSERT INTO employers (name, nib, region_code, reported_employees, created_at, updated_at)
            VALUES ('PT Sinar Malang', '3507999999999', '35', 10, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
            """)
    }
}
