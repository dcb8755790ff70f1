import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import SQLite
import Testing

/// The employer registry: registration, its refusals, the region filter and pages, and the
/// compliance rate counted from the member registry.
@Suite struct EmployerTests {
    /// Registers an employer through the API and returns its id.
    static func create(
        _ client: RawClient, _ auth: [String: String], name: String = "PT Sinar Malang", nib: String, region: String = "35.07",
        reported: Int = 10
    ) throws -> Int {
        let response = try client.request(
            "POST", "/v1/employers", headers: auth,
            body: Array(#"{"name":"\#(name)","nib":"\#(nib)","region_code":"\#(region)","reported_employees":\#(reported)}"#.utf8))
        #expect(response.status == 201, "\(nib): \(response.text)")
        return try #require(try object(response)["id"] as? Int)
    }

    static func object(_ response: RawClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    static func randomBytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255) } }

    /// A member row written straight into `members`, as the member endpoints will write it;
    /// the NIK's blind index and ciphertext are random bytes, which the count never reads.
    static func insertMember(_ application: Application, employer: Int, segment: String = "PPU_BU", status: String = "active") async throws {
        _ = try await application.store.write { connection in
            try connection.execute("""
                INSERT INTO members (
                    nik_index, nik_sealed, full_name, birth_date, sex, family_card_no, relationship, segment, class,
                    region_code, employer_id, status, status_reason, class_since, registered_at, created_at, updated_at)
                VALUES (
                    ?, ?, 'Pekerja', '1990-01-01', 'M', '3507010101900001', 'head', ?, 1,
                    '3507', ?, ?, ?, '2026-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                """,
                [.blob(Self.randomBytes(32)), .blob(Self.randomBytes(32)), .text(segment), .integer(Int64(employer)), .text(status),
                 status == "deactivated" ? .text("moved abroad") : .null])
        }
    }

    @Test("a registration answers 201 with Location and ETag, reads back the same, and is audited")
    func createAndRead() async throws {
        try await withTestApplication { application, port in
            try OrganizationTests.seedRegions(application)
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let client = try RawClient(port: port)
            let created = try client.request(
                "POST", "/v1/employers", headers: auth,
                body: Array(#"{"name":"PT Sinar Malang","nib":"0120000000001","region_code":"35.07","reported_employees":120}"#.utf8))
            #expect(created.status == 201)
            let body = try Self.object(created)
            let id = try #require(body["id"] as? Int)
            #expect(created.header("Location") == "/v1/employers/\(id)")
            #expect(created.header("ETag") == #""1.0""#)
            #expect(body["name"] as? String == "PT Sinar Malang")
            #expect(body["nib"] as? String == "0120000000001")  // leading zero kept
            #expect(body["region_code"] as? String == "3507")
            #expect(body["reported_employees"] as? Int == 120)
            #expect(body["registered_employees"] as? Int == 0)
            #expect(body["compliance_rate_bp"] as? Int == 0)
            #expect(body["created_at"] as? String != nil && body["updated_at"] as? String == body["created_at"] as? String)

            let read = try client.request("GET", "/v1/employers/\(id)", headers: auth)
            #expect(read.status == 200)
            #expect(read.header("ETag") == #""1.0""#)
            #expect(read.text == created.text)
            #expect(try client.request("GET", "/v1/employers/\(id + 1)", headers: auth).status == 404)
            #expect(try client.request("GET", "/v1/employers/x", headers: auth).status == 404)

            let audited = try await application.store.read { connection in
                try connection.fetchAll("SELECT action, resource_id FROM audit_log WHERE resource_type = 'employer'") {
                    [$0.string(at: 0), $0.string(at: 1)]
                }
            }
            #expect(audited == [["create", String(id)]])
        }
    }

    @Test("every bad field is refused at once, missing ones too; an unknown region is not_found")
    func validation() async throws {
        try await withTestApplication { application, port in
            try OrganizationTests.seedRegions(application)
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .admin, name: "a"))"]
            let client = try RawClient(port: port)
            func codes(_ body: String) throws -> [String: String] {
                let response = try client.request("POST", "/v1/employers", headers: auth, body: Array(body.utf8))
                #expect(response.status == 422, "\(body)")
                let errors = try Self.object(response)["errors"] as? [[String: Any]] ?? []
                return Dictionary(uniqueKeysWithValues: errors.compactMap { error in
                    (error["field"] as? String).map { ($0, error["code"] as? String ?? "") }
                })
            }
            #expect(try codes(#"{"name":" ","nib":"350700000001","region_code":"3.5","reported_employees":-1}"#) == [
                "name": "required", "nib": "invalid_format", "region_code": "invalid_format", "reported_employees": "out_of_range",
            ])
            #expect(try codes("{}") == ["name": "required", "nib": "required", "region_code": "required", "reported_employees": "required"])
            #expect(try codes(#"{"name":"A\u0007B","nib":3507000000001,"region_code":"3507","reported_employees":"4"}"#) == [
                "name": "invalid_characters", "nib": "invalid_type", "reported_employees": "invalid_type",
            ])
            // Near misses: one digit too many, a letter, a space, Arabic-Indic and fullwidth digits.
            for nib in ["35070000000010", "350700000000A", "3507 00000001", "٣٥٠٧٠٠٠٠٠٠٠٠١", "３５０７０００００００００１"] {
                #expect(try codes(#"{"name":"PT X","nib":"\#(nib)","region_code":"3507","reported_employees":1}"#) == ["nib": "invalid_format"])
            }
            // 150 × "e" + U+0301: 150 characters a reader sees, 300 code points for the column.
            let combining = String(repeating: "e\u{301}", count: 150)
            #expect(try codes(#"{"name":"\#(combining)","nib":"3507000000001","region_code":"3507","reported_employees":1}"#) == ["name": "too_long"])
            #expect(try codes(#"{"name":"PT X","nib":"3507000000001","region_code":"3599","reported_employees":1}"#) == ["region_code": "not_found"])
            let count = try await application.store.read { try $0.fetchOne("SELECT count(*) FROM employers") { $0.int(at: 0) } }
            #expect(count == 0)
        }
    }

    @Test("a NIB already registered is 409 naming the employer that holds it")
    func duplicateNIB() async throws {
        try await withTestApplication { application, port in
            try OrganizationTests.seedRegions(application)
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let client = try RawClient(port: port)
            let first = try Self.create(client, auth, nib: "3507000000001")
            let again = try client.request(
                "POST", "/v1/employers", headers: auth,
                body: Array(#"{"name":"PT Lain","nib":"3507000000001","region_code":"52","reported_employees":3}"#.utf8))
            #expect(again.status == 409)
            #expect(again.header("Content-Type") == "application/problem+json")
            #expect(try Self.object(again)["existing_id"] as? Int == first)
            // A different NIB is a different employer, even with the same name.
            // (Its id is a new one; PostgreSQL's sequences skip the number the refused insert took.)
            #expect(try Self.create(client, auth, nib: "3507000000002") > first)
        }
    }

    @Test("the region filter takes a region and everything in it; pages follow the cursor")
    func regionAndPages() async throws {
        try await withTestApplication { application, port in
            try OrganizationTests.seedRegions(application)
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .viewer, name: "v"))"]
            let officer = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let client = try RawClient(port: port)
            var ids: [Int] = []
            for (index, region) in ["3507", "35.07", "3573", "5203", "3507"].enumerated() {
                ids.append(try Self.create(client, officer, nib: "350700000000\(index)", region: region))
            }
            func page(_ query: String) throws -> (ids: [Int], next: String?) {
                let response = try client.request("GET", "/v1/employers\(query)", headers: auth)
                #expect(response.status == 200, "\(query)")
                let body = try Self.object(response)
                return ((body["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }, body["next_cursor"] as? String)
            }
            #expect(try page("").ids == ids)
            #expect(try page("?region=35").ids == [ids[0], ids[1], ids[2], ids[4]])
            #expect(try page("?region=35.07").ids == [ids[0], ids[1], ids[4]])
            #expect(try page("?region=52").ids == [ids[3]])
            #expect(try page("?region=3519").ids == [])

            var seen: [Int] = []
            var cursor: String?
            var pages = 0
            repeat {
                let current = try page("?region=35&limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                seen += current.ids
                cursor = current.next
                pages += 1
            } while cursor != nil && pages < 5
            #expect(seen == [ids[0], ids[1], ids[2], ids[4]])
            #expect(pages == 2)

            for query in ["?region=3.5", "?region=", "?limit=0", "?cursor=nope"] {
                #expect(try client.request("GET", "/v1/employers\(query)", headers: auth).status == 422, "\(query)")
            }
        }
    }

    @Test("compliance counts PPU_BU members not deactivated, rounds down, is never clamped and is null without a head count")
    func compliance() async throws {
        try await withTestApplication { application, port in
            try OrganizationTests.seedRegions(application)
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .partner, name: "p", organizationID: try seedOrganization(application)))"]
            let officer = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let setup = try RawClient(port: port)
            let typical = try Self.create(setup, officer, nib: "3507000000001", reported: 4)
            let over = try Self.create(setup, officer, nib: "3507000000002", reported: 2)
            let unreported = try Self.create(setup, officer, nib: "3507000000003", reported: 0)
            let third = try Self.create(setup, officer, nib: "3507000000004", reported: 3)
            let empty = try Self.create(setup, officer, nib: "3507000000005", reported: 0)

            // Pending and inactive members are registered; the deactivated one and the PBPU
            // member who names the employer are not.
            for status in ["active", "pending", "inactive", "deactivated"] {
                try await Self.insertMember(application, employer: typical, status: status)
            }
            try await Self.insertMember(application, employer: typical, segment: "PBPU")
            for _ in 0..<3 { try await Self.insertMember(application, employer: over) }
            try await Self.insertMember(application, employer: unreported)
            try await Self.insertMember(application, employer: third)
            // A new connection: the awaits above may outlast the first one's keep-alive when
            // the tests beside this one hold the cooperative pool.
            let client = try RawClient(port: port)

            let expected: [Int: (registered: Int, rate: Int?)] = [
                typical: (3, 7500), over: (3, 15000), unreported: (1, nil), third: (1, 3333), empty: (0, nil),
            ]
            func check(_ body: [String: Any]) {
                guard let id = body["id"] as? Int, let want = expected[id] else {
                    Issue.record("unexpected employer \(body)")
                    return
                }
                #expect(body["registered_employees"] as? Int == want.registered, "employer \(id)")
                if let rate = want.rate {
                    #expect(body["compliance_rate_bp"] as? Int == rate, "employer \(id)")
                } else {
                    #expect(body["compliance_rate_bp"] is NSNull, "employer \(id)")
                }
            }
            for id in expected.keys {
                check(try Self.object(try client.request("GET", "/v1/employers/\(id)", headers: auth)))
            }
            let list = try Self.object(try client.request("GET", "/v1/employers", headers: auth))
            let rows = list["data"] as? [[String: Any]] ?? []
            #expect(rows.count == expected.count)
            rows.forEach(check)
        }
    }

    @Test("members registered through POST /v1/members count for their employer until deactivated")
    func complianceThroughMembers() async throws {
        try await MemberTests.withRegistry { application, _, members in
            let employer = try Self.create(members.client, members.auth, nib: "3507000000001", reported: 4)
            let other = try Self.create(members.client, members.auth, nib: "3507000000002", reported: 4)
            func counts(_ id: Int) throws -> (registered: Int?, rate: Int?) {
                let body = try Self.object(try members.client.request("GET", "/v1/employers/\(id)", headers: members.auth))
                return (body["registered_employees"] as? Int, body["compliance_rate_bp"] as? Int)
            }
            #expect(try counts(employer) == (0, 0))

            let worker = try members.create(nik: MemberFixtures.nik(serial: 1), [
                "segment": #""PPU_BU""#, "class": "1", "employer_id": "\(employer)",
            ])
            #expect(try counts(employer) == (1, 2500))
            #expect(try counts(other) == (0, 0))

            // A PBPU member cannot name an employer, so the count stays.
            let refused = try members.register(nik: MemberFixtures.nik(serial: 2), family: "3507010101200002", ["employer_id": "\(employer)"])
            #expect(try MemberFixtures.errorCodes(refused) == ["employer_id:not_allowed"])
            #expect(try counts(employer) == (1, 2500))

            let deactivated = try members.client.request(
                "POST", "/v1/members/\(worker)/status", headers: members.auth, body: Array(#"{"status":"deactivated","reason":"moved_abroad"}"#.utf8))
            #expect(deactivated.status == 200, "\(deactivated.text)")
            #expect(try counts(employer) == (0, 0))
        }
    }

    @Test("compliance_rate_bp: registered × 10,000 ÷ reported, rounded down, unclamped, nil for 0 reported", arguments: [
        (4, 3, 7500), (2, 3, 15000), (3, 1, 3333), (3, 2, 6666), (1, 0, 0), (7, 7, 10000), (0, 0, nil), (0, 5, nil),
    ] as [(Int64, Int64, Int64?)])
    func complianceRate(reported: Int64, registered: Int64, rate: Int64?) {
        let employer = Employer(
            id: 1, name: "PT X", nib: "3507000000001", regionCode: "3507", reportedEmployees: reported,
            registeredEmployees: registered, version: 1, createdAt: "", updatedAt: "")
        #expect(employer.complianceRateBP == rate)
    }

    @Test("a NIB is 13 ASCII digits, leading zeros kept", arguments: [
        ("0000000000000", true), ("9120001234567", true), ("912000123456", false), ("91200012345678", false), ("", false),
        ("912000123456A", false), (" 912000123456", false), ("912-000123456", false), ("٩١٢٠٠٠١٢٣٤٥٦٧", false), ("９１２０００１２３４５６７", false),
    ])
    func nib(_ text: String, isValid: Bool) {
        #expect((NIB(text) != nil) == isValid)
        #expect(NIB(text)?.digits == (isValid ? text : nil))
    }
}
