import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import SQLite
import Testing

/// The organization tree: creation, subtree, cycles, If-Match, and partner scope.
@Suite struct OrganizationTests {
    /// Creates an organization through the API and returns its id and ETag.
    static func create(_ client: RawClient, _ auth: [String: String], name: String, kind: String = "ormas", parent: Int? = nil, region: String = "35.07") throws -> Int {
        let parentField = parent.map { #","parent_id":\#($0)"# } ?? ""
        let response = try client.request(
            "POST", "/v1/organizations", headers: auth,
            body: Array(#"{"name":"\#(name)","kind":"\#(kind)","region_code":"\#(region)"\#(parentField)}"#.utf8))
        #expect(response.status == 201, "\(name): \(response.text)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try #require(object["id"] as? Int)
    }

    static func seedRegions(_ application: Application) throws {
        try application.store.writeSync { connection in
            for (code, level, parent) in [("35", "province", nil), ("3507", "regency", "35"), ("3573", "regency", "35"), ("52", "province", nil), ("5203", "regency", "52")] as [(String, String, String?)] {
                try connection.execute("INSERT INTO regions (code, name, level, parent_code) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                       [.text(code), .text("R\(code)"), .text(level), SQLValue(parent)])
            }
        }
    }

    @Test("a tree four deep: the subtree holds every descendant; a cycle is refused")
    func subtreeAndCycles() async throws {
        try await withTestApplication { application, port in
            try Self.seedRegions(application)
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let client = try RawClient(port: port)
            let pcnu = try Self.create(client, auth, name: "PCNU Kabupaten Malang")
            let mwcnu = try Self.create(client, auth, name: "MWCNU Singosari", kind: "ormas_body", parent: pcnu)
            let ranting = try Self.create(client, auth, name: "PRNU Ardimulyo", kind: "ormas_body", parent: mwcnu)
            let anak = try Self.create(client, auth, name: "Anak Ranting Masjid", kind: "ormas_body", parent: ranting)
            let lazisnu = try Self.create(client, auth, name: "LAZISNU Malang", kind: "zakat_body", parent: pcnu)
            let other = try Self.create(client, auth, name: "PCNU Kota Malang", region: "3573")

            let subtree = try await application.store.read { connection in
                try OrganizationRepository.subtree(of: Int64(pcnu), in: connection)
            }
            #expect(Set(subtree) == Set([pcnu, mwcnu, ranting, anak, lazisnu].map(Int64.init)))

            let patch = auth.merging(["If-Match": "*"]) { $1 }
            for (id, parent) in [(pcnu, anak), (pcnu, pcnu), (mwcnu, ranting)] {
                let response = try client.request("PATCH", "/v1/organizations/\(id)", headers: patch, body: Array(#"{"parent_id":\#(parent)}"#.utf8))
                #expect(response.status == 422, "\(id) under \(parent)")
                #expect(response.text.contains(#""field":"parent_id","code":"cycle""#), "\(id) under \(parent)")
            }
            // Moving a branch elsewhere is fine, and clearing the parent makes a root.
            #expect(try client.request("PATCH", "/v1/organizations/\(ranting)", headers: patch, body: Array(#"{"parent_id":\#(other)}"#.utf8)).status == 200)
            let root = try client.request("PATCH", "/v1/organizations/\(ranting)", headers: patch, body: Array(#"{"parent_id":null}"#.utf8))
            #expect(root.text.contains(#""parent_id":null"#))

            let detail = try client.request("GET", "/v1/organizations/\(pcnu)", headers: auth)
            let children = (try JSONSerialization.jsonObject(with: Data(detail.body)) as? [String: Any])?["children"] as? [[String: Any]]
            #expect(Set(children?.compactMap { $0["id"] as? Int } ?? []) == [mwcnu, lazisnu])
        }
    }

    @Test("If-Match: the current ETag updates, a stale one is 412")
    func ifMatch() async throws {
        try await withTestApplication { application, port in
            try Self.seedRegions(application)
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let client = try RawClient(port: port)
            let id = try Self.create(client, auth, name: "Baznas Jawa Timur", kind: "zakat_body", region: "35")
            let etag = try #require(try client.request("GET", "/v1/organizations/\(id)", headers: auth).header("ETag"))
            let first = try client.request(
                "PATCH", "/v1/organizations/\(id)", headers: auth.merging(["If-Match": etag]) { $1 }, body: Array(#"{"name":"BAZNAS Jatim"}"#.utf8))
            #expect(first.status == 200)
            #expect(first.header("ETag") != etag)
            let stale = try client.request(
                "PATCH", "/v1/organizations/\(id)", headers: auth.merging(["If-Match": etag]) { $1 }, body: Array(#"{"name":"again"}"#.utf8))
            #expect(stale.status == 412)
        }
    }

    @Test("If-Match takes a list and *, compares strongly", arguments: [
        (#""3""#, true), (#""2", "3""#, true), ("*", true), ("", false), (#"W/"3""#, false), (#""2""#, false), ("3", false),
    ])
    func ifMatchLists(_ header: String, matches: Bool) {
        #expect(IfMatch.matches(header, etag: #""3""#) == matches)
    }

    @Test("creation checks every field and its references at once")
    func validation() async throws {
        try await withTestApplication { application, port in
            try Self.seedRegions(application)
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let client = try RawClient(port: port)
            let invalid = try client.request("POST", "/v1/organizations", headers: auth, body: Array(#"{"name":"","kind":"club","region_code":"3.5"}"#.utf8))
            #expect(invalid.status == 422)
            for field in ["name", "kind", "region_code"] { #expect(invalid.text.contains(#""field":"\#(field)""#)) }
            let missing = try client.request(
                "POST", "/v1/organizations", headers: auth, body: Array(#"{"name":"X","kind":"other","region_code":"3599","parent_id":999}"#.utf8))
            #expect(missing.status == 422)
            #expect(missing.text.contains(#""field":"parent_id""#) && missing.text.contains(#""field":"region_code""#))
        }
    }

    @Test("a partner key sees its organization's subtree only: get, list, filters, children")
    func partnerScope() async throws {
        try await withTestApplication { application, port in
            try Self.seedRegions(application)
            let officer = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let client = try RawClient(port: port)
            let pcnu = try Self.create(client, officer, name: "PCNU Kabupaten Malang")
            let lazisnu = try Self.create(client, officer, name: "LAZISNU Malang", kind: "zakat_body", parent: pcnu)
            let mwcnu = try Self.create(client, officer, name: "MWCNU Lawang", kind: "ormas_body", parent: pcnu)
            let ranting = try Self.create(client, officer, name: "PRNU Bedali", kind: "ormas_body", parent: mwcnu)
            let otherRoot = try Self.create(client, officer, name: "PCNU Lombok Timur", region: "5203")
            let otherChild = try Self.create(client, officer, name: "LAZISNU Lombok Timur", kind: "zakat_body", parent: otherRoot, region: "5203")

            let partner = ["Authorization": "Bearer \(try application.issueKey(role: .partner, name: "pcnu", organizationID: Int64(pcnu)))"]
            for id in [pcnu, lazisnu, mwcnu, ranting] {
                #expect(try client.request("GET", "/v1/organizations/\(id)", headers: partner).status == 200)
            }
            for id in [otherRoot, otherChild] {
                #expect(try client.request("GET", "/v1/organizations/\(id)", headers: partner).status == 404)
            }
            func ids(_ query: String) throws -> Set<Int> {
                let page = try JSONSerialization.jsonObject(with: Data(try client.request("GET", "/v1/organizations\(query)", headers: partner).body)) as? [String: Any]
                return Set((page?["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
            }
            #expect(try ids("") == [pcnu, lazisnu, mwcnu, ranting])
            #expect(try ids("?kind=zakat_body") == [lazisnu])
            #expect(try ids("?region=52") == [])
            #expect(try ids("?parent_id=\(otherRoot)") == [])
            // The officer sees everything.
            let all = try JSONSerialization.jsonObject(with: Data(try client.request("GET", "/v1/organizations?region=52", headers: officer).body)) as? [String: Any]
            #expect((all?["data"] as? [Any])?.count == 2)
            // A partner of a sub-organization does not see its parent.
            let below = ["Authorization": "Bearer \(try application.issueKey(role: .partner, name: "mwc", organizationID: Int64(mwcnu)))"]
            #expect(try client.request("GET", "/v1/organizations/\(pcnu)", headers: below).status == 404)
            let parentDetail = try client.request("GET", "/v1/organizations/\(mwcnu)", headers: below)
            #expect(parentDetail.text.contains(#""id":\#(ranting)"#))
            // Partners do not create or change organizations.
            #expect(try client.request("POST", "/v1/organizations", headers: partner, body: Array(#"{"name":"X","kind":"other","region_code":"35"}"#.utf8)).status == 403)
            #expect(try client.request("PATCH", "/v1/organizations/\(lazisnu)", headers: partner, body: Array(#"{"name":"X"}"#.utf8)).status == 403)
        }
    }
}
