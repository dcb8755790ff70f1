import Foundation
import HTTPTestSupport
import Sinergi
import SQLite
import Testing

/// A partner key must not reach another partner's data by any path. Each row is one path,
/// asked with a key of partner A about partner B's data; every domain adds its paths here
/// (members, families, validation, reports and import results join as they are built).
@Suite struct ScopeTests {
    /// Ids the rows refer to: A's tree and B's tree.
    struct Trees {
        let ownRoot: Int64
        let ownChild: Int64
        let otherRoot: Int64
        let otherChild: Int64
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        /// The path, given the trees.
        let path: @Sendable (Trees) -> String
        /// What must hold of the answer to partner A.
        let check: @Sendable (RawClient.Response, Trees) -> Bool
        var testDescription: String { name }
    }

    static func ids(_ response: RawClient.Response) -> Set<Int64> {
        let page = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return Set((page?["data"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? Int).map(Int64.init) })
    }

    static let rows: [Row] = [
        Row(name: "get another partner's organization", path: { "/v1/organizations/\($0.otherRoot)" }) { response, _ in response.status == 404 },
        Row(name: "get another partner's sub-organization", path: { "/v1/organizations/\($0.otherChild)" }) { response, _ in response.status == 404 },
        Row(name: "list organizations", path: { _ in "/v1/organizations?limit=500" }) { response, trees in
            response.status == 200 && ids(response) == [trees.ownRoot, trees.ownChild]
        },
        Row(name: "filter by the other partner as parent", path: { "/v1/organizations?parent_id=\($0.otherRoot)" }) { response, _ in
            response.status == 200 && ids(response).isEmpty
        },
        Row(name: "filter by the other partner's region", path: { _ in "/v1/organizations?region=52" }) { response, _ in
            response.status == 200 && ids(response).isEmpty
        },
        Row(name: "filter by kind", path: { _ in "/v1/organizations?kind=zakat_body" }) { response, trees in
            response.status == 200 && ids(response) == [trees.ownChild]
        },
        Row(name: "children of the own organization", path: { "/v1/organizations/\($0.ownRoot)" }) { response, trees in
            response.status == 200 && response.text.contains(#""id":\#(trees.ownChild)"#) && !response.text.contains(#""id":\#(trees.otherChild)"#)
        },
    ]

    @Test("partner A cannot see partner B's data", arguments: rows)
    func isolation(_ row: Row) async throws {
        try await withTestApplication { application, port in
            let trees = try application.database.writeSync { connection -> Trees in
                for (code, level, parent) in [("35", "province", nil), ("3507", "regency", "35"), ("52", "province", nil), ("5203", "regency", "52")] as [(String, String, String?)] {
                    try connection.execute("INSERT INTO regions (code, name, level, parent_code) VALUES (?, ?, ?, ?)",
                                           [.text(code), .text(code), .text(level), SQLiteValue(parent)])
                }
                func insert(_ name: String, _ kind: String, _ parent: Int64?, _ region: String) throws -> Int64 {
                    try connection.fetchOne("""
                        INSERT INTO organizations (name, kind, parent_id, region_code, created_at, updated_at)
                        VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id
                        """, [.text(name), .text(kind), SQLiteValue(parent), .text(region)]) { $0.int64(at: 0) }!
                }
                let ownRoot = try insert("PCNU Kabupaten Malang", "ormas", nil, "3507")
                let ownChild = try insert("LAZISNU Kabupaten Malang", "zakat_body", ownRoot, "3507")
                let otherRoot = try insert("PCNU Lombok Timur", "ormas", nil, "5203")
                let otherChild = try insert("LAZISNU Lombok Timur", "zakat_body", otherRoot, "5203")
                return Trees(ownRoot: ownRoot, ownChild: ownChild, otherRoot: otherRoot, otherChild: otherChild)
            }
            let partnerA = try application.issueKey(role: .partner, name: "A", organizationID: trees.ownRoot)
            let response = try RawClient(port: port).request("GET", row.path(trees), headers: ["Authorization": "Bearer \(partnerA)"])
            #expect(row.check(response, trees), "\(row.name): \(response.status) \(response.text)")
        }
    }
}
