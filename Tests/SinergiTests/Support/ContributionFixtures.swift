import Database
import Foundation
import Synchronization
import HTTPTestSupport
@testable import Sinergi
import Testing

/// An application with a set clock for the contribution tests: regions of Jawa Timur and
/// Lombok Timur, the regency's government and Baznas Lombok Timur as funders, an officer key,
/// and helpers to register members, create schemes and pay through the API.
///
/// `run` calls its body on a thread of its own: the body's requests block their thread for
/// seconds in all (a thousand registrations), and on the cooperative pool, which has two
/// threads here, that stalls the tests running beside it until their idle connections are
/// closed under them.
struct ContributionFixtures {
    /// What the body's thread needs to build its fixtures.
    struct Setup: Sendable {
        let application: Application
        let port: Int
        let clock: ManualClock
        let officerKey: String
        let regency: Int64
        let baznas: Int64
    }

    let application: Application
    let port: Int
    let clock: ManualClock
    let members: MemberFixtures
    let regency: Int64
    let baznas: Int64

    var auth: [String: String] { members.auth }

    init(_ setup: Setup) throws {
        (application, port, clock, regency, baznas) = (setup.application, setup.port, setup.clock, setup.regency, setup.baznas)
        members = MemberFixtures(client: try RawClient(port: setup.port), auth: ["Authorization": "Bearer \(setup.officerKey)"])
    }

    /// Runs `body` on a thread of its own (see above).
    static func run(on day: CalendarDate, _ body: @escaping @Sendable (ContributionFixtures) throws -> Void) async throws {
        try await start(on: day) { setup in
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Thread { continuation.resume(with: Result { try body(ContributionFixtures(setup)) }) }.start()
            }
        }
    }

    /// Runs `body` in the test's task, for bodies that must await (property checks); keep their
    /// requests few.
    static func runAsync(on day: CalendarDate, _ body: (ContributionFixtures) async throws -> Void) async throws {
        try await start(on: day) { setup in try await body(ContributionFixtures(setup)) }
    }

    private static func start(on day: CalendarDate, _ body: (Setup) async throws -> Void) async throws {
        let clock = ManualClock(day)
        // The scenario registers a thousand members with one key, faster than its rate limit.
        try await withTestApplication(configure: { $0.rateLimitPerSecond = 1_000_000; $0.rateLimitBurst = 1_000_000 }, clock: clock.clock) { application, port in
            try MemberFixtures.seedRegions(application)
            try application.store.writeSync { connection in
                for (code, level, parent) in [("52", "province", nil), ("5203", "regency", "52")] as [(String, String, String?)] {
                    try connection.execute("INSERT INTO regions (code, name, level, parent_code) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                           [.text(code), .text("R\(code)"), .text(level), SQLValue(parent)])
                }
            }
            try await body(Setup(
                application: application, port: port, clock: clock, officerKey: try application.issueKey(role: .officer, name: "officer"),
                regency: try Self.organization(application, "Pemerintah Kabupaten Lombok Timur", kind: "local_government"),
                baznas: try Self.organization(application, "Baznas Lombok Timur", kind: "zakat_body")))
        }
    }

    /// Calls `work` `count` times at once, each on a thread of its own, and returns the results
    /// in order.
    static func concurrently<T: Sendable>(_ count: Int, _ work: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let results = Mutex([Result<T, any Error>?](repeating: nil, count: count))
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                let result = Result { try work(index) }
                results.withLock { $0[index] = result }
                group.leave()
            }.start()
        }
        group.wait()
        return try results.withLock { $0 }.map { try $0!.get() }
    }

    static func organization(_ application: Application, _ name: String, kind: String, parent: Int64? = nil) throws -> Int64 {
        try application.store.writeSync { connection in
            try connection.fetchOne("""
                INSERT INTO organizations (name, kind, parent_id, region_code, created_at, updated_at)
                VALUES (?, ?, ?, '5203', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id
                """, [.text(name), .text(kind), SQLValue(parent)]) { $0.int64(at: 0) }!
        }
    }

    /// Registers `count` PBPU members of `memberClass`, each on a family card of its own,
    /// NIK serials from `firstSerial`; returns their ids.
    func registerMembers(_ count: Int, firstSerial: Int = 1, memberClass: Int = 3, segment: String = "PBPU") throws -> [Int] {
        try (firstSerial..<(firstSerial + count)).map { serial in
            try members.create(nik: MemberFixtures.nik(serial: serial), family: Self.family(serial), [
                "class": String(memberClass), "segment": "\"\(segment)\"", "region_code": #""5203""#,
            ])
        }
    }

    static func family(_ serial: Int) -> String {
        let digits = String(serial)
        return "35070102" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    func request(_ method: String, _ path: String, _ body: String = "", headers: [String: String] = [:]) throws -> RawClient.Response {
        try members.client.request(method, path, headers: auth.merging(headers) { $1 }, body: Array(body.utf8))
    }

    /// Creates a scheme and returns its id; `funders` are (organization, share_bp, budget_idr).
    func scheme(
        funders: [(Int64, Int, Int?)], quota: Int = 1000, memberClass: Int = 3, startsOn: String = "2026-01-01",
        endsOn: String? = "2026-12-31"
    ) throws -> Int {
        let list = funders.map { organization, share, budget in
            #"{"organization_id":\#(organization),"share_bp":\#(share)\#(budget.map { ",\"budget_idr\":\($0)" } ?? "")}"#
        }.joined(separator: ",")
        let end = endsOn.map { #","ends_on":"\#($0)""# } ?? ""
        let response = try request("POST", "/v1/schemes", """
            {"name":"SSI Lombok Timur","region_code":"5203","class":\(memberClass),"starts_on":"\(startsOn)"\(end),\
            "quota":\(quota),"funders":[\(list)]}
            """)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try Self.object(response)["id"] as? Int)
    }

    func addBeneficiaries(_ scheme: Int, _ members: [Int]) throws -> RawClient.Response {
        try request("POST", "/v1/schemes/\(scheme)/beneficiaries", #"{"member_ids":[\#(members.map(String.init).joined(separator: ","))]}"#)
    }

    func bill(_ scheme: Int, _ period: String) throws -> RawClient.Response {
        try request("POST", "/v1/schemes/\(scheme)/billing-runs", #"{"period":"\#(period)"}"#)
    }

    func payInvoice(_ invoice: Int, _ amount: Int, reference: String, paidOn: String? = nil) throws -> RawClient.Response {
        try request("POST", "/v1/invoices/\(invoice)/payments",
                    #"{"amount_idr":\#(amount),"paid_on":"\#(paidOn ?? clock.clock.today.description)","reference":"\#(reference)"}"#)
    }

    func payMember(_ member: Int, period: String, amount: Int, source: String = "participant", reference: String, paidOn: String? = nil) throws -> RawClient.Response {
        try request("POST", "/v1/members/\(member)/payments", """
            {"period":"\(period)","amount_idr":\(amount),"source":"\(source)","paid_on":"\(paidOn ?? clock.clock.today.description)","reference":"\(reference)"}
            """)
    }

    func status(of member: Int) throws -> String? {
        try Self.object(try request("GET", "/v1/members/\(member)"))["status"] as? String
    }

    /// One number from the database, for figures the API does not show as a whole.
    func count(_ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
        try application.store.readSync { connection in try connection.fetchOne(sql, values) { $0.int64(at: 0) } ?? 0 }
    }

    static func object(_ response: RawClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], "\(response.status) \(response.text)")
    }

    /// The invoices of a billing run's answer, as (id, organization_id, total_idr).
    static func invoices(_ run: RawClient.Response) throws -> [(id: Int, organization: Int, total: Int)] {
        try (object(run)["invoices"] as? [[String: Any]] ?? []).map {
            (try #require($0["id"] as? Int), try #require($0["organization_id"] as? Int), try #require($0["total_idr"] as? Int))
        }
    }
}
