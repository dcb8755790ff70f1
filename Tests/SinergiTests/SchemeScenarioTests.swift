import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import Testing

/// Lombok Timur (September 2025, DOMAIN.md): the regency and Baznas share the class 3
/// premiums of 1,000 extremely poor residents. A year billed, ten months paid in full,
/// November paid partly and then in full, December unpaid, one payment posted twice: every
/// statement, ledger, status and revenue figure checked to the rupiah.
@Suite struct SchemeScenarioTests {
    static let months = (1...12).map { "2026-" + ($0 < 10 ? "0" : "") + String($0) }

    @Test("Lombok Timur: 1,000 beneficiaries, a year billed at Rp 42,000, partly paid; everything exact")
    func lombokTimur() async throws {
        try await ContributionFixtures.run(on: CalendarDate("2026-01-02")!) { fixtures in
            let (regency, baznas) = (Int(fixtures.regency), Int(fixtures.baznas))
            // 6,667 and 3,333 bp of Rp 42,000: 28,001.4 and 13,998.6, so the rupiah left over
            // goes to Baznas (the larger remainder): 28,001 + 13,999.
            let scheme = try fixtures.scheme(funders: [(fixtures.regency, 6667, 400_000_000), (fixtures.baznas, 3333, nil)])
            let members = try fixtures.registerMembers(1000)
            let added = try fixtures.addBeneficiaries(scheme, members)
            #expect(added.status == 200, "\(added.text)")
            #expect(try ContributionFixtures.object(added)["beneficiaries"] as? Int == 1000)

            var invoices: [String: [(id: Int, organization: Int, total: Int)]] = [:]
            for month in Self.months {
                let run = try fixtures.bill(scheme, month)
                #expect(run.status == 201, "\(month): \(run.text)")
                #expect(try ContributionFixtures.object(run)["total_idr"] as? Int == 42_000_000)
                invoices[month] = try ContributionFixtures.invoices(run)
                #expect(invoices[month]!.map(\.organization) == [regency, baznas])
                #expect(invoices[month]!.map(\.total) == [28_001_000, 13_999_000])
            }
            // Billing January again answers the same run and writes nothing.
            let again = try fixtures.bill(scheme, "2026-01")
            #expect(again.status == 200)
            #expect(try ContributionFixtures.invoices(again).map(\.id) == invoices["2026-01"]!.map(\.id))
            #expect(try fixtures.count("SELECT count(*) FROM invoices") == 24)
            #expect(try fixtures.count("SELECT sum(total_idr) FROM invoices") == 504_000_000)

            // January to October paid in full by both; November by the regency in full and
            // Baznas in half; December not at all. One of Baznas's payments is posted twice.
            for month in Self.months.prefix(10) {
                for invoice in invoices[month]! {
                    #expect(try fixtures.payInvoice(invoice.id, invoice.total, reference: "TRF-\(month)-\(invoice.organization)").status == 201)
                }
            }
            let november = invoices["2026-11"]!
            #expect(try fixtures.payInvoice(november[0].id, 28_001_000, reference: "TRF-NOV-R").status == 201)
            let half = try fixtures.payInvoice(november[1].id, 6_999_500, reference: "BZN-NOV-1")
            #expect(half.status == 201)
            let twice = try fixtures.payInvoice(november[1].id, 6_999_500, reference: "BZN-NOV-1")
            #expect(twice.status == 200)
            #expect(try ContributionFixtures.object(twice)["id"] as? Int == (try ContributionFixtures.object(half)["id"] as? Int))
            let partly = try ContributionFixtures.object(try fixtures.request("GET", "/v1/invoices/\(november[1].id)"))
            #expect(partly["paid_idr"] as? Int == 6_999_500)
            #expect(partly["outstanding_idr"] as? Int == 6_999_500)
            #expect(partly["status"] as? String == "partly_paid")
            #expect((partly["payments"] as? [Any])?.count == 1)

            // Ten months settled: 1,000 beneficiaries × 10 months × 2 sources in the ledger.
            #expect(try fixtures.count("SELECT count(*) FROM contributions") == 20_000)
            #expect(try fixtures.count("SELECT sum(amount_idr) FROM contributions") == 420_000_000)
            #expect(try fixtures.count("SELECT count(*) FROM members WHERE status = 'active'") == 1000)
            let first = members[0]
            #expect(try fixtures.status(of: first) == "active")

            // The month closes: November's premium is unpaid after the 10th, October's is paid.
            fixtures.clock.set(CalendarDate("2026-11-11")!)
            #expect(try fixtures.application.closeMonth(Period("2026-10")!) == 0)
            #expect(try fixtures.application.closeMonth(Period("2026-11")!) == 1000)
            #expect(try fixtures.application.closeMonth(Period("2026-11")!) == 0)
            #expect(try fixtures.status(of: first) == "inactive")
            let arrears = try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(first)/arrears"))
            #expect(arrears["months_in_arrears"] as? Int == 1)
            #expect((arrears["periods"] as? [[String: Any]])?.first?["period"] as? String == "2026-11")

            // Baznas pays the rest: November settles and the beneficiaries are active again.
            #expect(try fixtures.payInvoice(november[1].id, 6_999_500, reference: "BZN-NOV-2").status == 201)
            #expect(try fixtures.count("SELECT count(*) FROM members WHERE status = 'active'") == 1000)
            let history = try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(first)/history"))
            #expect((history["data"] as? [[String: Any]])?.compactMap { $0["new_value"] as? String } == ["active", "inactive", "active"])

            // December is not paid: closed after the 10th, everyone is inactive.
            fixtures.clock.set(CalendarDate("2026-12-11")!)
            #expect(try fixtures.application.closeMonth(Period("2026-12")!) == 1000)

            // The statement for the year, per funder.
            let statement = try ContributionFixtures.object(try fixtures.request("GET", "/v1/schemes/\(scheme)/statement?from=2026-01&to=2026-12"))
            let lines = try #require(statement["funders"] as? [[String: Any]])
            #expect(lines.map { $0["organization_id"] as? Int } == [regency, baznas])
            #expect(lines.map { $0["billed_idr"] as? Int } == [336_012_000, 167_988_000])
            #expect(lines.map { $0["paid_idr"] as? Int } == [308_011_000, 153_989_000])
            #expect(lines.map { $0["outstanding_idr"] as? Int } == [28_001_000, 13_999_000])
            #expect(lines[0]["budget_left_idr"] as? Int == 63_988_000)
            #expect(lines[1]["budget_left_idr"] is NSNull)
            let total = lines.compactMap { $0["billed_idr"] as? Int }.reduce(0, +)
            #expect(total == 504_000_000)

            // The ledger: eleven months, every beneficiary-month exactly its premium.
            #expect(try fixtures.count("SELECT count(*) FROM contributions") == 22_000)
            #expect(try fixtures.count("""
                SELECT count(*) FROM (SELECT member_id, period FROM contributions GROUP BY member_id, period HAVING sum(amount_idr) <> 42000) odd
                """) == 0)
            let payments = try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(first)/payments?limit=500"))
            let entries = try #require(payments["data"] as? [[String: Any]])
            #expect(entries.count == 22)
            #expect(entries.filter { $0["source"] as? String == "local_government" }.compactMap { $0["amount_idr"] as? Int } == Array(repeating: 28_001, count: 11))

            // Revenue by source, the one query: the gotong royong view.
            let revenue = try fixtures.application.store.readSync { connection in
                try ContributionRepository.revenue(from: Period("2026-01")!, to: Period("2026-12")!, regionPrefix: "52", in: connection)
            }
            var bySource: [PaymentSource: Int64] = [:]
            for row in revenue { bySource[row.source, default: 0] += row.amountIDR }
            #expect(bySource == [.localGovernment: 308_011_000, .philanthropy: 153_989_000])
            #expect(revenue.count == 22)
            #expect(try fixtures.application.store.readSync { connection in
                try ContributionRepository.revenue(from: Period("2026-01")!, to: Period("2026-12")!, regionPrefix: "35", in: connection)
            }.isEmpty)
        }
    }
}
