import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import SQLite
import Testing

/// Registering members through the API, for the membership, scope and access tests.
struct MemberFixtures {
    let client: RawClient
    let auth: [String: String]

    /// Regions the fixtures' NIKs and addresses use: Jawa Timur, Kabupaten Malang and one of
    /// its districts, Kota Malang.
    static func seedRegions(_ application: Application) throws {
        try application.store.writeSync { connection in
            for (code, level, parent) in [("35", "province", nil), ("3507", "regency", "35"), ("350701", "district", "3507"), ("3573", "regency", "35")] as [(String, String, String?)] {
                try connection.execute("INSERT INTO regions (code, name, level, parent_code) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                       [.text(code), .text("R\(code)"), .text(level), SQLValue(parent)])
            }
        }
    }

    /// A valid NIK from Kabupaten Malang: a man born on 10 October 1981 with `serial`
    /// (a woman's day is 40 more).
    static func nik(serial: Int, female: Bool = false) -> String {
        let serialText = String(serial)
        return "350701" + (female ? "50" : "10") + "1081" + String(repeating: "0", count: 4 - serialText.count) + serialText
    }

    /// A registration body; `fields` overrides or adds fields (raw JSON values).
    static func body(nik: String, family: String = "3507010101200001", _ fields: [String: String] = [:]) -> [UInt8] {
        var values: [String: String] = [
            "nik": "\"\(nik)\"", "full_name": "\"Siti Aminah\"", "birth_date": "\"1981-10-10\"", "sex": "\"M\"",
            "family_card_no": "\"\(family)\"", "relationship": "\"head\"", "segment": "\"PBPU\"", "class": "3",
            "region_code": "\"3507\"",
        ]
        for (key, value) in fields { values[key] = value }
        return Array(("{" + values.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}").utf8)
    }

    /// POSTs a registration and returns the response.
    func register(nik: String, family: String = "3507010101200001", _ fields: [String: String] = [:]) throws -> RawClient.Response {
        try client.request("POST", "/v1/members", headers: auth, body: Self.body(nik: nik, family: family, fields))
    }

    /// Registers and returns the new member's id, failing the test on any other answer.
    func create(nik: String, family: String = "3507010101200001", _ fields: [String: String] = [:]) throws -> Int {
        let response = try register(nik: nik, family: family, fields)
        #expect(response.status == 201, "\(response.text)")
        return try #require(Self.object(response)["id"] as? Int)
    }

    static func object(_ response: RawClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], "\(response.text)")
    }

    /// The codes of a 422's field errors, as `field:code`.
    static func errorCodes(_ response: RawClient.Response) throws -> [String] {
        let errors = try object(response)["errors"] as? [[String: Any]] ?? []
        return errors.map { "\($0["field"] ?? ""):\($0["code"] ?? "")" }
    }
}
