import Foundation
import HTTPTestSupport
@testable import Sinergi
import SQLite
import Testing

/// The member registry over HTTP: registration rules, refusals and warnings, the family class
/// rule, class and facility change rules, the status lifecycle, and what each role sees.
@Suite struct MemberTests {
    /// An application with regions seeded, an officer's fixtures, and the body.
    /// The first day of the tests' calendar; date rules move the clock from here.
    static let firstDay = CalendarDate("2026-01-15")!

    static func withRegistry(
        clock: ManualClock = ManualClock(firstDay), _ body: (Application, Int, MemberFixtures) async throws -> Void
    ) async throws {
        try await withTestApplication(clock: clock.clock) { application, port in
            try MemberFixtures.seedRegions(application)
            let officer = try application.issueKey(role: .officer, name: "officer")
            let fixtures = MemberFixtures(client: try RawClient(port: port), auth: ["Authorization": "Bearer \(officer)"])
            try await body(application, port, fixtures)
        }
    }

    @Test("registration answers 201 with id, status, ETag, Location and no-store; the record reads back")
    func registerAndRead() async throws {
        try await Self.withRegistry { _, _, members in
            let response = try members.register(nik: MemberFixtures.nik(serial: 1), ["phone": #""0812-3456-7890""#, "card_no": #""0001383605256""#])
            #expect(response.status == 201, "\(response.text)")
            let object = try MemberFixtures.object(response)
            let id = try #require(object["id"] as? Int)
            #expect(response.header("Location") == "/v1/members/\(id)")
            #expect(response.header("ETag") == "\"1.pending\"")
            #expect(response.header("Cache-Control") == "no-store")
            #expect(object["status"] as? String == "pending")
            #expect((object["warnings"] as? [Any])?.isEmpty == true)
            #expect(object["card_no"] as? String == "0001383605256")
            let read = try members.client.request("GET", "/v1/members/\(id)", headers: members.auth)
            let readObject = try MemberFixtures.object(read)
            #expect(readObject["nik"] as? String == MemberFixtures.nik(serial: 1))
            #expect(readObject["phone"] as? String == "081234567890")
            #expect(read.header("Cache-Control") == "no-store")
            #expect(try members.client.request("GET", "/v1/members/\(id + 1)", headers: members.auth).status == 404)
        }
    }

    @Test("each NIK refusal is a 422 with its own code", arguments: [
        ("350701101081000", "nik:invalid_length"),
        ("35070110108100012", "nik:invalid_length"),
        ("3507011010810 01", "nik:invalid_characters"),
        ("1007011010810001", "nik:invalid_province"),
        ("9707011010810001", "nik:invalid_province"),
        ("3507001010810001", "nik:invalid_district"),
        ("3507011010810000", "nik:invalid_serial"),
        ("3507013102810001", "nik:invalid_birth_date"),  // 31 February
        ("3507012902810001", "nik:invalid_birth_date"),  // 29 February 1981 / 2081: neither is a leap year
        ("3507017202810001", "nik:invalid_birth_date"),  // a woman's 32nd
        ("3507013510810001", "nik:invalid_birth_date"),  // day 35 fits neither sex
    ])
    func nikRefusals(_ nik: String, _ expected: String) async throws {
        try await Self.withRegistry { _, _, members in
            let response = try members.register(nik: nik)
            #expect(response.status == 422)
            #expect(try MemberFixtures.errorCodes(response).contains(expected), "\(response.text)")
            #expect(!response.text.contains(nik), "an error never echoes the NIK")
        }
    }

    @Test("leap days and the +40 rule are accepted")
    func leapDaysAndWomen() async throws {
        try await Self.withRegistry { _, _, members in
            // 29 February 1984; a woman born on the 31st (71); a woman born on 29 February 2000.
            for (nik, birth, sex) in [("3507012902840001", "1984-02-29", "M"), ("3507017101900002", "1990-01-31", "F"), ("3507016902000003", "2000-02-29", "F")] {
                let response = try members.register(nik: nik, family: "35070101012000\(nik.suffix(2))", ["birth_date": "\"\(birth)\"", "sex": "\"\(sex)\""])
                #expect(response.status == 201, "\(nik): \(response.text)")
                #expect((try MemberFixtures.object(response)["warnings"] as? [Any])?.isEmpty == true, "\(nik)")
            }
        }
    }

    @Test("disagreements with the NIK are warnings with the created record, never refusals")
    func warnings() async throws {
        try await Self.withRegistry { _, _, members in
            // The BPJS sample: NIK 3319022010810007 with birth date 1981-10-10, in a regency this
            // database does not know; and a woman's NIK recorded as a man.
            let cases: [(String, [String: String], Set<String>)] = [
                ("3319022010810007", ["birth_date": #""1981-10-10""#], ["birth_date:birth_date_mismatch", "nik:unknown_province"]),
                (MemberFixtures.nik(serial: 2, female: true), [:], ["sex:sex_mismatch"]),
                ("3599011010810003", [:], ["nik:unknown_regency"]),
                ("3507991010810004", [:], ["nik:unknown_district"]),
            ]
            for (index, (nik, fields, expected)) in cases.enumerated() {
                let response = try members.register(nik: nik, family: "350701010120000\(index)", fields)
                #expect(response.status == 201, "\(response.text)")
                let warnings = try MemberFixtures.object(response)["warnings"] as? [[String: Any]] ?? []
                #expect(Set(warnings.map { "\($0["field"]!):\($0["code"]!)" }) == expected, "\(nik)")
            }
        }
    }

    @Test("every bad field is reported at once; segment rules and references are checked")
    func fieldRules() async throws {
        try await Self.withRegistry { _, _, members in
            let response = try members.register(nik: "12", family: "123", [
                "birth_date": #""1981-02-30""#, "sex": #""L""#, "segment": #""PBI_APBN""#, "class": "2",
                "region_code": #""35.0""#, "card_no": #""12345""#, "phone": #""abc""#, "relationship": #""cousin""#,
            ])
            #expect(response.status == 422)
            #expect(Set(try MemberFixtures.errorCodes(response)) == [
                "nik:invalid_length", "family_card_no:invalid_format", "birth_date:invalid_format", "sex:invalid_value",
                "class:class_not_allowed", "region_code:invalid_format", "card_no:invalid_format", "phone:invalid_format",
                "relationship:invalid_value",
            ])
            let ppu = try members.register(nik: MemberFixtures.nik(serial: 5), ["segment": #""PPU_BU""#])
            #expect(try MemberFixtures.errorCodes(ppu) == ["employer_id:required"])
            let references = try members.register(nik: MemberFixtures.nik(serial: 5), [
                "segment": #""PPU_BU""#, "employer_id": "99", "region_code": #""52""#,
                "registered_via": #"{"organization_id":77,"event_id":3,"cadre_id":4}"#,
            ])
            #expect(Set(try MemberFixtures.errorCodes(references)) == [
                "employer_id:not_found", "region_code:not_found", "registered_via.organization_id:not_found",
                "registered_via.event_id:not_found", "registered_via.cadre_id:not_found",
            ])
            // 150 characters of "e" and a combining accent are 300 code points: too long for
            // the column, refused as such instead of failing in the database.
            let combining = String(repeating: "e\u{301}", count: 150)
            let long = try members.register(nik: MemberFixtures.nik(serial: 7), ["full_name": "\"\(combining)\""])
            #expect(try MemberFixtures.errorCodes(long) == ["full_name:too_long"])
            let pbi = try members.register(nik: MemberFixtures.nik(serial: 6), ["segment": #""PBI_APBN""#, "employer_id": "1"])
            #expect(try MemberFixtures.errorCodes(pbi) == ["employer_id:not_allowed"])
        }
    }

    @Test("a NIK or card number registered twice is 409 naming the existing member")
    func duplicates() async throws {
        try await Self.withRegistry { _, _, members in
            let id = try members.create(nik: MemberFixtures.nik(serial: 1), ["card_no": #""0000000000001""#])
            let again = try members.register(nik: MemberFixtures.nik(serial: 1))
            #expect(again.status == 409)
            #expect(try MemberFixtures.object(again)["existing_id"] as? Int == id)
            let card = try members.register(nik: MemberFixtures.nik(serial: 2), ["card_no": #""0000000000001""#])
            #expect(card.status == 409)
            #expect(try MemberFixtures.object(card)["existing_id"] as? Int == id)
        }
    }

    @Test("PBPU members of one family card share one class; the refusal names the class in use")
    func familyClass() async throws {
        try await Self.withRegistry { _, _, members in
            _ = try members.create(nik: MemberFixtures.nik(serial: 1), ["class": "2"])
            let spouse = try members.register(nik: MemberFixtures.nik(serial: 2, female: true), ["class": "1", "sex": #""F""#, "relationship": #""spouse""#])
            #expect(spouse.status == 422)
            #expect(try MemberFixtures.errorCodes(spouse) == ["class:family_class_mismatch"])
            #expect(spouse.text.contains("class 2"))
            // Same class is fine; another segment on the card is not bound by the PBPU rule.
            _ = try members.create(nik: MemberFixtures.nik(serial: 3), ["class": "2", "relationship": #""child""#])
            _ = try members.create(nik: MemberFixtures.nik(serial: 4), ["class": "3", "segment": #""PBI_APBD""#, "relationship": #""other""#])
            let family = try members.client.request("GET", "/v1/families/3507010101200001", headers: members.auth)
            #expect(family.status == 200)
            #expect(family.header("Cache-Control") == "no-store")
            #expect((try MemberFixtures.object(family)["members"] as? [Any])?.count == 3)
            #expect(try members.client.request("GET", "/v1/families/3507010101209999", headers: members.auth).status == 404)
        }
    }

    @Test("the class changes only after a year, and a PBPU family moves together; history records both")
    func classChange() async throws {
        let clock = ManualClock(Self.firstDay)
        try await Self.withRegistry(clock: clock) { application, _, members in
            let head = try members.create(nik: MemberFixtures.nik(serial: 1), ["class": "3"])
            let child = try members.create(nik: MemberFixtures.nik(serial: 2), ["class": "3", "relationship": #""child""#])
            let early = try members.client.request("PATCH", "/v1/members/\(head)", headers: members.auth.merging(["If-Match": "*"]) { $1 }, body: Array(#"{"class":2}"#.utf8))
            #expect(early.status == 422)
            #expect(try MemberFixtures.errorCodes(early) == ["class:class_change_too_early"])
            #expect(early.text.contains("2027-01-15"))
            clock.set(CalendarDate("2027-01-14")!)
            let dayBefore = try members.client.request("PATCH", "/v1/members/\(head)", headers: members.auth.merging(["If-Match": "*"]) { $1 }, body: Array(#"{"class":2}"#.utf8))
            #expect(try MemberFixtures.errorCodes(dayBefore) == ["class:class_change_too_early"])

            clock.set(CalendarDate("2027-01-15")!)
            let changed = try members.client.request("PATCH", "/v1/members/\(head)", headers: members.auth.merging(["If-Match": "\"1.pending\""]) { $1 }, body: Array(#"{"class":2}"#.utf8))
            #expect(changed.status == 200, "\(changed.text)")
            #expect(try MemberFixtures.object(changed)["class"] as? Int == 2)
            let childRead = try MemberFixtures.object(try members.client.request("GET", "/v1/members/\(child)", headers: members.auth))
            #expect(childRead["class"] as? Int == 2)
            let stale = try members.client.request("PATCH", "/v1/members/\(head)", headers: members.auth.merging(["If-Match": "\"1.pending\""]) { $1 }, body: Array(#"{"address":"x"}"#.utf8))
            #expect(stale.status == 412)

            for (id, count) in [(head, 1), (child, 1)] {
                let history = try MemberFixtures.object(try members.client.request("GET", "/v1/members/\(id)/history", headers: members.auth))
                let entries = try #require(history["data"] as? [[String: Any]])
                #expect(entries.count == count)
                #expect(entries.last?["field"] as? String == "class")
                #expect(entries.last?["new_value"] as? String == "2")
            }
        }
    }

    @Test("the facility may change three months after the last change, not earlier")
    func facilityChange() async throws {
        let clock = ManualClock(Self.firstDay)
        try await Self.withRegistry(clock: clock) { application, _, members in
            let (first, second) = (try seedFacility(application), try seedFacility(application))
            let id = try members.create(nik: MemberFixtures.nik(serial: 1), ["facility_id": "\(first)"])
            let headers = members.auth.merging(["If-Match": "*"]) { $1 }
            let early = try members.client.request("PATCH", "/v1/members/\(id)", headers: headers, body: Array(#"{"facility_id":\#(second)}"#.utf8))
            #expect(early.status == 422)
            #expect(try MemberFixtures.errorCodes(early) == ["facility_id:facility_change_too_early"])
            #expect(early.text.contains("2026-04-15"))
            clock.set(CalendarDate("2026-04-15")!)
            let changed = try members.client.request("PATCH", "/v1/members/\(id)", headers: headers, body: Array(#"{"facility_id":\#(second)}"#.utf8))
            #expect(changed.status == 200, "\(changed.text)")
            #expect(try MemberFixtures.object(changed)["facility_since"] as? String == "2026-04-15")
        }
    }

    @Test("statuses follow from the segment; only deactivation is set, with a reason, once")
    func statusLifecycle() async throws {
        let clock = ManualClock(Self.firstDay)
        try await Self.withRegistry(clock: clock) { _, _, members in
            let pbi = try members.create(nik: MemberFixtures.nik(serial: 1), ["segment": #""PBI_APBN""#])
            let local = try members.create(nik: MemberFixtures.nik(serial: 2), ["segment": #""PBI_APBD""#, "family_card_no": #""3507010101200002""#])
            let mandiri = try members.create(nik: MemberFixtures.nik(serial: 3), ["family_card_no": #""3507010101200003""#])
            func status(_ id: Int) throws -> String? {
                try MemberFixtures.object(try members.client.request("GET", "/v1/members/\(id)", headers: members.auth))["status"] as? String
            }
            #expect(try status(pbi) == "active")
            #expect(try status(local) == "pending")
            #expect(try status(mandiri) == "pending")
            // A local-government PBI member is active from the first of the next month, and its
            // ETag changes with the derived status.
            let pendingETag = try members.client.request("GET", "/v1/members/\(local)", headers: members.auth).header("ETag")
            clock.set(CalendarDate("2026-01-31")!)
            #expect(try status(local) == "pending")
            clock.set(CalendarDate("2026-02-01")!)
            #expect(try status(local) == "active")
            let activeETag = try members.client.request("GET", "/v1/members/\(local)", headers: members.auth).header("ETag")
            #expect(pendingETag != nil && activeETag != nil && pendingETag != activeETag)
            let filtered = try MemberFixtures.object(try members.client.request("GET", "/v1/members?status=active", headers: members.auth))
            #expect(Set((filtered["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }) == [pbi, local])

            func post(_ id: Int, _ body: String) throws -> RawClient.Response {
                try members.client.request("POST", "/v1/members/\(id)/status", headers: members.auth, body: Array(body.utf8))
            }
            #expect(try MemberFixtures.errorCodes(try post(mandiri, #"{"status":"active"}"#)) == ["status:not_settable"])
            #expect(try MemberFixtures.errorCodes(try post(mandiri, #"{"status":"deactivated"}"#)) == ["reason:required"])
            #expect(try MemberFixtures.errorCodes(try post(mandiri, #"{"status":"deactivated","reason":"bored"}"#)) == ["reason:invalid_value"])
            let done = try post(mandiri, #"{"status":"deactivated","reason":"deceased"}"#)
            #expect(done.status == 200)
            #expect(try MemberFixtures.object(done)["status_reason"] as? String == "deceased")
            #expect(try post(mandiri, #"{"status":"deactivated","reason":"duplicate"}"#).status == 409)
            #expect(try members.client.request("PATCH", "/v1/members/\(mandiri)", headers: members.auth.merging(["If-Match": "*"]) { $1 }, body: Array(#"{"address":"x"}"#.utf8)).status == 409)
            let history = try MemberFixtures.object(try members.client.request("GET", "/v1/members/\(mandiri)/history", headers: members.auth))
            let entries = (history["data"] as? [[String: Any]] ?? []).map { "\($0["old_value"] ?? "-")>\($0["new_value"] ?? "-"):\($0["reason"] ?? "-")" }
            #expect(entries == ["pending>deactivated:deceased"])
        }
    }

    @Test("the lifecycle allows exactly its transitions", arguments: MemberStatus.allCases)
    func transitions(_ from: MemberStatus) {
        let allowed: [MemberStatus: Set<MemberStatus>] = [
            .pending: [.active, .deactivated], .active: [.inactive, .deactivated], .inactive: [.active, .deactivated], .deactivated: [],
        ]
        for to in MemberStatus.allCases {
            #expect(from.allows(to) == allowed[from]!.contains(to), "\(from) → \(to)")
        }
    }

    @Test("list filters: nik, card, family, region, segment; a bad filter is 422")
    func listFilters() async throws {
        try await Self.withRegistry { _, _, members in
            let first = try members.create(nik: MemberFixtures.nik(serial: 1), ["card_no": #""0000000000007""#])
            let second = try members.create(nik: MemberFixtures.nik(serial: 2), ["family_card_no": #""3507010101200002""#, "region_code": #""3573""#, "segment": #""BP""#])
            func ids(_ query: String) throws -> [Int] {
                let response = try members.client.request("GET", "/v1/members?\(query)", headers: members.auth)
                #expect(response.status == 200, "\(query): \(response.text)")
                return (try MemberFixtures.object(response)["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            }
            #expect(try ids("nik=\(MemberFixtures.nik(serial: 2))") == [second])
            #expect(try ids("card_no=0000000000007") == [first])
            #expect(try ids("family_card_no=3507010101200002") == [second])
            #expect(try ids("region=35.73") == [second])
            #expect(try ids("region=35") == [first, second])
            #expect(try ids("segment=PBPU") == [first])
            #expect(try ids("limit=1") == [first])
            let bad = try members.client.request("GET", "/v1/members?nik=123&segment=X&region=x", headers: members.auth)
            #expect(Set(try MemberFixtures.errorCodes(bad)) == ["nik:invalid_format", "segment:invalid_value", "region:invalid_format"])
        }
    }
}
