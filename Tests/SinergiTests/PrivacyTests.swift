import Database
import Foundation
import HTTPTestSupport
import Logging
@testable import Sinergi
import SQLite
import Testing

/// Personal data at rest and in logs: NIKs and phone numbers are stored sealed, never logged,
/// answers that carry them are not cached, and every read of a member is audited.
@Suite struct PrivacyTests {
    /// Known values to look for; the names are stored in plain text on purpose (they are
    /// searched for by partners' staff), which shows that the search sees row data.
    static let nikA = MemberFixtures.nik(serial: 7)                       // 3507011010810007
    static let nikB = MemberFixtures.nik(serial: 8, female: true)         // 3507015010810008
    static let nikNeverRegistered = MemberFixtures.nik(serial: 9)         // validated only
    /// `nikA` with its month changed to 13: refused, and must not be echoed or logged either.
    static let nikTypo = "3507011013810007"
    static let phoneA = ("0812-7777-1234", "081277771234")                // (typed, stored)
    static let phoneB = ("+62 857 9999 0000", "+6285799990000")
    static let phoneChanged = ("0813-5555-2468", "081355552468")
    static let nameA = "Dewi Sartika Privasi"

    /// Every text that must appear in neither the database files nor the log.
    static var secrets: [String] {
        [nikA, nikB, nikNeverRegistered, nikTypo, phoneA.0, phoneA.1, phoneB.0, phoneB.1, String(phoneB.1.dropFirst()),
         phoneChanged.0, phoneChanged.1]
    }

    /// The bytes of every file under `directory` (the database, its -wal and -shm, uploads
    /// waiting in `imports/`), by relative path.
    static func files(in directory: URL) throws -> [String: Data] {
        let paths = try FileManager.default.subpathsOfDirectory(atPath: directory.path)
        var files: [String: Data] = [:]
        for path in paths {
            var isDirectory: ObjCBool = false
            let url = directory.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    @Test("NIKs and phone numbers are in neither the database files nor the log, whatever the requests")
    func nikAndPhoneStayOutOfFilesAndLogs() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        // The database lives in a folder of our own, so its files can be read after the
        // application closed it (and checkpointed the WAL into the main file).
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = folder.url.appendingPathComponent("sinergi.db").path

        try await withTestApplication(configure: { $0.database = database }, logger: logger) { application, port in
            try MemberFixtures.seedRegions(application)
            let organization = try seedOrganization(application)
            let officer = ["Authorization": "Bearer \(try application.issueKey(role: .officer, name: "officer"))"]
            let partner = ["Authorization": "Bearer \(try application.issueKey(role: .partner, name: "partner", organizationID: organization))"]
            let client = try RawClient(port: port)
            let members = MemberFixtures(client: client, auth: officer)

            // (response, audit action, audit resource type) of every answer with personal data.
            var audited: [(RawClient.Response, String, String)] = []
            let createdA = try members.register(nik: Self.nikA, family: "3507010101200007", [
                "full_name": "\"\(Self.nameA)\"", "phone": "\"\(Self.phoneA.0)\"", "registered_via": #"{"organization_id":\#(organization)}"#,
            ])
            #expect(createdA.status == 201, "\(createdA.text)")
            let idA = try #require(try MemberFixtures.object(createdA)["id"] as? Int)
            audited.append((createdA, "create", "member"))
            let createdB = try members.register(nik: Self.nikB, family: "3507010101200008", [
                "sex": #""F""#, "phone": "\"\(Self.phoneB.0)\"", "registered_via": #"{"organization_id":\#(organization)}"#,
            ])
            #expect(createdB.status == 201, "\(createdB.text)")
            audited.append((createdB, "create", "member"))

            let validation = #"{"items":[{"nik":"\#(Self.nikA)","full_name":"\#(Self.nameA)"},{"nik":"\#(Self.nikB)"},{"nik":"\#(Self.nikNeverRegistered)"},{"nik":"\#(Self.nikTypo)"}]}"#
            for (method, path, auth, body, action, type) in [
                ("GET", "/v1/members/\(idA)", officer, "", "read", "member"),
                ("GET", "/v1/members/\(idA)", partner, "", "read", "member"),
                ("GET", "/v1/members?nik=\(Self.nikA)", officer, "", "list", "member"),
                ("GET", "/v1/members?nik=\(Self.nikB)", partner, "", "list", "member"),
                ("GET", "/v1/families/3507010101200007", officer, "", "read", "family"),
                ("GET", "/v1/families/3507010101200008", partner, "", "read", "family"),
                ("GET", "/v1/members/\(idA)/history", officer, "", "read", "member_history"),
                ("POST", "/v1/members/validate", officer, validation, "validate", "member"),
                ("POST", "/v1/members/validate", partner, validation, "validate", "member"),
                ("PATCH", "/v1/members/\(idA)", officer, #"{"phone":"\#(Self.phoneChanged.0)"}"#, "update", "member"),
            ] as [(String, String, [String: String], String, String, String)] {
                let headers = auth.merging(method == "PATCH" ? ["If-Match": "*"] : [:]) { $1 }
                let response = try client.request(method, path, headers: headers, body: Array(body.utf8))
                #expect(response.status == 200, "\(method) \(path): \(response.text)")
                audited.append((response, action, type))
                // The partner's answers never hold a NIK or phone in full, whatever it asked with.
                if auth == partner {
                    for secret in Self.secrets { #expect(!response.text.contains(secret), "\(method) \(path) shows \(secret)") }
                }
            }

            // Refusals: a duplicate, a mistyped NIK in a body and in a query, a change refused.
            let duplicate = try members.register(nik: Self.nikA, family: "3507010101200007")
            #expect(duplicate.status == 409)
            let typo = try members.register(nik: Self.nikTypo, family: "3507010101200009")
            #expect(typo.status == 422)
            let typoQuery = try client.request("GET", "/v1/members?nik=\(Self.nikTypo)&card_no=\(Self.phoneA.1)", headers: officer)
            #expect(typoQuery.status == 422)
            let early = try client.request("PATCH", "/v1/members/\(idA)", headers: officer.merging(["If-Match": "*"]) { $1 }, body: Array(#"{"class":1,"phone":"\#(Self.phoneA.0)"}"#.utf8))
            #expect(early.status == 422)
            let badPhone = try client.request("PATCH", "/v1/members/\(idA)", headers: officer.merging(["If-Match": "*"]) { $1 }, body: Array(#"{"phone":"\#(Self.nikTypo)x"}"#.utf8))
            #expect(badPhone.status == 422)
            for refusal in [duplicate, typo, typoQuery, early, badPhone] {
                #expect(refusal.header("X-Content-Type-Options") == "nosniff")
                for secret in Self.secrets { #expect(!refusal.text.contains(secret), "a refusal echoes \(secret): \(refusal.text)") }
            }

            // Answers with personal data are neither cached nor sniffed.
            for (response, _, _) in audited {
                #expect(response.header("Cache-Control") == "no-store")
                #expect(response.header("X-Content-Type-Options") == "nosniff")
            }

            // Each of those answers left exactly its audit row, committed before it was sent.
            let requestIDs = audited.map { $0.0.header("X-Request-Id") ?? "" }
            let rows = try await application.store.read { connection in
                try requestIDs.map { id in
                    try connection.fetchAll("SELECT action, resource_type FROM audit_log WHERE request_id = ?", [.text(id)]) {
                        "\($0.string(at: 0))/\($0.string(at: 1))"
                    }
                }
            }
            for ((response, action, type), found) in zip(audited, rows) {
                #expect(found == ["\(action)/\(type)"], "\(response.header("X-Request-Id") ?? "?")")
            }

            // While running, the rows sit in the WAL and the main file: neither holds a secret,
            // and together they hold the plain name, so the search does see the rows.
            let main = (try? Data(contentsOf: URL(fileURLWithPath: database))) ?? Data()
            let wal = (try? Data(contentsOf: URL(fileURLWithPath: database + "-wal"))) ?? Data()
            #expect(main.range(of: Data(Self.nameA.utf8)) != nil || wal.range(of: Data(Self.nameA.utf8)) != nil)
            for secret in Self.secrets {
                #expect(main.range(of: Data(secret.utf8)) == nil, "\(secret) in the database file")
                #expect(wal.range(of: Data(secret.utf8)) == nil, "\(secret) in the WAL")
            }
        }

        // Closed. The WAL is sometimes checkpointed into the main file and sometimes left for
        // the next start (the pool closes the writer and its read-only readers at once, and a
        // reader that closes last cannot checkpoint), so look in every file of the folder: none
        // holds a secret, and together they still hold the plain name.
        let files = try Self.files(in: folder.url)
        #expect(files.keys.contains("sinergi.db"))
        #expect(files.values.contains { $0.range(of: Data(Self.nameA.utf8)) != nil })
        for (name, bytes) in files {
            for secret in Self.secrets { #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(name)") }
        }
        // The log has the access lines (routes, not paths with values) and none of the secrets.
        let log = store.text
        #expect(log.contains("/v1/members/{id}"))
        #expect(log.contains("/v1/members/validate"))
        for secret in Self.secrets { #expect(!log.contains(secret), "\(secret) in the log") }
    }
}
