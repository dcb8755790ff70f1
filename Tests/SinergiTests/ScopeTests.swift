import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import SQLite
import Testing

/// A partner key must not reach another partner's data by any path. Each row is one path,
/// asked with a key of partner A about partner B's data; every domain adds its paths here.
/// Members cover get, list and each filter, history, family cards, registration refusals and
/// list validation; reports and import results join as they are built.
@Suite struct ScopeTests {
    /// Ids the rows refer to: A's tree and B's tree, and one member registered via each of
    /// their organizations. The members of `mixedFamily` are A's child's and B's child's.
    struct Trees {
        let ownRoot: Int64
        let ownChild: Int64
        let otherRoot: Int64
        let otherChild: Int64
        let ownMember: Int
        let ownChildMember: Int
        let otherMember: Int
        let otherChildMember: Int
        /// Import jobs for A's root and for B's root.
        var ownImport: Int64 = 0
        var otherImport: Int64 = 0
        /// Schemes funded by A's child, by B's root, and by both roots; an invoice each for A's
        /// child (of the first) and B's root (of the second).
        var ownScheme: Int64 = 0
        var otherScheme: Int64 = 0
        var sharedScheme: Int64 = 0
        var ownInvoice: Int64 = 0
        var otherInvoice: Int64 = 0
        /// Facilities owned by A's child and by B's root, and a follow-up of B's.
        var ownFacility: Int64 = 0
        var otherFacility: Int64 = 0
        var otherFollowUp: Int64 = 0
        /// A prospect of B's: not a facility A's members may choose, and not one A may learn of.
        var otherProspect: Int64 = 0

        static let ownNIK = MemberFixtures.nik(serial: 1)
        static let otherNIK = MemberFixtures.nik(serial: 3)
        static let ownFamily = "3507010101200001"
        static let otherFamily = "3507010101200002"
        static let mixedFamily = "3507010101200003"
        static let otherCard = "0000000000003"
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let method: String
        /// The path, given the trees.
        let path: @Sendable (Trees) -> String
        /// The JSON body, given the trees; empty for none.
        let body: @Sendable (Trees) -> String
        /// What must hold of the answer to partner A.
        let check: @Sendable (RawClient.Response, Trees) -> Bool
        var testDescription: String { name }

        init(
            name: String, method: String = "GET", path: @escaping @Sendable (Trees) -> String,
            body: @escaping @Sendable (Trees) -> String = { _ in "" },
            check: @escaping @Sendable (RawClient.Response, Trees) -> Bool
        ) {
            self.name = name
            self.method = method
            self.path = path
            self.body = body
            self.check = check
        }
    }

    static func ids(_ response: RawClient.Response) -> Set<Int64> {
        let page = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return Set((page?["data"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? Int).map(Int64.init) })
    }

    static func object(_ response: RawClient.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    /// The single answer of a one-item validation.
    static func validation(_ response: RawClient.Response) -> [String: Any] {
        (object(response)["data"] as? [[String: Any]])?.first ?? [:]
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

        // Members.
        Row(name: "get another partner's member", path: { "/v1/members/\($0.otherMember)" }) { response, _ in response.status == 404 },
        Row(name: "get a member of another partner's sub-organization", path: { "/v1/members/\($0.otherChildMember)" }) { response, _ in
            response.status == 404
        },
        Row(name: "get a member of the own sub-organization", path: { "/v1/members/\($0.ownChildMember)" }) { response, _ in
            response.status == 200
        },
        Row(name: "list members", path: { _ in "/v1/members?limit=500" }) { response, trees in
            response.status == 200 && ids(response) == [Int64(trees.ownMember), Int64(trees.ownChildMember)]
        },
        Row(name: "filter members by the other partner's member's NIK", path: { _ in "/v1/members?nik=\(Trees.otherNIK)" }) { response, _ in
            response.status == 200 && ids(response).isEmpty
        },
        Row(name: "filter members by the own member's NIK", path: { _ in "/v1/members?nik=\(Trees.ownNIK)" }) { response, trees in
            response.status == 200 && ids(response) == [Int64(trees.ownMember)]
        },
        Row(name: "filter members by the other partner's card number", path: { _ in "/v1/members?card_no=\(Trees.otherCard)" }) { response, _ in
            response.status == 200 && ids(response).isEmpty
        },
        Row(name: "filter members by the other partner's family card", path: { _ in "/v1/members?family_card_no=\(Trees.otherFamily)" }) { response, _ in
            response.status == 200 && ids(response).isEmpty
        },
        Row(name: "filter members by a mixed family card", path: { _ in "/v1/members?family_card_no=\(Trees.mixedFamily)" }) { response, trees in
            response.status == 200 && ids(response) == [Int64(trees.ownChildMember)]
        },
        Row(name: "filter members by the other partner as organization", path: { "/v1/members?organization_id=\($0.otherRoot)" }) { response, _ in
            response.status == 200 && ids(response).isEmpty
        },
        Row(name: "filter members by the other partner's sub-organization", path: { "/v1/members?organization_id=\($0.otherChild)" }) { response, _ in
            response.status == 200 && ids(response).isEmpty
        },
        Row(name: "filter members by the other partner's region", path: { _ in "/v1/members?region=52" }) { response, _ in
            response.status == 200 && ids(response).isEmpty
        },
        Row(name: "filter members by status", path: { _ in "/v1/members?status=pending" }) { response, trees in
            response.status == 200 && ids(response) == [Int64(trees.ownMember), Int64(trees.ownChildMember)]
        },
        Row(name: "another partner's member's history", path: { "/v1/members/\($0.otherMember)/history" }) { response, _ in
            response.status == 404
        },
        Row(name: "another partner's family card", path: { _ in "/v1/families/\(Trees.otherFamily)" }) { response, _ in
            response.status == 404
        },
        Row(name: "a family card shared with another partner's member", path: { _ in "/v1/families/\(Trees.mixedFamily)" }) { response, trees in
            let members = object(response)["members"] as? [[String: Any]] ?? []
            return response.status == 200 && members.compactMap { $0["id"] as? Int } == [trees.ownChildMember]
        },
        // Changes are not a partner's to make at all; were they allowed, B's member would be 404.
        Row(name: "change another partner's member", method: "PATCH", path: { "/v1/members/\($0.otherMember)" },
            body: { _ in #"{"address":"x"}"# }) { response, _ in response.status == 403 },
        Row(name: "deactivate another partner's member", method: "POST", path: { "/v1/members/\($0.otherMember)/status" },
            body: { _ in #"{"status":"deactivated","reason":"duplicate"}"# }) { response, _ in response.status == 403 },
        Row(name: "register another partner's member's NIK again", method: "POST", path: { _ in "/v1/members" },
            body: { _ in String(decoding: MemberFixtures.body(nik: Trees.otherNIK, family: "3507010101209999"), as: UTF8.self) }) { response, _ in
            response.status == 409 && !object(response).keys.contains("existing_id")
        },
        Row(name: "register another partner's member's card number again", method: "POST", path: { _ in "/v1/members" },
            body: { _ in
                String(decoding: MemberFixtures.body(nik: MemberFixtures.nik(serial: 9), family: "3507010101209999", ["card_no": "\"\(Trees.otherCard)\""]),
                       as: UTF8.self)
            }) { response, _ in
            response.status == 409 && !object(response).keys.contains("existing_id")
        },
        Row(name: "register via another partner's organization", method: "POST", path: { _ in "/v1/members" },
            body: { trees in
                String(decoding: MemberFixtures.body(nik: MemberFixtures.nik(serial: 9), family: "3507010101209999",
                                                     ["registered_via": #"{"organization_id":\#(trees.otherChild)}"#]), as: UTF8.self)
            }) { response, _ in
            response.status == 422 && response.text.contains(#""field":"registered_via.organization_id","code":"not_found""#)
        },
        // Validation says of B's member only that the NIK is registered, and its status: no id,
        // no comparison, and not B's member's name ("Rahma Wati").
        Row(name: "validate another partner's member's NIK", method: "POST", path: { _ in "/v1/members/validate" },
            body: { _ in #"{"items":[{"nik":"\#(Trees.otherNIK)","full_name":"Someone Else","birth_date":"1990-01-01"}]}"# }) { response, _ in
            let item = validation(response)
            return response.status == 200 && item["registered"] as? Bool == true && item["status"] as? String == "pending"
                && !item.keys.contains("member_id") && !item.keys.contains("mismatches") && !response.text.contains("Rahma")
        },
        Row(name: "validate the own member's NIK", method: "POST", path: { _ in "/v1/members/validate" },
            body: { _ in #"{"items":[{"nik":"\#(Trees.ownNIK)","full_name":"Someone Else"}]}"# }) { response, trees in
            let item = validation(response)
            return response.status == 200 && item["registered"] as? Bool == true && item["member_id"] as? Int == trees.ownMember
                && item["mismatches"] as? [String] == ["full_name"]
        },
    ]

    static let importRows: [Row] = [
        Row(name: "get another partner's import", path: { "/v1/imports/\($0.otherImport)" }) { response, _ in response.status == 404 },
        Row(name: "read another partner's import errors", path: { "/v1/imports/\($0.otherImport)/errors" }) { response, _ in
            response.status == 404
        },
        Row(name: "list imports", path: { _ in "/v1/imports" }) { response, trees in
            response.status == 200 && ids(response) == [trees.ownImport]
        },
        Row(name: "import for another partner's organization", method: "POST", path: { "/v1/imports?organization_id=\($0.otherRoot)" },
            body: { _ in ImportTests.header + "\n" }) { response, _ in
            response.status == 422 && response.text.contains("organization_id")
        },
    ]

    static func funders(_ response: RawClient.Response) -> [Int64] {
        (object(response)["funders"] as? [[String: Any]] ?? []).compactMap { ($0["organization_id"] as? Int).map(Int64.init) }
    }

    static let contributionRows: [Row] = [
        Row(name: "list schemes", path: { _ in "/v1/schemes?limit=500" }) { response, trees in
            response.status == 200 && ids(response) == [trees.ownScheme, trees.sharedScheme]
        },
        Row(name: "filter schemes by the other partner as funder", path: { "/v1/schemes?organization_id=\($0.otherRoot)" }) { response, trees in
            response.status == 200 && ids(response) == [trees.sharedScheme]
        },
        Row(name: "a shared scheme shows the co-funder's money to staff only", path: { "/v1/schemes/\($0.sharedScheme)" }) { response, trees in
            let funders = object(response)["funders"] as? [[String: Any]] ?? []
            return response.status == 200 && funders.map { $0["organization_id"] as? Int } == [Int(trees.ownRoot), Int(trees.otherRoot)]
                && funders[0]["billed_idr"] as? Int == 0 && funders[1]["billed_idr"] is NSNull
        },
        Row(name: "get another partner's scheme", path: { "/v1/schemes/\($0.otherScheme)" }) { response, _ in response.status == 404 },
        Row(name: "get the own child's scheme", path: { "/v1/schemes/\($0.ownScheme)" }) { response, _ in response.status == 200 },
        Row(name: "another partner's scheme statement", path: { "/v1/schemes/\($0.otherScheme)/statement" }) { response, _ in
            response.status == 404
        },
        Row(name: "a shared scheme's statement shows the own funder only", path: { "/v1/schemes/\($0.sharedScheme)/statement" }) { response, trees in
            response.status == 200 && funders(response) == [trees.ownRoot]
        },
        Row(name: "another partner's invoice", path: { "/v1/invoices/\($0.otherInvoice)" }) { response, _ in response.status == 404 },
        Row(name: "the own child's invoice", path: { "/v1/invoices/\($0.ownInvoice)" }) { response, _ in response.status == 200 },
        // Beneficiaries, billing and payments are staff's; were they allowed, B's would be 404.
        Row(name: "another partner's scheme beneficiaries", path: { "/v1/schemes/\($0.otherScheme)/beneficiaries" }) { response, _ in
            response.status == 403
        },
        Row(name: "add beneficiaries to another partner's scheme", method: "POST", path: { "/v1/schemes/\($0.otherScheme)/beneficiaries" },
            body: { #"{"member_ids":[\#($0.otherMember)]}"# }) { response, _ in response.status == 403 },
        Row(name: "remove a beneficiary of another partner's scheme", method: "DELETE",
            path: { "/v1/schemes/\($0.otherScheme)/beneficiaries/\($0.otherMember)" }) { response, _ in response.status == 403 },
        Row(name: "bill another partner's scheme", method: "POST", path: { "/v1/schemes/\($0.otherScheme)/billing-runs" },
            body: { _ in #"{"period":"2026-01"}"# }) { response, _ in response.status == 403 },
        Row(name: "pay another partner's invoice", method: "POST", path: { "/v1/invoices/\($0.otherInvoice)/payments" },
            body: { _ in #"{"amount_idr":1,"paid_on":"2026-01-01","reference":"x"}"# }) { response, _ in response.status == 403 },
        Row(name: "pay for another partner's member", method: "POST", path: { "/v1/members/\($0.otherMember)/payments" },
            body: { _ in #"{"period":"2026-01","amount_idr":35000,"source":"participant","paid_on":"2026-01-01","reference":"x"}"# }) { response, _ in
            response.status == 403
        },
        Row(name: "another partner's member's payments", path: { "/v1/members/\($0.otherMember)/payments" }) { response, _ in
            response.status == 404
        },
        Row(name: "the own member's payments", path: { "/v1/members/\($0.ownMember)/payments" }) { response, _ in response.status == 200 },
        Row(name: "another partner's member's arrears", path: { "/v1/members/\($0.otherChildMember)/arrears" }) { response, _ in
            response.status == 404
        },
        // The card is shared with B's member: A hears only of its own.
        Row(name: "the own child's member's arrears, on a card shared with another partner's member",
            path: { "/v1/members/\($0.ownChildMember)/arrears" }) { response, trees in
            response.status == 200 && object(response)["member_ids"] as? [Int] == [trees.ownChildMember]
        },
    ]

    static let facilityRows: [Row] = [
        Row(name: "list facilities", path: { _ in "/v1/facilities?limit=500" }) { response, trees in
            response.status == 200 && ids(response) == [trees.ownFacility]
        },
        Row(name: "filter facilities by the other partner as owner", path: { "/v1/facilities?owner_organization_id=\($0.otherRoot)" }) { response, _ in
            response.status == 200 && ids(response).isEmpty
        },
        Row(name: "filter facilities by the own root as owner", path: { "/v1/facilities?owner_organization_id=\($0.ownRoot)" }) { response, trees in
            response.status == 200 && ids(response) == [trees.ownFacility]
        },
        Row(name: "get another partner's facility", path: { "/v1/facilities/\($0.otherFacility)" }) { response, _ in response.status == 404 },
        Row(name: "get the own child's facility", path: { "/v1/facilities/\($0.ownFacility)" }) { response, _ in response.status == 200 },
        Row(name: "another partner's facility history", path: { "/v1/facilities/\($0.otherFacility)/history" }) { response, _ in response.status == 404 },
        Row(name: "another partner's facility visits", path: { "/v1/facilities/\($0.otherFacility)/visits" }) { response, _ in response.status == 404 },
        Row(name: "another partner's facility follow-ups", path: { "/v1/facilities/\($0.otherFacility)/follow-ups" }) { response, _ in
            response.status == 404
        },
        Row(name: "complete another partner's follow-up", method: "POST",
            path: { "/v1/facilities/\($0.otherFacility)/follow-ups/\($0.otherFollowUp)/completion" }) { response, _ in response.status == 404 },
        Row(name: "complete another partner's follow-up through the own facility", method: "POST",
            path: { "/v1/facilities/\($0.ownFacility)/follow-ups/\($0.otherFollowUp)/completion" }) { response, _ in response.status == 404 },
        Row(name: "propose a facility for another partner's organization", method: "POST", path: { _ in "/v1/facilities" },
            body: { #"{"name":"K","kind":"clinic_primary","level":"primary","region_code":"35","address":"Jl","owner_organization_id":\#($0.otherChild)}"# }) { response, _ in
            response.status == 422 && response.text.contains(#""field":"owner_organization_id","code":"not_found""#)
        },
        Row(name: "register a member at another partner's prospect facility", method: "POST", path: { _ in "/v1/members" },
            body: { trees in
                String(decoding: MemberFixtures.body(nik: MemberFixtures.nik(serial: 9), family: "3507010101209999", ["facility_id": "\(trees.otherProspect)"]),
                       as: UTF8.self)
            }) { response, _ in
            response.status == 422 && response.text.contains(#""field":"facility_id","code":"not_found""#)
        },
        // A contracted FKTP is public: a member may choose one outside the partner's tree.
        Row(name: "register a member at another partner's contracted clinic", method: "POST", path: { _ in "/v1/members" },
            body: { trees in
                String(decoding: MemberFixtures.body(nik: MemberFixtures.nik(serial: 9), family: "3507010101209999", ["facility_id": "\(trees.otherFacility)"]),
                       as: UTF8.self)
            }) { response, _ in response.status == 201 },
        // The pipeline and visits are staff's; were they allowed, B's facility would be 404.
        Row(name: "move another partner's facility", method: "POST", path: { "/v1/facilities/\($0.otherFacility)/transitions" },
            body: { _ in #"{"to":"suspended","note":"x"}"# }) { response, _ in response.status == 403 },
        Row(name: "change another partner's facility", method: "PATCH", path: { "/v1/facilities/\($0.otherFacility)" },
            body: { _ in #"{"address":"x"}"# }) { response, _ in response.status == 403 },
        Row(name: "visit another partner's facility", method: "POST", path: { "/v1/facilities/\($0.otherFacility)/visits" },
            body: { _ in #"{"visited_on":"2026-01-01","officer":"x"}"# }) { response, _ in response.status == 403 },
    ]

    /// The schemes and invoices of `Trees`, written as billing leaves them.
    static func seedSchemes(_ application: Application, _ trees: inout Trees) throws {
        let ids = try application.store.writeSync { [trees] connection -> [Int64] in
            func scheme(_ funders: [Int64]) throws -> Int64 {
                let id = try connection.fetchOne("""
                    INSERT INTO schemes (name, region_code, class, starts_on, quota, created_at, updated_at)
                    VALUES ('SSI', '35', 3, '2026-01-01', 10, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id
                    """) { $0.int64(at: 0) }!
                for (position, funder) in funders.enumerated() {
                    try connection.execute(
                        "INSERT INTO scheme_funders (scheme_id, position, organization_id, share_bp, source) VALUES (?, ?, ?, ?, 'philanthropy')",
                        [.integer(id), .integer(Int64(position)), .integer(funder), .integer(Int64(10_000 / funders.count))])
                }
                return id
            }
            func invoice(_ scheme: Int64, _ funder: Int64) throws -> Int64 {
                let run = try connection.fetchOne("""
                    INSERT INTO billing_runs (scheme_id, period, beneficiaries, total_idr, role, request_id, created_at)
                    VALUES (?, '2026-01', 0, 0, 'officer', 'seed', '2026-01-01T00:00:00Z') RETURNING id
                    """, [.integer(scheme)]) { $0.int64(at: 0) }!
                return try connection.fetchOne("""
                    INSERT INTO invoices (billing_run_id, scheme_id, period, position, organization_id, lines, total_idr, created_at, updated_at)
                    VALUES (?, ?, '2026-01', 0, ?, 0, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id
                    """, [.integer(run), .integer(scheme), .integer(funder)]) { $0.int64(at: 0) }!
            }
            let own = try scheme([trees.ownChild])
            let other = try scheme([trees.otherRoot])
            let shared = try scheme([trees.ownRoot, trees.otherRoot])
            return [own, other, shared, try invoice(own, trees.ownChild), try invoice(other, trees.otherRoot)]
        }
        (trees.ownScheme, trees.otherScheme, trees.sharedScheme, trees.ownInvoice, trees.otherInvoice) = (ids[0], ids[1], ids[2], ids[3], ids[4])
    }

    @Test("partner A cannot see partner B's data", arguments: rows + importRows + contributionRows + facilityRows)
    func isolation(_ row: Row) async throws {
        try await withTestApplication { application, port in
            let organizations = try application.store.writeSync { connection -> (Int64, Int64, Int64, Int64) in
                for (code, level, parent) in [
                    ("35", "province", nil), ("3507", "regency", "35"), ("350701", "district", "3507"), ("52", "province", nil), ("5203", "regency", "52"),
                ] as [(String, String, String?)] {
                    try connection.execute("INSERT INTO regions (code, name, level, parent_code) VALUES (?, ?, ?, ?)",
                                           [.text(code), .text(code), .text(level), SQLValue(parent)])
                }
                func insert(_ name: String, _ kind: String, _ parent: Int64?, _ region: String) throws -> Int64 {
                    try connection.fetchOne("""
                        INSERT INTO organizations (name, kind, parent_id, region_code, created_at, updated_at)
                        VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id
                        """, [.text(name), .text(kind), SQLValue(parent), .text(region)]) { $0.int64(at: 0) }!
                }
                let ownRoot = try insert("PCNU Kabupaten Malang", "ormas", nil, "3507")
                let ownChild = try insert("LAZISNU Kabupaten Malang", "zakat_body", ownRoot, "3507")
                let otherRoot = try insert("PCNU Lombok Timur", "ormas", nil, "5203")
                let otherChild = try insert("LAZISNU Lombok Timur", "zakat_body", otherRoot, "5203")
                return (ownRoot, ownChild, otherRoot, otherChild)
            }
            // An import job each for A's root and B's root, as a finished import leaves it.
            let imports = try application.store.writeSync { connection -> (Int64, Int64) in
                func job(_ organization: Int64) throws -> Int64 {
                    try connection.fetchOne("""
                        INSERT INTO import_jobs (organization_id, scope_organization_id, status, file_name, bytes_total, role,
                            request_id, created_at, updated_at)
                        VALUES (?, ?, 'done', 'gone.csv', 0, 'partner', 'r', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id
                        """, [.integer(organization), .integer(organization)]) { $0.int64(at: 0) }!
                }
                return (try job(organizations.0), try job(organizations.2))
            }
            // Members registered by an officer via each organization; B's live in B's region.
            let officer = MemberFixtures(
                client: try RawClient(port: port),
                auth: ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "officer"))"])
            func member(_ serial: Int, via organization: Int64, family: String, _ fields: [String: String] = [:]) throws -> Int {
                try officer.create(nik: MemberFixtures.nik(serial: serial), family: family, fields.merging([
                    "registered_via": #"{"organization_id":\#(organization)}"#, "full_name": serial > 2 ? #""Rahma Wati""# : #""Siti Aminah""#,
                ]) { $1 })
            }
            var trees = Trees(
                ownRoot: organizations.0, ownChild: organizations.1, otherRoot: organizations.2, otherChild: organizations.3,
                ownMember: try member(1, via: organizations.0, family: Trees.ownFamily, ["card_no": #""0000000000001""#]),
                ownChildMember: try member(2, via: organizations.1, family: Trees.mixedFamily, ["relationship": #""spouse""#]),
                otherMember: try member(3, via: organizations.2, family: Trees.otherFamily, ["card_no": "\"\(Trees.otherCard)\"", "region_code": #""5203""#]),
                otherChildMember: try member(4, via: organizations.3, family: Trees.mixedFamily, ["region_code": #""5203""#]))
            (trees.ownImport, trees.otherImport) = imports
            try Self.seedSchemes(application, &trees)
            trees.ownFacility = try seedFacility(application, owner: trees.ownChild)
            trees.otherFacility = try seedFacility(application, owner: trees.otherRoot)
            trees.otherFollowUp = try seedFollowUp(application, facility: trees.otherFacility)
            trees.otherProspect = try seedFacility(application, status: "prospect", owner: trees.otherRoot)
            let partnerA = try application.issueKey(role: .partner, name: "A", organizationID: trees.ownRoot)
            let response = try RawClient(port: port).request(
                row.method, row.path(trees), headers: ["Authorization": "Bearer \(partnerA)"], body: Array(row.body(trees).utf8))
            #expect(row.check(response, trees), "\(row.name): \(response.status) \(response.text)")
        }
    }
}
