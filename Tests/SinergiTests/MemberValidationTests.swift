import Foundation
import HTTPTestSupport
import Sinergi
import SQLite
import Testing

/// `POST /v1/members/validate`: a list checked against the registry, each item answered in its
/// place (a bad NIK is an answer, not a refusal of the list), with a summary; scope limits what
/// an answer says about members the caller may not see.
@Suite struct MemberValidationTests {
    static func validate(_ members: MemberFixtures, _ body: String) throws -> RawClient.Response {
        try members.client.request("POST", "/v1/members/validate", headers: members.auth, body: Array(body.utf8))
    }

    static func items(_ response: RawClient.Response) throws -> [[String: Any]] {
        try #require(try MemberFixtures.object(response)["data"] as? [[String: Any]], "\(response.text)")
    }

    static func summary(_ response: RawClient.Response) throws -> [String: Int] {
        try #require(try MemberFixtures.object(response)["summary"] as? [String: Int], "\(response.text)")
    }

    @Test("each item is answered in its place: mismatches, refused NIKs with their code, missing NIKs, unregistered; then the summary")
    func perItem() async throws {
        try await MemberTests.withRegistry { _, _, members in
            // Registered as "Siti Aminah", born 1981-10-10; another member deactivated.
            let id = try members.create(nik: MemberFixtures.nik(serial: 1))
            let gone = try members.create(nik: MemberFixtures.nik(serial: 2), family: "3507010101200002")
            let deactivated = try members.client.request(
                "POST", "/v1/members/\(gone)/status", headers: members.auth, body: Array(#"{"status":"deactivated","reason":"deceased"}"#.utf8))
            #expect(deactivated.status == 200)
            let registered = MemberFixtures.nik(serial: 1)
            let response = try Self.validate(members, """
                {"items":[
                {"nik":"\(registered)","full_name":"  SITI   aminah ","birth_date":"1981-10-10"},
                {"nik":"\(registered)","full_name":"Siti Rahmawati"},
                {"nik":"\(registered)","birth_date":"1981-10-11"},
                {"nik":"\(registered)","full_name":"Siti Rahmawati","birth_date":"1981-10-11"},
                {"nik":"3507011013810001"},
                {"nik":"12"},
                {"full_name":"Tanpa NIK"},
                {"nik":null},
                {"nik":"\(MemberFixtures.nik(serial: 3))","full_name":"Belum Terdaftar"},
                {"nik":"\(MemberFixtures.nik(serial: 2))"}
                ]}
                """)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.header("Cache-Control") == "no-store")
            let items = try Self.items(response)
            try #require(items.count == 10)
            #expect(items.map { $0["index"] as? Int } == Array(0..<10))

            // In scope and registered: the id, the status and the comparison.
            for (index, mismatches) in [(0, [String]()), (1, ["full_name"]), (2, ["birth_date"]), (3, ["full_name", "birth_date"])] {
                let item = items[index]
                #expect(item["nik_valid"] as? Bool == true, "\(index)")
                #expect(item["nik_error"] is NSNull, "\(index)")
                #expect(item["registered"] as? Bool == true, "\(index)")
                #expect(item["member_id"] as? Int == id, "\(index)")
                #expect(item["status"] as? String == "pending", "\(index)")
                #expect(item["mismatches"] as? [String] == mismatches, "\(index)")
            }
            // Refused NIKs, a missing or null NIK: nik_valid false with the code registration
            // would refuse with, and nothing about the registry.
            for (index, code) in [(4, "invalid_birth_date"), (5, "invalid_length"), (6, "required"), (7, "required")] {
                let item = items[index]
                #expect(item["nik_valid"] as? Bool == false, "\(index)")
                #expect(item["nik_error"] as? String == code, "\(index)")
                #expect(item["registered"] as? Bool == false, "\(index)")
                #expect(!item.keys.contains("member_id") && !item.keys.contains("status") && !item.keys.contains("mismatches"), "\(index)")
            }
            // A valid NIK nobody registered.
            #expect(items[8]["nik_valid"] as? Bool == true)
            #expect(items[8]["registered"] as? Bool == false)
            #expect(!items[8].keys.contains("member_id") && !items[8].keys.contains("status"))
            // A deactivated member is still registered, with its status.
            #expect(items[9]["registered"] as? Bool == true)
            #expect(items[9]["member_id"] as? Int == gone)
            #expect(items[9]["status"] as? String == "deactivated")

            #expect(try Self.summary(response) == ["items": 10, "nik_invalid": 4, "registered": 5, "not_registered": 1])
            #expect(!response.text.contains(registered), "the answer never repeats a NIK")

            // A line that is not an object, or a field of the wrong type, makes the request malformed.
            let malformed = try Self.validate(members, #"{"items":[{"nik":"\#(registered)"},42,{"nik":7},{"birth_date":"1981-02-30"}]}"#)
            #expect(malformed.status == 422)
            #expect(Set(try MemberFixtures.errorCodes(malformed)) == [
                "items[1]:invalid_type", "items[2].nik:invalid_type", "items[3].birth_date:invalid_format",
            ])
        }
    }

    @Test("a partner learns of another partner's member only that it is registered, and its status; the summary counts both")
    func partnerScope() async throws {
        try await MemberTests.withRegistry { application, port, officer in
            let own = try seedOrganization(application)
            let other = try seedOrganization(application, name: "PCNU Lombok Timur")
            let ownMember = try officer.create(nik: MemberFixtures.nik(serial: 1), ["registered_via": #"{"organization_id":\#(own)}"#])
            _ = try officer.create(nik: MemberFixtures.nik(serial: 2), family: "3507010101200002", [
                "registered_via": #"{"organization_id":\#(other)}"#, "full_name": #""Rahma Wati""#,
            ])
            // Registered by an officer with no organization: outside every partner's scope.
            _ = try officer.create(nik: MemberFixtures.nik(serial: 3), family: "3507010101200003")
            let partner = MemberFixtures(
                client: try RawClient(port: port),
                auth: ["Authorization": "Bearer \(try application.issueKey(role: .partner, name: "p", organizationID: own))"])
            let response = try Self.validate(partner, """
                {"items":[{"nik":"\(MemberFixtures.nik(serial: 1))","full_name":"Other"},\
                {"nik":"\(MemberFixtures.nik(serial: 2))","full_name":"Other","birth_date":"2000-01-01"},\
                {"nik":"\(MemberFixtures.nik(serial: 3))"}]}
                """)
            #expect(response.status == 200, "\(response.text)")
            let items = try Self.items(response)
            try #require(items.count == 3)
            #expect(items[0]["member_id"] as? Int == ownMember)
            #expect(items[0]["mismatches"] as? [String] == ["full_name"])
            for item in items.dropFirst() {
                #expect(item["registered"] as? Bool == true)
                #expect(item["status"] as? String == "pending")
                #expect(Set(item.keys) == ["index", "nik_valid", "nik_error", "registered", "status"])
            }
            #expect(!response.text.contains("Rahma"))
            #expect(try Self.summary(response) == ["items": 3, "nik_invalid": 0, "registered": 3, "not_registered": 0])
        }
    }

    @Test("the list itself must be an array of at most 10,000 items", arguments: [
        (#"{}"#, "items:required"),
        (#"{"items":{"nik":"3507011010810001"}}"#, "items:invalid_type"),
        (#"{"items":"3507011010810001"}"#, "items:invalid_type"),
    ])
    func listShape(_ body: String, _ expected: String) async throws {
        try await MemberTests.withRegistry { _, _, members in
            let response = try Self.validate(members, body)
            #expect(response.status == 422)
            #expect(try MemberFixtures.errorCodes(response) == [expected])
        }
    }

    @Test("10,000 items are answered; 10,001 are refused with items:too_many")
    func itemLimit() async throws {
        try await MemberTests.withRegistry { _, port, officer in
            _ = try officer.create(nik: MemberFixtures.nik(serial: 1))
            // A debug build takes seconds over 10,000 lookups, longer while the whole suite runs:
            // a client that waits a minute, so the bound catches a hang, not a slow machine.
            let members = MemberFixtures(client: try RawClient(port: port, timeout: .seconds(60)), auth: officer.auth)
            func body(_ count: Int) -> String {
                let items = (0..<count).map { #"{"nik":"\#(MemberFixtures.nik(serial: $0 % 9999 + 1))"}"# }
                return #"{"items":["# + items.joined(separator: ",") + "]}"
            }
            let tooMany = try Self.validate(members, body(10_001))
            #expect(tooMany.status == 422)
            #expect(try MemberFixtures.errorCodes(tooMany) == ["items:too_many"])

            let most = try Self.validate(members, body(10_000))
            #expect(most.status == 200)
            #expect(try Self.items(most).count == 10_000)
            // Serial 1 comes up twice in 10,000 (indexes 0 and 9,999).
            #expect(try Self.summary(most) == ["items": 10_000, "nik_invalid": 0, "registered": 2, "not_registered": 9_998])
        }
    }
}
