import Foundation
import HTTPTestSupport
import Sinergi
import Testing

/// `Accept: text/csv` on every list: RFC 4180 read by a strict reader, a header row, the same
/// columns and masking as the JSON items, the whole filtered set (every JSON page together),
/// streamed with chunked encoding.
@Suite struct CSVTests {
    /// A JSON item as CSV shows it: nested objects as dotted names, null as an empty cell,
    /// numbers and booleans as their JSON text.
    static func flatten(_ object: [String: Any], prefix: String = "") -> [String: String] {
        var flat: [String: String] = [:]
        for (key, value) in object {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value {
            case let nested as [String: Any]: flat.merge(flatten(nested, prefix: name)) { $1 }
            case is NSNull: flat[name] = ""
            case let text as String: flat[name] = text
            case let number as NSNumber:
                // JSONSerialization gives booleans as NSNumbers of type "c".
                flat[name] = String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
            default: flat[name] = "\(value)"
            }
        }
        return flat
    }

    /// Every JSON page of `path`, 500 at a time.
    static func allPages(_ client: RawClient, _ path: String, headers: [String: String]) throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var cursor: String?
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let page = try client.request("GET", path + separator + "limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""), headers: headers)
            #expect(page.status == 200, "\(path): \(page.text)")
            let object = try MemberFixtures.object(page)
            items += object["data"] as? [[String: Any]] ?? []
            cursor = object["next_cursor"] as? String
        } while cursor != nil
        return items
    }

    /// Asserts that the CSV of `path` is the JSON of all its pages; returns the row count.
    @discardableResult
    static func check(_ client: RawClient, _ path: String, headers: [String: String]) throws -> Int {
        let response = try client.request("GET", path, headers: headers.merging(["Accept": "text/csv"]) { $1 })
        #expect(response.status == 200, "\(path): \(response.text.prefix(300))")
        #expect(response.header("Content-Type")?.hasPrefix("text/csv") == true, "\(path)")
        #expect(response.header("Transfer-Encoding") == "chunked", "\(path)")
        let records = try StrictCSV.parse(response.body)
        let header = try #require(records.first, "\(path): no header row")
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        let items = try allPages(client, path, headers: headers).map { flatten($0) }
        #expect(rows.count == items.count, "\(path)")
        if let first = items.first { #expect(Set(header) == Set(first.keys), "\(path)") }
        for (row, item) in zip(rows, items) where row != item {
            Issue.record("\(path): CSV \(row) differs from JSON \(item)")
            break
        }
        return rows.count
    }

    @Test("members: the CSV is the JSON, masked for partners, with commas and quotes quoted")
    func members() async throws {
        try await MemberTests.withRegistry { application, port, members in
            let organization = try MemberFixtures.object(try members.client.request(
                "POST", "/v1/organizations", headers: members.auth,
                body: Array(#"{"name":"PCNU Kabupaten Malang","kind":"ormas","region_code":"3507"}"#.utf8)))["id"] as? Int
            let partner = try application.issueKey(role: .partner, name: "partner", organizationID: Int64(try #require(organization)))
            let via = #"{"organization_id":\#(try #require(organization))}"#
            _ = try members.create(nik: MemberFixtures.nik(serial: 1), ["address": #""Jl. Kawi 3, RT \"02\", Malang""#, "registered_via": via])
            _ = try members.create(nik: MemberFixtures.nik(serial: 2), ["full_name": #""Siti, Aminah""#, "phone": #""081234567890""#])
            _ = try members.create(nik: MemberFixtures.nik(serial: 3), ["relationship": #""child""#, "registered_via": via])
            #expect(try Self.check(members.client, "/v1/members", headers: members.auth) == 3)
            #expect(try Self.check(members.client, "/v1/members?status=pending", headers: members.auth) == 3)
            let partnerHeaders = ["Authorization": "Bearer \(partner)"]
            #expect(try Self.check(members.client, "/v1/members", headers: partnerHeaders) == 2)
            let csv = try members.client.request("GET", "/v1/members", headers: partnerHeaders.merging(["Accept": "text/csv"]) { $1 })
            #expect(!csv.text.contains(MemberFixtures.nik(serial: 1)))
            #expect(csv.text.contains("3507**********01"))
            #expect(csv.header("Cache-Control") == "no-store")
            let id = try #require(try MemberFixtures.object(try members.client.request("GET", "/v1/members?limit=1", headers: members.auth))["data"] as? [[String: Any]]).first?["id"] as? Int
            try Self.check(members.client, "/v1/members/\(try #require(id))/history", headers: members.auth)
        }
    }

    @Test("organizations: the whole set across batches of 1,000, and a filter")
    func organizations() async throws {
        // 1,205 registrations from one key: beyond the default rate limit.
        let unlimited: (inout Config) -> Void = { $0.rateLimitPerSecond = 1_000_000; $0.rateLimitBurst = 1_000_000 }
        try await withTestApplication(configure: unlimited) { application, port in
            try MemberFixtures.seedRegions(application)
            let officer = try application.issueKey(role: .officer, name: "officer")
            let members = MemberFixtures(client: try RawClient(port: port), auth: ["Authorization": "Bearer \(officer)"])
            for index in 0..<1_205 {
                let body = #"{"name":"Ranting \#(index)","kind":"\#(index % 3 == 0 ? "pesantren" : "ormas")","region_code":"3507"}"#
                let created = try members.client.request("POST", "/v1/organizations", headers: members.auth, body: Array(body.utf8))
                #expect(created.status == 201)
            }
            #expect(try Self.check(members.client, "/v1/organizations", headers: members.auth) == 1_205)
            #expect(try Self.check(members.client, "/v1/organizations?kind=pesantren", headers: members.auth) == 402)
        }
    }

    @Test("employers and regions answer CSV too")
    func employersAndRegions() async throws {
        try await MemberTests.withRegistry { _, _, members in
            for index in 0..<3 {
                let body = #"{"name":"PT Sinar \#(index)","nib":"350700000000\#(index)","region_code":"3507","reported_employees":\#(index)}"#
                let created = try members.client.request("POST", "/v1/employers", headers: members.auth, body: Array(body.utf8))
                #expect(created.status == 201)
            }
            let employers = try Self.check(members.client, "/v1/employers", headers: members.auth)
            #expect(employers == 3)
            #expect(try Self.check(members.client, "/v1/regions", headers: members.auth) == 4)
            #expect(try Self.check(members.client, "/v1/regions?level=regency", headers: members.auth) == 2)
        }
    }

    @Test("premiums, schemes, beneficiaries, a member's payments and a scheme's statement answer CSV too")
    func contributions() async throws {
        try await ContributionFixtures.run(on: CalendarDate("2026-01-02")!) { fixtures in
            let scheme = try fixtures.scheme(funders: [(fixtures.regency, 6667, 1_000_000), (fixtures.baznas, 3333, nil)])
            let members = try fixtures.registerMembers(3)
            #expect(try fixtures.addBeneficiaries(scheme, members).status == 200)
            for invoice in try ContributionFixtures.invoices(try fixtures.bill(scheme, "2026-01")) {
                #expect(try fixtures.payInvoice(invoice.id, invoice.total, reference: "T-\(invoice.id)").status == 201)
            }
            let client = fixtures.members.client
            #expect(try Self.check(client, "/v1/premiums", headers: fixtures.auth) == 12)
            #expect(try Self.check(client, "/v1/premiums?segment=PBPU", headers: fixtures.auth) == 3)
            #expect(try Self.check(client, "/v1/schemes", headers: fixtures.auth) == 1)
            #expect(try Self.check(client, "/v1/schemes/\(scheme)/beneficiaries", headers: fixtures.auth) == 3)
            #expect(try Self.check(client, "/v1/members/\(members[0])/payments", headers: fixtures.auth) == 2)

            let path = "/v1/schemes/\(scheme)/statement?from=2026-01&to=2026-01"
            let csv = try fixtures.request("GET", path, headers: ["Accept": "text/csv"])
            #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
            let records = try StrictCSV.parse(csv.body)
            let json = try #require(try MemberFixtures.object(try fixtures.request("GET", path))["funders"] as? [[String: Any]]).map { Self.flatten($0) }
            let header = try #require(records.first)
            #expect(records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) } == json)
            #expect(json.map { $0["billed_idr"] } == ["84003", "41997"])
        }
    }

    @Test("facilities, their history, visits and follow-ups answer CSV too")
    func facilities() async throws {
        try await MemberTests.withRegistry { application, _, members in
            let id = try FacilityTests.create(members, #"Klinik NU, \"Singosari\""#)
            _ = try FacilityTests.create(members, "Poskestren", kind: "pesantren_health_post", level: "community")
            #expect(try FacilityTests.transition(members, id, to: "applied", note: "berkas, lengkap").status == 200)
            #expect(try members.client.request("POST", "/v1/facilities/\(id)/visits", headers: members.auth, body: Array("""
                {"visited_on":"2026-01-10","officer":"dr. Rina","scores":{"staff":70},"follow_ups":[{"description":"Antrean","due_on":"2026-01-12"}]}
                """.utf8)).status == 201)
            _ = try seedFollowUp(application, facility: Int64(id))
            #expect(try Self.check(members.client, "/v1/facilities", headers: members.auth) == 2)
            #expect(try Self.check(members.client, "/v1/facilities?level=community", headers: members.auth) == 1)
            #expect(try Self.check(members.client, "/v1/facilities/\(id)/history", headers: members.auth) == 1)
            #expect(try Self.check(members.client, "/v1/facilities/\(id)/visits", headers: members.auth) == 2)
            #expect(try Self.check(members.client, "/v1/facilities/\(id)/follow-ups", headers: members.auth) == 2)
            #expect(try Self.check(members.client, "/v1/facilities/\(id)/follow-ups?state=overdue", headers: members.auth) == 1)
        }
    }

    @Test("API keys and the audit log (newest first) answer CSV to admins")
    func keysAndAudit() async throws {
        try await withTestApplication { application, port in
            let admin = ["Authorization": "Bearer \(try application.issueKey(role: .admin, name: "admin, \"ops\""))"]
            let client = try RawClient(port: port)
            for index in 0..<3 {
                let created = try client.request("POST", "/v1/api-keys", headers: admin, body: Array(#"{"name":"k\#(index)","role":"viewer","allow_signature":true}"#.utf8))
                #expect(created.status == 201)
            }
            let keys = try Self.check(client, "/v1/api-keys", headers: admin)
            #expect(keys == 4)
            let records = try Self.check(client, "/v1/audit", headers: admin)
            #expect(records >= 3)
        }
    }
}
