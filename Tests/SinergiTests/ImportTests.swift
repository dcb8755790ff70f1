import Foundation
import HTTPTestSupport
@testable import Sinergi
import Testing

/// Bulk imports over HTTP: a CSV member list becomes a job that registers each valid row once,
/// with the refusals, warnings and duplicates counted and the refused rows named.
@Suite struct ImportTests {
    static let header = "nik,full_name,birth_date,sex,family_card_no,relationship,segment,class,region_code"

    /// A valid row for `nik` (from `MemberFixtures.nik`), PBPU class 3 on family `family`.
    static func row(_ nik: String, family: String = "3507010101200001", name: String = "Siti Aminah", klass: String = "3") -> String {
        "\(nik),\(name),1981-10-10,M,\(family),head,PBPU,\(klass),3507"
    }

    struct Client {
        let client: RawClient
        let auth: [String: String]

        func post(_ body: String, query: String = "", headers: [String: String] = ["Content-Type": "text/csv"]) throws -> RawClient.Response {
            try post(Array(body.utf8), query: query, headers: headers)
        }

        func post(_ body: [UInt8], query: String = "", headers: [String: String] = ["Content-Type": "text/csv"]) throws -> RawClient.Response {
            try client.request("POST", "/v1/imports" + query, headers: auth.merging(headers) { $1 }, body: body)
        }

        func get(_ path: String, accept: String = "application/json") throws -> RawClient.Response {
            try client.request("GET", path, headers: auth.merging(["Accept": accept]) { $1 })
        }

        /// Posts `body`, expects 202, and waits for the job to end; returns the finished job.
        func importCSV(_ body: String, query: String = "") throws -> [String: Any] {
            let response = try post(body, query: query)
            #expect(response.status == 202, "\(response.text)")
            let id = try #require(try MemberFixtures.object(response)["id"] as? Int)
            #expect(response.header("Location") == "/v1/imports/\(id)")
            return try finished(id)
        }

        /// The job once it is done or failed. A job runs in the background, so this asks until it
        /// says so (the answer the API gives its users), for at most 30 s.
        func finished(_ id: Int) throws -> [String: Any] {
            let deadline = ContinuousClock.now + .seconds(30)
            while true {
                let job = try MemberFixtures.object(try get("/v1/imports/\(id)"))
                let status = job["status"] as? String
                if status == "done" || status == "failed" || ContinuousClock.now > deadline { return job }
                Thread.sleep(forTimeInterval: 0.01)
            }
        }

        /// The job's refused rows as `row:field:code`.
        func errors(_ id: Int) throws -> [String] {
            let page = try MemberFixtures.object(try get("/v1/imports/\(id)/errors?limit=500"))
            return (page["data"] as? [[String: Any]] ?? []).map { "\($0["row"] ?? ""):\($0["field"] ?? ""):\($0["code"] ?? "")" }
        }
    }

    static func withImports(_ body: (Application, Client, MemberFixtures) async throws -> Void) async throws {
        try await withTestApplication(clock: ManualClock(MemberTests.firstDay).clock) { application, port in
            try MemberFixtures.seedRegions(application)
            let officer = try application.issueKey(role: .officer, name: "officer")
            let auth = ["Authorization": "Bearer \(officer)"]
            try await body(application, Client(client: try RawClient(port: port), auth: auth), MemberFixtures(client: try RawClient(port: port), auth: auth))
        }
    }

    static func memberCount(_ application: Application) throws -> Int64 {
        try application.store.readSync { try MemberRepository.count(in: $0) }
    }

    @Test("a mixed file gives exact counts: valid rows registered once, refusals named by row, field and code, duplicates skipped")
    func mixedFile() async throws {
        try await Self.withImports { application, imports, members in
            _ = try members.create(nik: MemberFixtures.nik(serial: 90), family: "3507010101200090")  // registered before
            let lines = [
                Self.header,
                Self.row(MemberFixtures.nik(serial: 1)),                                      // 1 accepted
                Self.row(MemberFixtures.nik(serial: 2), family: "3507010101200002"),          // 2 accepted
                Self.row("3507011010810000"),                                                 // 3 nik invalid_serial
                "\(MemberFixtures.nik(serial: 4)),,1981-10-10,M,3507010101200004,head,PBPU,5,3507",  // 4 full_name required, class out_of_range
                Self.row(MemberFixtures.nik(serial: 1), family: "3507010101200005"),          // 5 duplicate in the file
                Self.row(MemberFixtures.nik(serial: 90), family: "3507010101200090"),         // 6 duplicate of the registry
                Self.row(MemberFixtures.nik(serial: 7), klass: "2"),                          // 7 family class mismatch with row 1
                "\(MemberFixtures.nik(serial: 8)),Budi,1980-01-01,M,3507010101200008,head,PBI_APBN,3,3507",  // 8 accepted, birth date warning
                "\(MemberFixtures.nik(serial: 9)),Budi,1981-10-10,M,3507010101200009,head,PBI_APBN,1,3507",  // 9 class_not_allowed
                "\(MemberFixtures.nik(serial: 10)),Budi,1981-10-10,M,3507010101200010,head,PBPU,3,9999",    // 10 region not_found
                "\(MemberFixtures.nik(serial: 11)),Budi",                                     // 11 wrong field count
                "\(MemberFixtures.nik(serial: 12)),Budi,1981-10-10,M,3507010101200012,head,PBPU,x,3507",    // 12 class invalid_type
            ]
            let job = try imports.importCSV(lines.joined(separator: "\n") + "\n")
            #expect(job["status"] as? String == "done", "\(job)")
            #expect(job["rows_total"] as? Int == 12)
            #expect(job["rows_done"] as? Int == 12)
            #expect(job["accepted"] as? Int == 3)
            #expect(job["rejected"] as? Int == 7)
            #expect(job["duplicates"] as? Int == 2)
            #expect(job["warnings"] as? Int == 1)
            #expect(job["bytes_done"] as? Int == job["bytes_total"] as? Int)
            #expect(job["started_at"] is String && job["finished_at"] is String)
            let id = try #require(job["id"] as? Int)
            #expect(try imports.errors(id) == [
                "3:nik:invalid_serial", "4:full_name:required", "4:class:out_of_range", "7:class:family_class_mismatch",
                "9:class:class_not_allowed", "10:region_code:not_found", "11:row:wrong_field_count", "12:class:invalid_type",
            ])
            #expect(try Self.memberCount(application) == 4)
            let imported = try MemberFixtures.object(try imports.get("/v1/members?nik=\(MemberFixtures.nik(serial: 1))"))
            #expect((imported["data"] as? [[String: Any]])?.count == 1)

            // The errors as CSV: a header and one line per problem.
            let csv = try imports.get("/v1/imports/\(id)/errors", accept: "text/csv")
            #expect(csv.status == 200)
            let csvLines = csv.text.split(separator: "\r\n")
            #expect(csvLines.first == "row,line,field,code,message")
            #expect(csvLines.count == 9)
            #expect(csvLines[1].hasPrefix("3,4,nik,invalid_serial,"))

            // The list shows the job.
            let list = try MemberFixtures.object(try imports.get("/v1/imports"))
            #expect((list["data"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [id])
        }
    }

    @Test("a ';' file with a BOM, CRLF line ends and quoted fields holding separators, quotes and line breaks")
    func spreadsheetExport() async throws {
        try await Self.withImports { application, imports, _ in
            let text = "\u{FEFF}nik;full_name;birth_date;sex;family_card_no;relationship;segment;class;region_code;address\r\n"
                + "\(MemberFixtures.nik(serial: 1));\"Aminah; binti \"\"Hasan\"\"\";1981-10-10;M;3507010101200001;head;PBPU;3;35.07;\"Jl. Kawi 1; RT 02\"\r\n"
                // A line break inside quotes belongs to the field (which an address may not hold, as in POST /v1/members).
                + "\(MemberFixtures.nik(serial: 2));Budi;1981-10-10;M;3507010101200002;head;BP;2;3507;\"Jl. Kawi 2\r\nRT 03\"\r\n"
                + "\(MemberFixtures.nik(serial: 3));Budi;1981-10-10;M;3507010101200003;head;BP;2;3507;\r\n"
            let job = try imports.importCSV(text)
            #expect(job["accepted"] as? Int == 2, "\(job)")
            #expect(job["rejected"] as? Int == 1)
            let id = try #require(job["id"] as? Int)
            let errors = try imports.get("/v1/imports/\(id)/errors", accept: "text/csv").text.split(separator: "\r\n")
            #expect(errors.count == 2)
            #expect(errors.last?.hasPrefix("2,3,address,invalid_characters,") == true, "\(errors)")
            let page = try MemberFixtures.object(try imports.get("/v1/members?nik=\(MemberFixtures.nik(serial: 1))"))
            let member = try #require((page["data"] as? [[String: Any]])?.first)
            #expect(member["full_name"] as? String == "Aminah; binti \"Hasan\"")
            #expect(member["address"] as? String == "Jl. Kawi 1; RT 02")
            #expect(member["region_code"] as? String == "3507")
            #expect(try Self.memberCount(application) == 2)
        }
    }

    @Test("an empty body and a wrong header are refused at once with 422, naming the unknown and missing columns")
    func refusedFiles() async throws {
        try await Self.withImports { application, imports, _ in
            let empty = try imports.post("")
            #expect(empty.status == 422)
            #expect(try MemberFixtures.errorCodes(empty) == ["file:empty"])

            let wrong = try imports.post("nik,name,birth_date,sex,family_card_no,relationship,segment,class,class,colour\n1,2,3,4,5,6,7,8,9,10\n")
            #expect(wrong.status == 422)
            #expect(Set(try MemberFixtures.errorCodes(wrong)) == [
                "class:duplicate_column", "name:unknown_column", "colour:unknown_column", "full_name:missing_column",
                "region_code:missing_column",
            ])
            let json = try imports.post(Self.header + "\n", headers: ["Content-Type": "application/json"])
            #expect(json.status == 415)
            #expect(try Self.memberCount(application) == 0)
            let list = try MemberFixtures.object(try imports.get("/v1/imports"))
            #expect((list["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a header-only file is done with no rows")
    func headerOnly() async throws {
        try await Self.withImports { _, imports, _ in
            let job = try imports.importCSV(Self.header + "\r\n")
            #expect(job["status"] as? String == "done")
            #expect(job["rows_total"] as? Int == 0)
            #expect(job["rows_done"] as? Int == 0)
        }
    }

    @Test("a file that is not UTF-8 fails with the line named and nothing imported, though its first rows are valid")
    func notUTF8() async throws {
        try await Self.withImports { application, imports, _ in
            var body = Array((Self.header + "\n" + Self.row(MemberFixtures.nik(serial: 1)) + "\n").utf8)
            body += Array("\(MemberFixtures.nik(serial: 2)),".utf8) + [0x53, 0x69, 0x74, 0xE9] + Array(",1981-10-10,M,3507010101200002,head,PBPU,3,3507\n".utf8)  // Latin-1 "Sité"
            let response = try imports.post(body)
            #expect(response.status == 202)
            let job = try imports.finished(try #require(try MemberFixtures.object(response)["id"] as? Int))
            #expect(job["status"] as? String == "failed")
            #expect((job["failure"] as? String)?.contains("line 3") == true, "\(job)")
            #expect(job["rows_done"] as? Int == 0)
            #expect(try Self.memberCount(application) == 0)
        }
    }

    @Test("a partner imports for its own tree: rows name organizations in it, the job is its alone")
    func partnerScope() async throws {
        try await Self.withImports { application, imports, _ in
            let own = try seedOrganization(application, name: "PCNU Kabupaten Malang")
            let child = try seedOrganization(application, name: "LAZISNU Kabupaten Malang", parent: own)
            let other = try seedOrganization(application, name: "PCNU Kota Malang")
            let partner = try application.issueKey(role: .partner, name: "partner", organizationID: own)
            let otherPartner = try application.issueKey(role: .partner, name: "other", organizationID: other)
            let client = Client(client: imports.client, auth: ["Authorization": "Bearer \(partner)"])
            let text = Self.header + ",registered_via.organization_id\n"
                + Self.row(MemberFixtures.nik(serial: 1)) + ",\n"
                + Self.row(MemberFixtures.nik(serial: 2), family: "3507010101200002") + ",\(child)\n"
                + Self.row(MemberFixtures.nik(serial: 3), family: "3507010101200003") + ",\(other)\n"
            let job = try client.importCSV(text)
            #expect(job["organization_id"] as? Int == Int(own))
            #expect(job["accepted"] as? Int == 2, "\(job)")
            let id = try #require(job["id"] as? Int)
            #expect(try client.errors(id) == ["3:registered_via.organization_id:not_found"])
            let list = try MemberFixtures.object(try client.get("/v1/members"))
            let organizations = (list["data"] as? [[String: Any]] ?? []).map { ($0["registered_via"] as? [String: Any])?["organization_id"] as? Int }
            #expect(organizations == [Int(own), Int(child)])

            // Another partner's key does not see the job, its errors, or it in the list.
            let stranger = Client(client: imports.client, auth: ["Authorization": "Bearer \(otherPartner)"])
            #expect(try stranger.get("/v1/imports/\(id)").status == 404)
            #expect(try stranger.get("/v1/imports/\(id)/errors").status == 404)
            #expect(try stranger.get("/v1/imports/\(id)/errors", accept: "text/csv").status == 404)
            #expect((try MemberFixtures.object(try stranger.get("/v1/imports"))["data"] as? [Any])?.isEmpty == true)
            // Nor may it import for the first partner's tree.
            let foreign = try stranger.post(Self.header + "\n", query: "?organization_id=\(own)")
            #expect(foreign.status == 422)
            #expect(try MemberFixtures.errorCodes(foreign) == ["organization_id:not_found"])
        }
    }

    @Test("a retry with the same Idempotency-Key and file gets the first answer; another file under the key is refused")
    func idempotentUpload() async throws {
        try await Self.withImports { _, imports, _ in
            let text = Self.header + "\n" + Self.row(MemberFixtures.nik(serial: 1)) + "\n"
            let headers = ["Content-Type": "text/csv", "Idempotency-Key": "upload-1"]
            let first = try imports.post(text, headers: headers)
            #expect(first.status == 202)
            let again = try imports.post(text, headers: headers)
            #expect(again.status == 202)
            #expect(again.header("Idempotent-Replayed") == "true")
            #expect(try MemberFixtures.object(again)["id"] as? Int == MemberFixtures.object(first)["id"] as? Int)
            let other = try imports.post(text + Self.row(MemberFixtures.nik(serial: 2), family: "3507010101200002") + "\n", headers: headers)
            #expect(other.status == 422)
            let list = try MemberFixtures.object(try imports.get("/v1/imports"))
            #expect((list["data"] as? [Any])?.count == 1)
        }
    }
}
