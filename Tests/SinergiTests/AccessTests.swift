import Database
import Foundation
import HTTPTestSupport
import Logging
@testable import Sinergi
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
        /// Sent as is, except that `{member}` becomes the id of the caller's own seeded member
        /// and `{n}` the caller's position, as in `body`: a call that changes a member (PATCH,
        /// deactivation) changes the caller's own, so each call's answer is independent of the
        /// calls before it.
        let path: String
        /// Sent as is, except that `{n}` becomes the caller's position in `expected` (0 for no
        /// key … 4 for viewer): every role's call runs against the same application, so a body
        /// that must be unique (a NIB, a NIK) differs per call; `{member}` as in `path`.
        let body: String
        /// Expected status for no key, admin, officer, partner, viewer.
        let expected: [Int]
        var testDescription: String { "\(method) \(path)" }
    }

    static let table: [Row] = [
        Row(method: "GET", path: "/v1/api-keys", body: "", expected: [401, 200, 403, 403, 403]),
        Row(method: "POST", path: "/v1/api-keys", body: #"{"name":"n","role":"viewer"}"#, expected: [401, 201, 403, 403, 403]),
        Row(method: "GET", path: "/v1/api-keys/1", body: "", expected: [401, 200, 403, 403, 403]),
        Row(method: "GET", path: "/v1/api-keys/999999", body: "", expected: [401, 404, 403, 403, 403]),
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
        // Members: personal data for admin, officer and partner (the seeded members are the
        // partner's own); changes for admin and officer only; the viewer sees none.
        Row(method: "POST", path: "/v1/members", body: AccessTests.memberBody, expected: [401, 201, 201, 201, 403]),
        Row(method: "GET", path: "/v1/members", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "GET", path: "/v1/members/{member}", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "PATCH", path: "/v1/members/{member}", body: #"{"address":"Jl. Kawi {n}"}"#, expected: [401, 200, 200, 403, 403]),
        Row(method: "POST", path: "/v1/members/{member}/status", body: #"{"status":"deactivated","reason":"deceased"}"#,
            expected: [401, 200, 200, 403, 403]),
        Row(method: "GET", path: "/v1/members/{member}/history", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "GET", path: "/v1/families/350701010120010{n}", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "POST", path: "/v1/members/validate", body: #"{"items":[{"nik":"350701101081010{n}"}]}"#,
            expected: [401, 200, 200, 200, 403]),
        // Imports: as registrations; a partner's job is for its own organization.
        Row(method: "POST", path: "/v1/imports", body: ImportTests.header + "\n" + ImportTests.row("350701101081030{n}", family: "350701010120030{n}") + "\n",
            expected: [401, 202, 202, 202, 403]),
        Row(method: "GET", path: "/v1/imports", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "GET", path: "/v1/imports/999999", body: "", expected: [401, 404, 404, 404, 403]),
        Row(method: "GET", path: "/v1/imports/999999/errors", body: "", expected: [401, 404, 404, 404, 403]),
        // Contributions: premiums are reference data; schemes, invoices and statements are read by
        // the partner whose organization funds them (the seeded scheme 1, invoice 1), run by staff;
        // a member's payments and arrears are personal data. The seeded members are PBPU members
        // registered today, before their first-payment window opens: a payment is a 422.
        Row(method: "GET", path: "/v1/premiums", body: "", expected: [401, 200, 200, 200, 200]),
        Row(method: "POST", path: "/v1/schemes", body: AccessTests.schemeBody, expected: [401, 201, 201, 403, 403]),
        Row(method: "GET", path: "/v1/schemes", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "GET", path: "/v1/schemes/1", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "POST", path: "/v1/schemes/1/beneficiaries", body: #"{"member_ids":[{member}]}"#, expected: [401, 200, 200, 403, 403]),
        Row(method: "GET", path: "/v1/schemes/1/beneficiaries", body: "", expected: [401, 200, 200, 403, 403]),
        Row(method: "DELETE", path: "/v1/schemes/1/beneficiaries/999999", body: "", expected: [401, 404, 404, 403, 403]),
        Row(method: "POST", path: "/v1/schemes/1/billing-runs", body: #"{"period":"2026-0{n}"}"#, expected: [401, 201, 201, 403, 403]),
        Row(method: "GET", path: "/v1/schemes/1/statement", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "GET", path: "/v1/invoices/1", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "POST", path: "/v1/invoices/1/payments", body: #"{"amount_idr":1,"paid_on":"2026-01-01","reference":"r{n}"}"#,
            expected: [401, 201, 201, 403, 403]),
        Row(method: "POST", path: "/v1/members/{member}/payments",
            body: #"{"period":"2026-01","amount_idr":35000,"source":"participant","paid_on":"2026-01-01","reference":"r{n}"}"#,
            expected: [401, 422, 422, 403, 403]),
        Row(method: "GET", path: "/v1/members/{member}/payments", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "GET", path: "/v1/members/{member}/arrears", body: "", expected: [401, 200, 200, 200, 403]),
        // Facilities: the partner reads its tree's (the seeded facility 1 with its follow-up 1),
        // proposes prospects and marks follow-ups done; staff run the pipeline and the visits.
        Row(method: "POST", path: "/v1/facilities", body: #"{"name":"Klinik {n}","kind":"clinic_primary","level":"primary","region_code":"35","address":"Jl. 1"}"#,
            expected: [401, 201, 201, 201, 403]),
        Row(method: "GET", path: "/v1/facilities", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "GET", path: "/v1/facilities/1", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "PATCH", path: "/v1/facilities/1", body: #"{"address":"Jl. {n}"}"#, expected: [401, 200, 200, 403, 403]),
        // Contracted → suspended once; the second caller's same move is a 409, still admitted.
        Row(method: "POST", path: "/v1/facilities/1/transitions", body: #"{"to":"suspended","note":"n"}"#, expected: [401, 200, 409, 403, 403]),
        Row(method: "GET", path: "/v1/facilities/1/history", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "POST", path: "/v1/facilities/1/visits", body: #"{"visited_on":"2026-01-01","officer":"dr. Rina"}"#, expected: [401, 201, 201, 403, 403]),
        Row(method: "GET", path: "/v1/facilities/1/visits", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "GET", path: "/v1/facilities/1/follow-ups", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "POST", path: "/v1/facilities/1/follow-ups/1/completion", body: "", expected: [401, 200, 200, 200, 403]),
        Row(method: "GET", path: "/healthz", body: "", expected: [200, 200, 200, 200, 200]),
    ]

    /// A scheme funded by the seeded organization (id 1).
    static let schemeBody = """
        {"name":"SSI","region_code":"35","class":3,"starts_on":"2026-01-01","quota":10,\
        "funders":[{"organization_id":1,"share_bp":10000}]}
        """

    /// A registration with a NIK of its own per caller (serial 020n), for the partner's own
    /// organization (a partner that names none registers for its own).
    static let memberBody = """
        {"nik":"350701101081020{n}","full_name":"Ahmad Fauzi","birth_date":"1981-10-10","sex":"M",\
        "family_card_no":"350701010120020{n}","relationship":"head","segment":"PBPU","class":3,"region_code":"3507"}
        """

    @Test("each role is allowed or refused as the table says", arguments: table)
    func roles(_ row: Row) async throws {
        try await withTestApplication { application, port in
            let organization = try seedOrganization(application)
            try seedEmployer(application)
            try seedScheme(application, funder: organization)
            _ = try seedFollowUp(application, facility: try seedFacility(application, owner: organization))
            let keys = try Keys(application, partnerOrganization: organization)
            // One member per caller, registered via the partner's organization so the partner may see it.
            let members = try (0..<5).map { try seedMember(application, port: port, officerKey: keys.officer, organization: organization, n: $0) }
            for (index, (role, expected)) in zip([nil, Role.admin, .officer, .partner, .viewer], row.expected).enumerated() {
                let body = row.body.replacingOccurrences(of: "{n}", with: String(index))
                    .replacingOccurrences(of: "{member}", with: String(members[index]))
                let path = row.path.replacingOccurrences(of: "{member}", with: String(members[index]))
                    .replacingOccurrences(of: "{n}", with: String(index))
                // Every PATCH needs If-Match (428 without it, tested in ConventionTests).
                let headers = keys.header(role).merging(row.method == "PATCH" ? ["If-Match": "*"] : [:]) { $1 }
                let response = try RawClient(port: port).request(row.method, path, headers: headers, body: Array(body.utf8))
                #expect(response.status == expected, "\(row.method) \(row.path) as \(role?.rawValue ?? "nobody")")
                if response.status == 401 { #expect(response.header("WWW-Authenticate") == "Bearer") }
            }
        }
    }

    @Test("admins and officers see a member's full NIK and phone; a partner the masked NIK and no phone, on every read")
    func memberViews() async throws {
        try await withTestApplication { application, port in
            let organization = try seedOrganization(application)
            let keys = try Keys(application, partnerOrganization: organization)
            let id = try seedMember(application, port: port, officerKey: keys.officer, organization: organization, n: 1)
            let nik = MemberFixtures.nik(serial: 101)
            let client = try RawClient(port: port)
            // The same member through each read: the record, a filtered list, the family card.
            func views(_ role: Role) throws -> [[String: Any]] {
                let headers = keys.header(role)
                let record = try MemberFixtures.object(try client.request("GET", "/v1/members/\(id)", headers: headers))
                let list = try MemberFixtures.object(try client.request("GET", "/v1/members?family_card_no=3507010101200101", headers: headers))
                let family = try MemberFixtures.object(try client.request("GET", "/v1/families/3507010101200101", headers: headers))
                return [record] + (list["data"] as? [[String: Any]] ?? []) + (family["members"] as? [[String: Any]] ?? [])
            }
            for role in [Role.admin, .officer] {
                let seen = try views(role)
                #expect(seen.count == 3, "\(role)")
                for view in seen {
                    #expect(view["nik"] as? String == nik, "\(role)")
                    #expect(view["phone"] as? String == "081234567801", "\(role)")
                }
            }
            let seen = try views(.partner)
            #expect(seen.count == 3)
            for view in seen {
                #expect(view["id"] as? Int == id)
                #expect(view["nik"] as? String == "3507**********01")
                #expect(view.keys.contains("phone") && view["phone"] is NSNull)
            }
        }
    }

    @Test("a partner registers for its own organization or one below it, never another's, and sees its own registration masked")
    func partnerRegistration() async throws {
        try await withTestApplication { application, port in
            let organization = try seedOrganization(application)
            let child = try seedOrganization(application, name: "LAZISNU Kabupaten Malang", parent: organization)
            let other = try seedOrganization(application, name: "PCNU Lombok Timur")
            try MemberFixtures.seedRegions(application)
            let keys = try Keys(application, partnerOrganization: organization)
            let partner = MemberFixtures(client: try RawClient(port: port), auth: keys.header(.partner))

            let own = try partner.register(nik: MemberFixtures.nik(serial: 1), family: "3507010101200001", ["phone": #""081234567890""#])
            #expect(own.status == 201, "\(own.text)")
            let ownObject = try MemberFixtures.object(own)
            #expect((ownObject["registered_via"] as? [String: Any])?["organization_id"] as? Int == Int(organization))
            #expect(ownObject["nik"] as? String == "3507**********01")
            #expect(ownObject["phone"] is NSNull)

            let below = try partner.register(nik: MemberFixtures.nik(serial: 2), family: "3507010101200002", [
                "registered_via": #"{"organization_id":\#(child)}"#,
            ])
            #expect(below.status == 201, "\(below.text)")
            #expect((try MemberFixtures.object(below)["registered_via"] as? [String: Any])?["organization_id"] as? Int == Int(child))

            let outside = try partner.register(nik: MemberFixtures.nik(serial: 3), family: "3507010101200003", [
                "registered_via": #"{"organization_id":\#(other)}"#,
            ])
            #expect(outside.status == 422)
            #expect(try MemberFixtures.errorCodes(outside) == ["registered_via.organization_id:not_found"])
        }
    }

    @Test("a NIK registered via another partner is a 409 that names the holder only to those who may see it")
    func duplicateAcrossPartners() async throws {
        try await withTestApplication { application, port in
            let organization = try seedOrganization(application)
            let other = try seedOrganization(application, name: "PCNU Lombok Timur")
            let keys = try Keys(application, partnerOrganization: organization)
            let theirs = try seedMember(application, port: port, officerKey: keys.officer, organization: other, n: 1)
            let ours = try seedMember(application, port: port, officerKey: keys.officer, organization: organization, n: 2)
            let client = try RawClient(port: port)
            func register(_ serial: Int, as role: Role) throws -> RawClient.Response {
                try MemberFixtures(client: client, auth: keys.header(role)).register(nik: MemberFixtures.nik(serial: serial), family: "3507010101209999")
            }
            for (serial, role, expected) in [(101, Role.partner, nil), (101, .officer, theirs), (101, .admin, theirs), (102, .partner, ours)] as [(Int, Role, Int?)] {
                let response = try register(serial, as: role)
                #expect(response.status == 409, "\(serial) as \(role)")
                let object = try MemberFixtures.object(response)
                #expect(object["existing_id"] as? Int == expected, "\(serial) as \(role)")
                #expect(object.keys.contains("existing_id") == (expected != nil), "\(serial) as \(role)")
                #expect(!response.text.contains(MemberFixtures.nik(serial: serial)))
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

            // The Location of the new key answers, with the list's fields and never the secret.
            let location = try #require(created.header("Location"))
            #expect(location == "/v1/api-keys/\(id)")
            let one = try client.request("GET", location, headers: auth)
            #expect(one.status == 200)
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(one.body)) as? [String: Any])
            #expect(shown["id"] as? Int == id)
            #expect(shown["role"] as? String == "officer")
            #expect(shown["revoked_at"] is NSNull)
            #expect(shown["key"] == nil)
            #expect(!one.text.contains(secret))
            let etag = try #require(one.header("ETag"))

            #expect(try client.request("DELETE", "/v1/api-keys/\(id)", headers: auth).status == 204)
            #expect(try client.request("GET", "/v1/api-keys", headers: officer).status == 401)
            #expect(try client.request("DELETE", "/v1/api-keys/\(id)", headers: auth).status == 404)
            let revoked = try client.request("GET", location, headers: auth)
            #expect(revoked.status == 200)
            #expect((try JSONSerialization.jsonObject(with: Data(revoked.body)) as? [String: Any])?["revoked_at"] is String)
            #expect(revoked.header("ETag") != etag)
            for missing in ["/v1/api-keys/424242", "/v1/api-keys/0", "/v1/api-keys/abc", "/v1/api-keys/99999999999999999999"] {
                #expect(try client.request("GET", missing, headers: auth).status == 404, "\(missing)")
            }
        }
    }

    @Test("two applications on one database: a key created or revoked through one counts in the other from its next request")
    func keysAcrossProcesses() async throws {
        try await withTestApplication { a, portA in
            let admin = ["Authorization": "Bearer \(try a.issueKey(role: .admin, name: "bootstrap"))"]
            let clientA = try RawClient(port: portA)
            try await withSecondApplication(on: a) { _, portB in
                let clientB = try RawClient(port: portB)
                #expect(try clientB.request("GET", "/v1/api-keys", headers: admin).status == 200)

                let created = try clientA.request("POST", "/v1/api-keys", headers: admin, body: Array(#"{"name":"ops","role":"admin"}"#.utf8))
                #expect(created.status == 201)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])
                let key = ["Authorization": "Bearer \(try #require(object["key"] as? String))"]
                let id = try #require(object["id"] as? Int)
                // B never saw this key: accepted on its first request there.
                #expect(try clientB.request("GET", "/v1/api-keys", headers: key).status == 200)

                #expect(try clientA.request("DELETE", "/v1/api-keys/\(id)", headers: admin).status == 204)
                // B accepted the key a moment ago; refused from the next request on.
                #expect(try clientB.request("GET", "/v1/api-keys", headers: key).status == 401)
                #expect(try clientA.request("GET", "/v1/api-keys", headers: key).status == 401)
            }
        }
    }

    @Test("keys issued one after another, as sinergi keys create does, are accepted at once by every application")
    func issuedKeysAcrossProcesses() async throws {
        try await withTestApplication { a, portA in
            try await withSecondApplication(on: a) { _, portB in
                let clients = [try RawClient(port: portA), try RawClient(port: portB)]
                for name in ["first", "second", "third"] {
                    let key = ["Authorization": "Bearer \(try a.issueKey(role: .admin, name: name))"]
                    for client in clients { #expect(try client.request("GET", "/v1/api-keys", headers: key).status == 200, "\(name)") }
                }
            }
        }
    }

    @Test("a key id that is not well formed is refused without a database read; an unknown well-formed one needs the database")
    func malformedKeyIDsReadNothing() async throws {
        try await withTestApplication { application, port in
            let admin = try application.issueKey(role: .admin, name: "a")
            let client = try RawClient(port: port)
            #expect(try client.request("GET", "/v1/api-keys", headers: ["Authorization": "Bearer \(admin)"]).status == 200)
            // With the database closed, a lookup fails (503); text that cannot be a key id
            // never gets that far (401).
            application.store.close()
            let secret = admin.split(separator: "_", maxSplits: 2)[2]
            for malformed in ["snrg_ABCDEFGH_\(secret)", "snrg_abc_\(secret)", "snrg_abcdefgh!_\(secret)"] {
                let response = try client.request("GET", "/v1/api-keys", headers: ["Authorization": "Bearer \(malformed)"])
                #expect(response.status == 401, "\(malformed)")
            }
            let signed = ["X-Cons-Id": "not-a-key", "X-Timestamp": String(Timestamp.epochSeconds()), "X-Signature": "AAAA"]
            #expect(try client.request("GET", "/v1/api-keys", headers: signed).status == 401)
            let unknown = try client.request("GET", "/v1/api-keys", headers: ["Authorization": "Bearer snrg_abcdefgh_\(secret)"])
            #expect(unknown.status == 503)
        }
    }

    @Test("no key or secret appears in the log, whatever the requests")
    func secretsStayOutOfLogs() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        try await withTestApplication(logger: logger) { application, port in
            let admin = try application.issueKey(role: .admin, name: "a")
            let client = try RawClient(port: port)
            // A secret in a query string: refused (no such parameter), and still not logged.
            let noted = try client.request("POST", "/v1/api-keys?note=\(admin)", headers: ["Authorization": "Bearer \(admin)"])
            #expect(noted.status == 422 && !noted.text.contains(admin))
            let created = try client.request(
                "POST", "/v1/api-keys", headers: ["Authorization": "Bearer \(admin)"],
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
            #expect(unknown.status == 422)
            #expect(try MemberFixtures.errorCodes(unknown) == ["organization_id:not_found"])
            #expect(try client.request("POST", "/v1/api-keys", headers: admin, body: Array("{nope".utf8)).status == 400)
        }
    }

    @Test("bad key bodies are a 422 naming each bad field, never a 500", arguments: [
        // A NUL, and 150 decomposed "é" (300 code points): each once failed the name's CHECK.
        (#"{"name":"a\u0000b","role":"viewer"}"#, ["name:invalid_characters"]),
        ("{\"name\":\"\(String(repeating: "e\u{301}", count: 150))\",\"role\":\"viewer\"}", ["name:too_long"]),
        (#"{"name":"   ","role":"viewer"}"#, ["name:required"]),
        (#"{"name":"ops","role":"viewer","scope":"all","Role":"admin"}"#, ["Role:unknown_field", "scope:unknown_field"]),
        // Fullwidth hex digits are hex digits to Character.isHexDigit, never in a fingerprint.
        (#"{"name":"ops","role":"viewer","client_cert_sha256":"\#(String(repeating: "ａ", count: 64))"}"#, ["client_cert_sha256:invalid_format"]),
        // An organization that does not exist, reported with every other bad field.
        (#"{"name":"","role":"partner","organization_id":424242,"allow_signature":"yes","extra":1}"#,
         ["extra:unknown_field", "name:required", "allow_signature:invalid_type", "organization_id:not_found"]),
        (#"{"name":"ops","role":"officer","organization_id":424242}"#, ["organization_id:not_allowed"]),
        (#"{"name":"ops","role":"partner","organization_id":"1"}"#, ["organization_id:invalid_type"]),
    ])
    func keyBodies(body: String, expected: [String]) async throws {
        try await withTestApplication { application, port in
            let admin = ["Authorization": "Bearer \(try application.issueKey(role: .admin, name: "a"))"]
            let response = try RawClient(port: port).request("POST", "/v1/api-keys", headers: admin, body: Array(body.utf8))
            #expect(response.status == 422, "\(response.text)")
            #expect(Set(try MemberFixtures.errorCodes(response)) == Set(expected))
        }
    }

    @Test("sinergi keys create refuses what the API refuses: a bad name, a partner without an existing organization")
    func issueRules() async throws {
        try await withTestApplication { application, _ in
            for (name, role, organization) in [("a\tb", Role.viewer, nil), ("ops", .partner, nil), ("ops", .partner, 424242), ("ops", .admin, 1)] as [(String, Role, Int64?)] {
                #expect(throws: AppError.self, "\(name) \(role)") {
                    _ = try application.issueKey(role: role, name: name, organizationID: organization)
                }
            }
            let organization = try seedOrganization(application)
            #expect(try application.issueKey(role: .partner, name: String(repeating: "e\u{301}", count: 100), organizationID: organization).hasPrefix("snrg_"))
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
                // Another first character: replacing it with "A" left one signature in 64 unchanged.
                if tamper { signature = (signature.first == "A" ? "B" : "A") + signature.dropFirst() }
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
    try application.store.writeSync { connection in
        try connection.execute("INSERT INTO regions (code, name, level) VALUES ('35', 'Jawa Timur', 'province') ON CONFLICT DO NOTHING")
        return try connection.fetchOne("""
            INSERT INTO organizations (name, kind, parent_id, region_code, created_at, updated_at)
            VALUES (?, 'ormas', ?, '35', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id
            """, [.text(name), SQLValue(parent)]) { $0.int64(at: 0) }!
    }
}

/// An employer row in region 35 (seed the organization first), so `GET /v1/employers/1` has one to read.
func seedEmployer(_ application: Application) throws {
    try application.store.writeSync { connection in
        try connection.execute("""
            INSERT INTO employers (name, nib, region_code, reported_employees, created_at, updated_at)
            VALUES ('PT Sinar Malang', '3507999999999', '35', 10, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
            """)
    }
}

/// Scheme 1, funded by `funder` alone, with a billing run for 2025-12 and its invoice 1 of Rp 1,000.
func seedScheme(_ application: Application, funder: Int64) throws {
    try application.store.writeSync { connection in
        let scheme = try connection.fetchOne("""
            INSERT INTO schemes (name, region_code, class, starts_on, quota, created_at, updated_at)
            VALUES ('SSI', '35', 3, '2025-12-01', 10, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id
            """) { $0.int64(at: 0) }!
        try connection.execute(
            "INSERT INTO scheme_funders (scheme_id, position, organization_id, share_bp, source) VALUES (?, 0, ?, 10000, 'philanthropy')",
            [.integer(scheme), .integer(funder)])
        let run = try connection.fetchOne("""
            INSERT INTO billing_runs (scheme_id, period, beneficiaries, total_idr, role, request_id, created_at)
            VALUES (?, '2025-12', 0, 1000, 'officer', 'seed', '2026-01-01T00:00:00Z') RETURNING id
            """, [.integer(scheme)]) { $0.int64(at: 0) }!
        try connection.execute("""
            INSERT INTO invoices (billing_run_id, scheme_id, period, position, organization_id, lines, total_idr, created_at, updated_at)
            VALUES (?, ?, '2025-12', 0, ?, 0, 1000, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
            """, [.integer(run), .integer(scheme), .integer(funder)])
    }
}

/// A member registered through the API by an officer via `organization`, with NIK serial 010n
/// and family card `350701010120010n` of its own; returns its id. Seeds the regions it needs.
func seedMember(_ application: Application, port: Int, officerKey: String, organization: Int64, n: Int) throws -> Int {
    try MemberFixtures.seedRegions(application)
    let client = try RawClient(port: port)
    let auth = ["Authorization": "Bearer \(officerKey)"]
    let fixtures = MemberFixtures(client: client, auth: auth)
    return try fixtures.create(
        nik: MemberFixtures.nik(serial: 100 + n), family: "350701010120010\(n)",
        ["registered_via": #"{"organization_id":\#(organization)}"#, "phone": #""08123456780\#(n)""#])
}
