import Database
import Foundation
import HTTPServer
import HTTPTestSupport
import Logging
@testable import Sinergi
import SQLite
import Testing

/// The conventions of API.md that hold on every endpoint: Idempotency-Key on POST (kept in
/// the database), If-Match on PATCH, content negotiation, one 422 naming every bad field,
/// unknown parameters and fields refused, and constraints deciding races.
@Suite struct ConventionTests {
    static let organization = #"{"name":"PCNU Kabupaten Malang","kind":"ormas","region_code":"3507"}"#

    /// An application on the database in `directory`, started; the caller stops it.
    static func start(_ directory: TemporaryDirectory) throws -> (Application, Int) {
        let application = try Application(
            config: testConfig(in: directory), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        return (application, try application.start())
    }

    static func stop(_ application: Application) async {
        application.shutdown()
        await application.waitUntilStopped()
    }

    static func post(_ port: Int, _ path: String, key: String, idempotencyKey: String?, body: String) throws -> RawClient.Response {
        var headers = ["Authorization": "Bearer \(key)"]
        if let idempotencyKey { headers["Idempotency-Key"] = idempotencyKey }
        return try RawClient(port: port).request("POST", path, headers: headers, body: Array(body.utf8))
    }

    @Test("a retried POST with the same Idempotency-Key answers the first response, after a restart and from a second process")
    func idempotentReplay() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var (first, port) = try Self.start(directory)
        try MemberFixtures.seedRegions(first)
        let key = try first.issueKey(role: .officer, name: "officer")
        let created = try Self.post(port, "/v1/organizations", key: key, idempotencyKey: "k-1", body: Self.organization)
        #expect(created.status == 201)
        #expect(created.header("Idempotent-Replayed") == nil)
        let again = try Self.post(port, "/v1/organizations", key: key, idempotencyKey: "k-1", body: Self.organization)
        #expect(again.status == 201)
        #expect(again.body == created.body)
        #expect(again.header("Location") == created.header("Location"))
        #expect(again.header("Idempotent-Replayed") == "true")

        // A second process on the same database sees the key while the first runs.
        let (second, secondPort) = try Self.start(directory)
        let fromSecond = try Self.post(secondPort, "/v1/organizations", key: key, idempotencyKey: "k-1", body: Self.organization)
        #expect(fromSecond.status == 201)
        #expect(fromSecond.body == created.body)
        await Self.stop(second)

        // And after a restart.
        await Self.stop(first)
        (first, port) = try Self.start(directory)
        let afterRestart = try Self.post(port, "/v1/organizations", key: key, idempotencyKey: "k-1", body: Self.organization)
        #expect(afterRestart.status == 201)
        #expect(afterRestart.body == created.body)

        // The same key with another body is refused; another key creates another row.
        let otherBody = try Self.post(port, "/v1/organizations", key: key, idempotencyKey: "k-1", body: Self.organization.replacingOccurrences(of: "Kabupaten", with: "Kota"))
        #expect(otherBody.status == 422)
        #expect(try MemberFixtures.object(otherBody)["type"] as? String == "/problems/idempotency-key-reused")
        let otherKey = try Self.post(port, "/v1/organizations", key: key, idempotencyKey: "k-2", body: Self.organization)
        #expect(otherKey.status == 201)
        #expect(otherKey.body != created.body)
        let list = try RawClient(port: port).request("GET", "/v1/organizations", headers: ["Authorization": "Bearer \(key)"])
        #expect((try MemberFixtures.object(list)["data"] as? [Any])?.count == 2)
        await Self.stop(first)
    }

    /// A body for every POST route, by pattern; `{member}` is a registered member's id. A POST
    /// route without one fails `everyPOSTReplays`.
    static let postBodies: [String: (path: String, body: String)] = [
        "/v1/api-keys": ("/v1/api-keys", #"{"name":"portal","role":"viewer"}"#),
        "/v1/organizations": ("/v1/organizations", organization),
        "/v1/employers": ("/v1/employers", #"{"name":"PT Sinar","nib":"3507000000001","region_code":"3507","reported_employees":5}"#),
        "/v1/members": ("/v1/members", String(decoding: MemberFixtures.body(nik: MemberFixtures.nik(serial: 9), family: "3507010101200009"), as: UTF8.self)),
        "/v1/members/validate": ("/v1/members/validate", #"{"items":[{"nik":"3507011010810001"}]}"#),
        "/v1/members/{id}/status": ("/v1/members/{member}/status", #"{"status":"deactivated","reason":"deceased"}"#),
        "/v1/imports": ("/v1/imports", ImportTests.header + "\n" + ImportTests.row(MemberFixtures.nik(serial: 8), family: "3507010101200008") + "\n"),
        "/v1/schemes": ("/v1/schemes", #"{"name":"SSI","region_code":"3507","class":3,"starts_on":"2026-01-01","quota":5,"funders":[{"organization_id":{organization},"share_bp":10000}]}"#),
        "/v1/schemes/{id}/beneficiaries": ("/v1/schemes/{scheme}/beneficiaries", #"{"member_ids":[{beneficiary}]}"#),
        "/v1/schemes/{id}/billing-runs": ("/v1/schemes/{scheme}/billing-runs", #"{"period":"2026-01"}"#),
        "/v1/invoices/{id}/payments": ("/v1/invoices/{invoice}/payments", #"{"amount_idr":100,"paid_on":"2026-01-15","reference":"TRF-1"}"#),
        "/v1/facilities": ("/v1/facilities", #"{"name":"Klinik NU","kind":"clinic_primary","level":"primary","region_code":"3507","address":"Jl. 1"}"#),
        "/v1/facilities/{id}/transitions": ("/v1/facilities/{facility}/transitions", #"{"to":"applied","note":"berkas lengkap"}"#),
        "/v1/facilities/{id}/visits": ("/v1/facilities/{facility}/visits", #"{"visited_on":"2026-01-10","officer":"dr. Rina","scores":{"staff":70}}"#),
        "/v1/facilities/{id}/follow-ups/{follow_up_id}/completion": ("/v1/facilities/{facility}/follow-ups/{followUp}/completion", "{}"),
        "/v1/members/{id}/payments": (
            "/v1/members/{payer}/payments",
            #"{"period":"2026-01","amount_idr":35000,"source":"participant","paid_on":"2026-01-15","reference":"TRF-1"}"#),
    ]

    @Test("every POST route answers a retry with the same Idempotency-Key with its first response")
    func everyPOSTReplays() async throws {
        try await MemberTests.withRegistry { application, port, members in
            let admin = try application.issueKey(role: .admin, name: "admin")
            let member = try members.create(nik: MemberFixtures.nik(serial: 1))
            // A BP member pays from registration (a new PBPU member only after 14 days). A scheme
            // whose March invoice (for `funded`) takes payments, and takes `beneficiary` next.
            let payer = try members.create(nik: MemberFixtures.nik(serial: 2), family: "3507010101200002", ["segment": #""BP""#])
            let beneficiary = try members.create(nik: MemberFixtures.nik(serial: 3), family: "3507010101200003")
            let funded = try members.create(nik: MemberFixtures.nik(serial: 4), family: "3507010101200004")
            let organization = try seedOrganization(application)
            let scheme = try MemberFixtures.object(try Self.post(
                port, "/v1/schemes", key: admin, idempotencyKey: nil,
                body: #"{"name":"S","region_code":"35","class":3,"starts_on":"2026-01-01","quota":5,"funders":[{"organization_id":\#(organization),"share_bp":10000}]}"#))["id"] as? Int
            _ = try Self.post(port, "/v1/schemes/\(try #require(scheme))/beneficiaries", key: admin, idempotencyKey: nil, body: #"{"member_ids":[\#(funded)]}"#)
            let run = try Self.post(port, "/v1/schemes/\(try #require(scheme))/billing-runs", key: admin, idempotencyKey: nil, body: #"{"period":"2026-03"}"#)
            let invoice = try #require((try MemberFixtures.object(run)["invoices"] as? [[String: Any]])?.first?["id"] as? Int)
            let facility = try MemberFixtures.object(try Self.post(
                port, "/v1/facilities", key: admin, idempotencyKey: nil,
                body: #"{"name":"Klinik","kind":"clinic_primary","level":"primary","region_code":"3507","address":"Jl. 2"}"#))["id"] as? Int
            let followUp = try seedFollowUp(application, facility: Int64(try #require(facility)))
            let placeholders = [
                "{facility}": try #require(facility), "{followUp}": Int(followUp),
                "{member}": member, "{payer}": payer, "{beneficiary}": beneficiary, "{organization}": Int(organization), "{scheme}": try #require(scheme), "{invoice}": invoice,
            ]
            func filled(_ text: String) -> String {
                placeholders.reduce(text) { $0.replacingOccurrences(of: $1.key, with: String($1.value)) }
            }
            for route in application.routeAccess where route.method == .post {
                guard let (path, template) = Self.postBodies[route.pattern] else {
                    Issue.record("POST \(route.pattern) has no body in ConventionTests.postBodies")
                    continue
                }
                let (target, body) = (filled(path), filled(template))
                let first = try Self.post(port, target, key: admin, idempotencyKey: "every-\(route.pattern)", body: body)
                #expect((200..<300).contains(first.status), "POST \(route.pattern): \(first.text)")
                let again = try Self.post(port, target, key: admin, idempotencyKey: "every-\(route.pattern)", body: body)
                #expect(again.status == first.status && again.body == first.body, "POST \(route.pattern)")
                #expect(again.header("Idempotent-Replayed") == "true", "POST \(route.pattern)")
                let other = try Self.post(port, target, key: admin, idempotencyKey: "every-\(route.pattern)", body: body + " ")
                #expect(other.status == 422, "POST \(route.pattern) with another body")
            }
        }
    }

    @Test("a retried registration answers its 201, not a duplicate 409; a key still running is 409; a bad key is 422")
    func idempotentRegistration() async throws {
        try await MemberTests.withRegistry { application, port, members in
            let key = try #require(members.auth["Authorization"]).replacingOccurrences(of: "Bearer ", with: "")
            let body = String(decoding: MemberFixtures.body(nik: MemberFixtures.nik(serial: 1)), as: UTF8.self)
            let first = try Self.post(port, "/v1/members", key: key, idempotencyKey: "reg-1", body: body)
            #expect(first.status == 201)
            let retry = try Self.post(port, "/v1/members", key: key, idempotencyKey: "reg-1", body: body)
            #expect(retry.status == 201)
            #expect(retry.body == first.body)
            #expect(try Self.post(port, "/v1/members", key: key, idempotencyKey: nil, body: body).status == 409)
            #expect(try Self.post(port, "/v1/members", key: key, idempotencyKey: String(repeating: "x", count: 256), body: body).status == 422)

            // A key whose first request is still running (its row taken, no answer stored yet).
            let request = Request(method: .post, path: "/v1/members", body: Array(body.utf8))
            let hash = IdempotencyStore.hash(request, protection: application.protection)
            let apiKeyID = try #require(try application.store.writeSync { connection in
                try connection.fetchOne("SELECT id FROM api_keys WHERE name = 'officer'") { $0.int64(at: 0) }
            })
            try application.store.writeSync { connection in
                _ = try connection.execute(
                    "INSERT INTO idempotency_keys (api_key_id, key, request_hash, state, created_at) VALUES (?, 'running-1', ?, 'running', ?)",
                    [.integer(apiKeyID), .blob(hash), .integer(Int64(Date().timeIntervalSince1970))])
            }
            let running = try Self.post(port, "/v1/members", key: key, idempotencyKey: "running-1", body: body)
            #expect(running.status == 409)
            #expect(try MemberFixtures.object(running)["type"] as? String == "/problems/idempotency-key-in-flight")
        }
    }

    @Test("the audit log records the server's request id; a client's X-Request-Id is echoed, not recorded")
    func requestIDs() async throws {
        try await MemberTests.withRegistry { application, _, members in
            let id = try members.create(nik: MemberFixtures.nik(serial: 1))
            let read = try members.client.request(
                "GET", "/v1/members/\(id)", headers: members.auth.merging(["X-Request-Id": "portal-42"]) { $1 })
            #expect(read.header("X-Request-Id") == "portal-42")
            let admin = try application.issueKey(role: .admin, name: "admin")
            let audit = try members.client.request("GET", "/v1/audit?resource=member:\(id)", headers: ["Authorization": "Bearer \(admin)"])
            let records = try #require(try MemberFixtures.object(audit)["data"] as? [[String: Any]])
            let reads = records.filter { $0["action"] as? String == "read" }
            #expect(reads.count == 1)
            let recorded = try #require(reads.first?["request_id"] as? String)
            #expect(recorded != "portal-42" && !recorded.isEmpty)
        }
    }

    @Test("PATCH without If-Match is 428, on every PATCH route")
    func ifMatchRequired() async throws {
        try await MemberTests.withRegistry { application, _, members in
            let id = try members.create(nik: MemberFixtures.nik(serial: 1))
            let organization = try members.client.request("POST", "/v1/organizations", headers: members.auth, body: Array(Self.organization.utf8))
            let organizationID = try #require(try MemberFixtures.object(organization)["id"] as? Int)
            let facility = try seedFacility(application)
            let paths = [
                "/v1/members/{id}": "/v1/members/\(id)", "/v1/organizations/{id}": "/v1/organizations/\(organizationID)",
                "/v1/facilities/{id}": "/v1/facilities/\(facility)",
            ]
            for route in application.routeAccess where route.method == .patch {
                guard let path = paths[route.pattern] else {
                    Issue.record("PATCH \(route.pattern) has no path in ConventionTests.ifMatchRequired")
                    continue
                }
                let response = try members.client.request("PATCH", path, headers: members.auth, body: Array(#"{"address":"x"}"#.utf8))
                #expect(response.status == 428, "\(path)")
                #expect(try MemberFixtures.object(response)["type"] as? String == "/problems/precondition-required")
            }
        }
    }

    @Test("Accept: a type no endpoint gives is 406; CSV only where lists are")
    func negotiation() async throws {
        try await MemberTests.withRegistry { _, _, members in
            for (path, accept, expected) in [
                ("/v1/organizations", "application/xml", 406), ("/v1/organizations", "application/json, text/csv;q=0", 200),
                ("/v1/regions/35", "text/csv", 406), ("/v1/regions/35", "*/*", 200), ("/v1/regions/35", "application/*;q=0.5", 200),
            ] {
                let response = try members.client.request("GET", path, headers: members.auth.merging(["Accept": accept]) { $1 })
                #expect(response.status == expected, "\(path) with \(accept)")
            }
        }
    }

    @Test("one 422 names a bad page, a bad filter and an unknown parameter together")
    func oneAnswerForQueries() async throws {
        try await MemberTests.withRegistry { _, _, members in
            let response = try members.client.request("GET", "/v1/members?limit=0&cursor=zz&status=bogus&regin=35", headers: members.auth)
            #expect(response.status == 422)
            #expect(Set(try MemberFixtures.errorCodes(response)) == [
                "limit:out_of_range", "cursor:invalid_format", "status:invalid_value", "regin:unknown_parameter",
            ])
            for path in ["/v1/organizations?regin=35", "/v1/employers?kind=x", "/v1/regions?parnet=35"] {
                #expect(try members.client.request("GET", path, headers: members.auth).status == 422, "\(path)")
            }
        }
    }

    @Test("one 422 names bad fields, unknown references and unknown fields together; PATCH refuses read-only fields")
    func oneAnswerForBodies() async throws {
        try await MemberTests.withRegistry { _, _, members in
            let body = #"{"name":"  ","kind":"ormas","region_code":"99.99","parent_id":999999,"colour":"green"}"#
            let response = try members.client.request("POST", "/v1/organizations", headers: members.auth, body: Array(body.utf8))
            #expect(response.status == 422)
            #expect(Set(try MemberFixtures.errorCodes(response)) == [
                "name:required", "region_code:not_found", "parent_id:not_found", "colour:unknown_field",
            ])
            let registration = try members.register(nik: MemberFixtures.nik(serial: 1), [
                "sex": #""X""#, "region_code": #""3599""#, "segment": #""PPU_BU""#, "employer_id": "999999",
                "registered_via": #"{"organization_id":999999}"#, "religion": #""-""#,
            ])
            #expect(Set(try MemberFixtures.errorCodes(registration)) == [
                "sex:invalid_value", "region_code:not_found", "employer_id:not_found", "registered_via.organization_id:not_found",
                "religion:unknown_field",
            ])
            let id = try members.create(nik: MemberFixtures.nik(serial: 1))
            let patch = try members.client.request(
                "PATCH", "/v1/members/\(id)", headers: members.auth.merging(["If-Match": "*"]) { $1 },
                body: Array(#"{"nik":"3507011010810002","adress":"Jl. Kawi"}"#.utf8))
            #expect(Set(try MemberFixtures.errorCodes(patch)) == ["nik:read_only", "adress:unknown_field"])
        }
    }

    @Test("routes that take no query refuse one; a PATCH of a member names bad fields and broken rules together")
    func queriesAndPatchRules() async throws {
        try await MemberTests.withRegistry { _, _, members in
            let id = try members.create(nik: MemberFixtures.nik(serial: 1))
            let single = try members.client.request("GET", "/v1/members/\(id)?fields=nik", headers: members.auth)
            #expect(try MemberFixtures.errorCodes(single) == ["fields:unknown_parameter"])
            let patch = try members.client.request(
                "PATCH", "/v1/members/\(id)", headers: members.auth.merging(["If-Match": "\"0\""]) { $1 },
                body: Array(#"{"phone":"x","class":2}"#.utf8))
            #expect(Set(try MemberFixtures.errorCodes(patch)) == ["phone:invalid_format", "class:class_change_too_early"])
        }
    }

    @Test("an organization's ETag changes when its children do; a replayed registration is audited")
    func derivedETagsAndReplayAudit() async throws {
        try await MemberTests.withRegistry { application, port, members in
            let root = try MemberFixtures.object(try members.client.request(
                "POST", "/v1/organizations", headers: members.auth, body: Array(Self.organization.utf8)))["id"] as? Int
            let path = "/v1/organizations/\(try #require(root))"
            let before = try members.client.request("GET", path, headers: members.auth).header("ETag")
            let child = #"{"name":"LAZISNU","kind":"ormas_body","region_code":"3507","parent_id":\#(try #require(root))}"#
            _ = try members.client.request("POST", "/v1/organizations", headers: members.auth, body: Array(child.utf8))
            let after = try members.client.request("GET", path, headers: members.auth).header("ETag")
            #expect(before != nil && after != nil && before != after)
            let stale = try members.client.request(
                "PATCH", path, headers: members.auth.merging(["If-Match": try #require(before)]) { $1 }, body: Array(#"{"name":"x"}"#.utf8))
            #expect(stale.status == 412)

            let key = try #require(members.auth["Authorization"]).replacingOccurrences(of: "Bearer ", with: "")
            let body = String(decoding: MemberFixtures.body(nik: MemberFixtures.nik(serial: 2)), as: UTF8.self)
            _ = try Self.post(port, "/v1/members", key: key, idempotencyKey: "audited", body: body)
            _ = try Self.post(port, "/v1/members", key: key, idempotencyKey: "audited", body: body)
            let admin = try application.issueKey(role: .admin, name: "admin")
            let audit = try members.client.request("GET", "/v1/audit?resource=response", headers: ["Authorization": "Bearer \(admin)"])
            let records = try MemberFixtures.object(audit)["data"] as? [[String: Any]] ?? []
            #expect(records.map { "\($0["action"] ?? "") \($0["resource_id"] ?? "")" } == ["replay /v1/members"])
        }
    }

    @Test("50 concurrent registrations of one NIK, and of one NIB: exactly one 201, the rest 409")
    func races() async throws {
        try await MemberTests.withRegistry { _, port, members in
            let auth = members.auth
            let statuses = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let client = try RawClient(port: port)
                        let member = try client.request(
                            "POST", "/v1/members", headers: auth,
                            body: MemberFixtures.body(nik: MemberFixtures.nik(serial: 7), family: "35070101012\(String(10000 + index))"))
                        let employer = try client.request(
                            "POST", "/v1/employers", headers: auth,
                            body: Array(#"{"name":"PT \#(index)","nib":"3507000000777","region_code":"3507","reported_employees":1}"#.utf8))
                        return (member.status, employer.status)
                    }
                }
                var all: [(Int, Int)] = []
                for try await result in group { all.append(result) }
                return all
            }
            for (name, codes) in [("member", statuses.map(\.0)), ("employer", statuses.map(\.1))] {
                #expect(codes.filter { $0 == 201 }.count == 1, "\(name): \(codes)")
                #expect(codes.filter { $0 == 409 }.count == 49, "\(name): \(codes)")
            }
        }
    }
}
