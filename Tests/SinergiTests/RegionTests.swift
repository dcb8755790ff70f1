import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import SQLite
import Testing

/// The Kemendagri list as loaded on first start, and the region endpoints.
@Suite struct RegionTests {
    @Test("the list loads with 38 provinces, 514 regencies, 7,285 districts and 83,762 villages")
    func counts() async throws {
        try await withTestApplication(configure: { $0.loadRegions = true }) { application, _ in
            let counts = try await application.store.read { connection in
                try connection.fetchAll("SELECT level, count(*) FROM regions GROUP BY level") { ($0.string(at: 0), $0.int(at: 1)) }
            }
            let byLevel = Dictionary(uniqueKeysWithValues: counts)
            #expect(byLevel == ["province": 38, "regency": 514, "district": 7285, "village": 83762])
            let orphans = try await application.store.read { connection in
                try connection.fetchOne("""
                    SELECT count(*) FROM regions c LEFT JOIN regions p ON p.code = c.parent_code
                    WHERE c.level <> 'province' AND p.code IS NULL
                    """) { $0.int(at: 0) }
            }
            #expect(orphans == 0)
        }
    }

    @Test("known regions answer with name, level, parent chain and population; dotted and plain codes alike")
    func knownRegions() async throws {
        try await withTestApplication(configure: { $0.loadRegions = true }) { application, port in
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .viewer, name: "v"))"]
            let client = try RawClient(port: port)
            func region(_ code: String) throws -> [String: Any] {
                let response = try client.request("GET", "/v1/regions/\(code)", headers: auth)
                #expect(response.status == 200, "\(code)")
                return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            }
            let malang = try region("3507")
            #expect(malang["name"] as? String == "Kabupaten Malang")
            #expect(malang["level"] as? String == "regency")
            #expect(malang["kind"] as? String == "kabupaten")
            #expect((malang["population"] as? [String: Any])?["population"] as? Int == 2_734_623)
            #expect(((malang["parents"] as? [[String: Any]])?.first?["code"]) as? String == "35")
            #expect(try region("35.07")["name"] as? String == "Kabupaten Malang")
            #expect(try region("3573")["name"] as? String == "Kota Malang")
            #expect(try region("5203")["name"] as? String == "Kabupaten Lombok Timur")
            #expect(try region("3519")["name"] as? String == "Kabupaten Madiun")
            let village = try region("35.07.01.2001")
            #expect((village["parents"] as? [[String: Any]])?.map { $0["level"] as? String } == ["district", "regency", "province"])
            for missing in ["3599", "35.7", "abc", "350"] {
                #expect(try client.request("GET", "/v1/regions/\(missing)", headers: auth).status == 404)
            }
        }
    }

    @Test("lists filter by level and parent and page with cursors")
    func listing() async throws {
        try await withTestApplication(configure: { $0.loadRegions = true }) { application, port in
            let auth = ["Authorization": "Bearer \(try application.issueKey(role: .viewer, name: "v"))"]
            let client = try RawClient(port: port)
            var codes: [String] = []
            var cursor: String?
            repeat {
                let query = "/v1/regions?level=regency&parent=35&limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try #require(try JSONSerialization.jsonObject(with: Data(try client.request("GET", query, headers: auth).body)) as? [String: Any])
                codes += (page["data"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(codes.count == 38)  // Jawa Timur: 29 kabupaten and 9 kota
            #expect(codes == codes.sorted())
            #expect(codes.allSatisfy { $0.hasPrefix("35") && $0.count == 4 })
            #expect(try client.request("GET", "/v1/regions?level=desa", headers: auth).status == 422)
        }
    }

    @Test("officers record a population; the latest year counts; viewers may not")
    func population() async throws {
        try await withTestApplication(configure: { $0.loadRegions = true }) { application, port in
            let officer = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "o"))"]
            let viewer = ["Authorization": "Bearer \(try application.issueKey(role: .viewer, name: "v"))"]
            let client = try RawClient(port: port)
            let body = Array(#"{"year":2026,"population":2750000}"#.utf8)
            #expect(try client.request("PUT", "/v1/regions/35.07/population", headers: viewer, body: body).status == 403)
            let response = try client.request("PUT", "/v1/regions/35.07/population", headers: officer, body: body)
            #expect(response.status == 200)
            let region = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect((region["population"] as? [String: Any])?["year"] as? Int == 2026)
            #expect((region["populations"] as? [Any])?.count == 2)
            let bad = try client.request("PUT", "/v1/regions/3507/population", headers: officer, body: Array(#"{"year":"x","population":-1}"#.utf8))
            #expect(bad.status == 422)
            #expect(bad.text.contains(#""field":"year""#) && bad.text.contains(#""field":"population""#))
            #expect(try client.request("PUT", "/v1/regions/3599/population", headers: officer, body: body).status == 404)
        }
    }

    @Test("codes parse with or without dots, and only with dots between levels", arguments: [
        ("35", "35"), ("35.07", "3507"), ("3507", "3507"), ("35.07.01", "350701"), ("3507012001", "3507012001"),
        ("35.07.01.2001", "3507012001"), ("35.0701", "350701"),
    ])
    func codes(_ text: String, digits: String) {
        #expect(RegionCode(text)?.digits == digits)
    }

    @Test("malformed codes are refused", arguments: ["", "3", "350", "35.", ".35", "3.507", "35..07", "35a7", "35070120011"])
    func badCodes(_ text: String) {
        #expect(RegionCode(text) == nil)
    }
}
