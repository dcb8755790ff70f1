import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import Testing

/// The facility registry (DOMAIN.md, Facilities): kinds and levels, the partnership pipeline
/// and its preconditions, coaching visits and follow-ups, the owner-subtree filter, the FKTP
/// rule for members, and what a partner may do.
@Suite struct FacilityTests {
    static func body(_ name: String, kind: String = "clinic_primary", level: String = "primary", _ fields: [String: String] = [:]) -> String {
        var values = ["name": "\"\(name)\"", "kind": "\"\(kind)\"", "level": "\"\(level)\"", "region_code": #""3507""#, "address": #""Jl. Raya Singosari 1""#]
        for (key, value) in fields { values[key] = value }
        return "{" + values.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    static func create(_ members: MemberFixtures, _ name: String, kind: String = "clinic_primary", level: String = "primary", _ fields: [String: String] = [:]) throws -> Int {
        let response = try members.client.request("POST", "/v1/facilities", headers: members.auth, body: Array(body(name, kind: kind, level: level, fields).utf8))
        #expect(response.status == 201, "\(response.text)")
        return try #require(try MemberFixtures.object(response)["id"] as? Int)
    }

    static func transition(_ members: MemberFixtures, _ id: Int, to: String, note: String = "langkah") throws -> RawClient.Response {
        try members.client.request("POST", "/v1/facilities/\(id)/transitions", headers: members.auth, body: Array(#"{"to":"\#(to)","note":"\#(note)"}"#.utf8))
    }

    static func patch(_ members: MemberFixtures, _ id: Int, _ body: String) throws -> RawClient.Response {
        try members.client.request("PATCH", "/v1/facilities/\(id)", headers: members.auth.merging(["If-Match": "*"]) { $1 }, body: Array(body.utf8))
    }

    static func get(_ members: MemberFixtures, _ path: String) throws -> [String: Any] {
        try MemberFixtures.object(try members.client.request("GET", path, headers: members.auth))
    }

    static func ids(_ object: [String: Any]) -> [Int] {
        (object["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    @Test("the kind decides the level: each kind with its level is taken, with another refused")
    func kindsAndLevels() async throws {
        try await MemberTests.withRegistry { _, _, members in
            for kind in FacilityKind.allCases {
                let created = try members.client.request("POST", "/v1/facilities", headers: members.auth,
                                                          body: Array(Self.body(kind.rawValue, kind: kind.rawValue, level: kind.level.rawValue).utf8))
                #expect(created.status == 201, "\(kind): \(created.text)")
                let body = try MemberFixtures.object(created)
                #expect(body["status"] as? String == "prospect")
                #expect(created.header("Location") == "/v1/facilities/\(body["id"] as? Int ?? 0)")
                for level in FacilityLevel.allCases where level != kind.level {
                    let refused = try members.client.request("POST", "/v1/facilities", headers: members.auth,
                                                              body: Array(Self.body("x", kind: kind.rawValue, level: level.rawValue).utf8))
                    #expect(try MemberFixtures.errorCodes(refused) == ["level:level_mismatch"], "\(kind) as \(level)")
                }
            }
            let bad = try members.client.request("POST", "/v1/facilities", headers: members.auth,
                                                  body: Array(#"{"name":"","kind":"spa","level":"primary","region_code":"3599","beds":-1,"color":"x"}"#.utf8))
            #expect(Set(try MemberFixtures.errorCodes(bad)) == [
                "name:required", "kind:invalid_value", "region_code:not_found", "beds:out_of_range", "address:required", "color:unknown_field",
            ])
        }
    }

    @Test("the pipeline: one step at a time, contracted only with a BPJS code and a current accreditation, each step in the history")
    func pipeline() async throws {
        try await MemberTests.withRegistry { _, _, members in
            let id = try Self.create(members, "Klinik Pratama NU Singosari")
            #expect(try Self.transition(members, id, to: "contracted").status == 409)
            #expect(try MemberFixtures.errorCodes(try members.client.request(
                "POST", "/v1/facilities/\(id)/transitions", headers: members.auth, body: Array(#"{"to":"applied"}"#.utf8))) == ["note:required"])
            #expect(try Self.transition(members, id, to: "applied", note: "berkas lengkap").status == 200)
            #expect(try Self.transition(members, id, to: "credentialing", note: "kredensialing dijadwalkan").status == 200)
            let missing = try Self.transition(members, id, to: "contracted")
            #expect(Set(try MemberFixtures.errorCodes(missing)) == ["bpjs_code:required", "accreditation:required"])

            // An expired accreditation: a warning on the facility, a refusal to contract.
            let expired = try Self.patch(members, id, #"{"bpjs_code":"0123R001","accreditation":{"status":"madya","expires_on":"2025-12-31"}}"#)
            #expect(expired.status == 200, "\(expired.text)")
            let shown = try Self.get(members, "/v1/facilities/\(id)")
            #expect(shown["accreditation_expired"] as? Bool == true)
            #expect((shown["warnings"] as? [[String: Any]])?.first?["code"] as? String == "accreditation_expired")
            #expect(try MemberFixtures.errorCodes(try Self.transition(members, id, to: "contracted")) == ["accreditation.expires_on:accreditation_expired"])
            #expect(try Self.patch(members, id, #"{"accreditation":{"status":"utama","expires_on":"2028-06-30"}}"#).status == 200)
            let contracted = try Self.transition(members, id, to: "contracted", note: "PKS ditandatangani")
            #expect(contracted.status == 200, "\(contracted.text)")
            #expect((try MemberFixtures.object(contracted)["warnings"] as? [Any])?.isEmpty == true)
            for (to, expected) in [("suspended", 200), ("credentialing", 409), ("contracted", 200), ("terminated", 200), ("applied", 409), ("contracted", 409)] {
                #expect(try Self.transition(members, id, to: to).status == expected, "to \(to)")
            }
            let history = try Self.get(members, "/v1/facilities/\(id)/history")
            let moves = (history["data"] as? [[String: Any]] ?? []).map { "\($0["from"] ?? "")→\($0["to"] ?? ""): \($0["note"] ?? "")" }
            #expect(moves == [
                "prospect→applied: berkas lengkap", "applied→credentialing: kredensialing dijadwalkan", "credentialing→contracted: PKS ditandatangani",
                "contracted→suspended: langkah", "suspended→contracted: langkah", "contracted→terminated: langkah",
            ])

            // A pesantren health post is in the registry, never in the pipeline.
            let post = try Self.create(members, "Poskestren Al-Hikmah", kind: "pesantren_health_post", level: "community")
            #expect(try MemberFixtures.errorCodes(try Self.transition(members, post, to: "applied")) == ["to:not_contractable"])
            // A BPJS code belongs to one facility.
            let other = try Self.create(members, "Klinik Utama NU", kind: "clinic_main", level: "referral")
            #expect(try Self.patch(members, other, #"{"bpjs_code":"0123R001"}"#).status == 409)
            #expect(try MemberFixtures.errorCodes(try Self.patch(members, other, #"{"kind":"hospital","status":"contracted"}"#)) .sorted() == [
                "kind:read_only", "status:read_only",
            ])
        }
    }

    @Test("visits: the latest score per area, follow-ups open, overdue and done")
    func visits() async throws {
        let clock = ManualClock(MemberTests.firstDay)
        try await MemberTests.withRegistry(clock: clock) { _, _, members in
            let id = try Self.create(members, "Klinik Pratama NU Lawang")
            let first = try members.client.request("POST", "/v1/facilities/\(id)/visits", headers: members.auth, body: Array("""
                {"visited_on":"2026-01-10","officer":"dr. Rina","findings":"Antrean masih manual","scores":{"contact_rate":60,"staff":70},
                 "follow_ups":[{"description":"Antrean online","due_on":"2026-01-12"},{"description":"Pelatihan Prolanis","due_on":"2026-02-01"}]}
                """.utf8))
            #expect(first.status == 201, "\(first.text)")
            #expect((try MemberFixtures.object(first)["scores"] as? [String: Any])?["staff"] as? Int == 70)
            #expect(try members.client.request("POST", "/v1/facilities/\(id)/visits", headers: members.auth, body: Array("""
                {"visited_on":"2026-01-14","officer":"dr. Rina","scores":{"contact_rate":80}}
                """.utf8)).status == 201)
            let refused = try members.client.request("POST", "/v1/facilities/\(id)/visits", headers: members.auth, body: Array("""
                {"visited_on":"2026-01-16","officer":"","scores":{"hygiene":5,"staff":101},"follow_ups":[{"due_on":"2026-02-30"}]}
                """.utf8))
            #expect(Set(try MemberFixtures.errorCodes(refused)) == [
                "visited_on:in_future", "officer:required", "scores.hygiene:unknown_field", "scores.staff:out_of_range",
                "follow_ups[0].description:required", "follow_ups[0].due_on:invalid_format",
            ])

            var facility = try Self.get(members, "/v1/facilities/\(id)")
            let scores = try #require(facility["latest_scores"] as? [String: Any])
            #expect(scores["contact_rate"] as? Int == 80 && scores["staff"] as? Int == 70 && scores["prolanis"] is NSNull)
            #expect(facility["follow_ups_open"] as? Int == 2 && facility["follow_ups_overdue"] as? Int == 1)
            let overdue = Self.ids(try Self.get(members, "/v1/facilities/\(id)/follow-ups?state=overdue"))
            #expect(overdue.count == 1)
            let done = try members.client.request("POST", "/v1/facilities/\(id)/follow-ups/\(overdue[0])/completion", headers: members.auth)
            #expect(done.status == 200)
            #expect(try MemberFixtures.object(done)["state"] as? String == "done")
            let again = try members.client.request("POST", "/v1/facilities/\(id)/follow-ups/\(overdue[0])/completion", headers: members.auth, body: Array("{}".utf8))
            #expect(try MemberFixtures.object(again)["done_at"] as? String == (try MemberFixtures.object(done)["done_at"] as? String))
            facility = try Self.get(members, "/v1/facilities/\(id)")
            #expect(facility["follow_ups_open"] as? Int == 1 && facility["follow_ups_overdue"] as? Int == 0)
            #expect(Self.ids(try Self.get(members, "/v1/facilities/\(id)/follow-ups?state=done")) == overdue)
            // The second falls due: overdue from the day after its due date.
            clock.set(CalendarDate("2026-02-02")!)
            #expect(try Self.get(members, "/v1/facilities/\(id)")["follow_ups_overdue"] as? Int == 1)
            #expect((try Self.get(members, "/v1/facilities/\(id)/visits")["data"] as? [[String: Any]])?.count == 2)
            #expect(try members.client.request("POST", "/v1/facilities/\(id)/follow-ups/999999/completion", headers: members.auth).status == 404)
        }
    }

    @Test("members choose only a primary facility under contract, on registration and PATCH; a facility counts its members")
    func fktpRule() async throws {
        try await MemberTests.withRegistry { application, _, members in
            let contracted = try seedFacility(application)
            let referral = try seedFacility(application, kind: "hospital", level: "referral")
            let prospect = try seedFacility(application, status: "prospect")
            for (facility, code) in [(prospect, "not_contracted"), (referral, "not_fktp"), (999_999, "not_found")] as [(Int64, String)] {
                let refused = try members.register(nik: MemberFixtures.nik(serial: 1), ["facility_id": "\(facility)"])
                #expect(try MemberFixtures.errorCodes(refused) == ["facility_id:\(code)"], "\(facility)")
            }
            let id = try members.create(nik: MemberFixtures.nik(serial: 1), ["facility_id": "\(contracted)"])
            #expect(try Self.get(members, "/v1/facilities/\(contracted)")["member_count"] as? Int == 1)
            let headers = members.auth.merging(["If-Match": "*"]) { $1 }
            let patch = try members.client.request("PATCH", "/v1/members/\(id)", headers: headers, body: Array(#"{"facility_id":\#(referral)}"#.utf8))
            #expect(try MemberFixtures.errorCodes(patch) == ["facility_id:not_fktp"])
        }
    }

    @Test("PCNU Kabupaten Malang: two clinics through the pipeline with two coaching visits and a pesantren health post; the PCNU filter shows all three")
    func pcnuScenario() async throws {
        try await MemberTests.withRegistry { application, _, members in
            let pcnu = try seedOrganization(application, name: "PCNU Kabupaten Malang")
            let lknu = try seedOrganization(application, name: "LKNU Kabupaten Malang", parent: pcnu)
            let pesantren = try seedOrganization(application, name: "Pesantren Al-Hikmah", parent: pcnu)
            let other = try seedOrganization(application, name: "PCNU Kota Malang")
            let singosari = try Self.create(members, "Klinik NU Singosari", ["owner_organization_id": "\(pcnu)"])
            let lawang = try Self.create(members, "Klinik LKNU Lawang", ["owner_organization_id": "\(lknu)", "beds": "4", "doctors": "2"])
            let post = try Self.create(members, "Poskestren Al-Hikmah", kind: "pesantren_health_post", level: "community", ["owner_organization_id": "\(pesantren)"])
            _ = try Self.create(members, "Klinik NU Kota", ["owner_organization_id": "\(other)"])

            for (clinic, code) in [(singosari, "0123R101"), (lawang, "0123R102")] {
                #expect(try Self.transition(members, clinic, to: "applied").status == 200)
                #expect(try Self.transition(members, clinic, to: "credentialing").status == 200)
                #expect(try members.client.request("POST", "/v1/facilities/\(clinic)/visits", headers: members.auth, body: Array("""
                    {"visited_on":"2026-01-14","officer":"dr. Rina","scores":{"digital_services":40},"follow_ups":[{"description":"Antrean online","due_on":"2026-03-01"}]}
                    """.utf8)).status == 201)
                #expect(try Self.patch(members, clinic, #"{"bpjs_code":"\#(code)","accreditation":{"status":"dasar","expires_on":"2029-01-31"}}"#).status == 200)
                #expect(try Self.transition(members, clinic, to: "contracted").status == 200)
            }
            #expect(try Self.transition(members, post, to: "applied").status == 422)

            let byPCNU = try Self.get(members, "/v1/facilities?owner_organization_id=\(pcnu)")
            #expect(Self.ids(byPCNU) == [singosari, lawang, post])
            #expect(Self.ids(try Self.get(members, "/v1/facilities?owner_organization_id=\(lknu)")) == [lawang])
            #expect(Self.ids(try Self.get(members, "/v1/facilities?owner_organization_id=\(pcnu)&status=contracted")) == [singosari, lawang])
            #expect(Self.ids(try Self.get(members, "/v1/facilities?owner_organization_id=\(pcnu)&level=community")) == [post])
            #expect(Self.ids(try Self.get(members, "/v1/facilities?kind=pesantren_health_post&region=35.07")) == [post])
            #expect(Self.ids(try Self.get(members, "/v1/facilities?region=3573")).isEmpty)
            let statuses = (byPCNU["data"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
            #expect(statuses == ["contracted", "contracted", "prospect"])
            #expect((byPCNU["data"] as? [[String: Any]])?.map { $0["follow_ups_open"] as? Int } == [1, 1, 0])
            // A suspended contract may also end.
            #expect(try Self.transition(members, lawang, to: "suspended", note: "izin habis").status == 200)
            #expect(try Self.transition(members, lawang, to: "terminated", note: "tidak diperpanjang").status == 200)
            #expect(try Self.get(members, "/v1/facilities/\(lawang)")["status"] as? String == "terminated")
        }
    }

    @Test("a partner proposes prospects for its own tree, marks follow-ups done, and changes no pipeline status")
    func partner() async throws {
        try await MemberTests.withRegistry { application, port, members in
            let pcnu = try seedOrganization(application, name: "PCNU Kabupaten Malang")
            let other = try seedOrganization(application, name: "PCNU Kota Malang")
            let partner = MemberFixtures(
                client: try RawClient(port: port),
                auth: ["Authorization": "Bearer \(try application.issueKey(role: .partner, name: "p", organizationID: pcnu))"])
            let proposed = try MemberFixtures.object(try partner.client.request(
                "POST", "/v1/facilities", headers: partner.auth, body: Array(Self.body("Klinik NU Baru").utf8)))
            #expect(proposed["owner_organization_id"] as? Int == Int(pcnu) && proposed["status"] as? String == "prospect")
            let outside = try partner.client.request("POST", "/v1/facilities", headers: partner.auth,
                                                      body: Array(Self.body("Klinik", ["owner_organization_id": "\(other)"]).utf8))
            #expect(try MemberFixtures.errorCodes(outside) == ["owner_organization_id:not_found"])
            let id = try #require(proposed["id"] as? Int)
            #expect(try Self.transition(partner, id, to: "applied").status == 403)
            let followUp = try seedFollowUp(application, facility: Int64(id))
            #expect(try partner.client.request("POST", "/v1/facilities/\(id)/follow-ups/\(followUp)/completion", headers: partner.auth).status == 200)
            #expect(try Self.get(members, "/v1/facilities/\(id)")["follow_ups_open"] as? Int == 0)
        }
    }
}
