import Database
import Foundation
import HTTPTestSupport
import PropertyBased
@testable import Sinergi
import Testing

/// Money is exact to the rupiah whatever the shares, beneficiaries and premiums: each
/// beneficiary-month's shares add up to its premium, each share is within a rupiah of its
/// exact value, and every invoice total is the sum of its lines; in the plan, and as written.
@Suite struct ShareSplitPropertyTests {
    /// Shares in basis points from positive weights: each at least 1, summing to 10,000.
    static func shares(_ weights: [Int]) -> [Int64] {
        let sum = weights.reduce(0, +)
        var shares = weights.map { max(1, Int64($0) * 10_000 / Int64(sum)) }
        let largest = shares.indices.max { shares[$0] < shares[$1] }!
        shares[largest] += 10_000 - shares.reduce(0, +)
        return shares
    }

    @Test("a billing plan: every beneficiary-month's shares sum to its premium; every invoice is the sum of its lines")
    func plan() async {
        await propertyCheck(
            count: 2000, input: Gen.int(in: 1...1000).array(of: 1...8), Gen.int64(in: 1...2_000_000).array(of: 0...120)
        ) { weights, premiums in
            let shares = Self.shares(weights)
            #expect(shares.reduce(0, +) == 10_000 && shares.allSatisfy { $0 >= 1 })
            let plan = BillingPlan(premiums: premiums.enumerated().map { (Int64($0.offset + 1), $0.element) }, sharesBP: shares)
            #expect(plan.invoices.count == shares.count)
            for invoice in plan.invoices {
                #expect(invoice.lines.count == premiums.count)
                #expect(invoice.totalIDR == invoice.lines.reduce(0) { $0 + $1.shareIDR })
            }
            for (index, premium) in premiums.enumerated() {
                let parts = plan.invoices.map { $0.lines[index].shareIDR }
                #expect(parts.reduce(0, +) == premium)
                for (part, share) in zip(parts, shares) {
                    // Within one rupiah of the exact share, never negative.
                    #expect(part >= 0 && abs(part * 10_000 - premium * share) < 10_000)
                }
            }
            #expect(plan.totalIDR == premiums.reduce(0, +))
        }
    }

    @Test("the remainder goes to the largest remainders, ties to the first funder, so the same inputs give the same split")
    func remainderOrder() {
        #expect(ShareSplit.split(42_000, sharesBP: [6667, 3333]) == [28_001, 13_999])
        #expect(ShareSplit.split(100, sharesBP: [3334, 3333, 3333]) == [34, 33, 33])
        #expect(ShareSplit.split(2, sharesBP: [3334, 3333, 3333]) == [1, 1, 0])
        #expect(ShareSplit.split(1, sharesBP: [5000, 5000]) == [1, 0])
        #expect(ShareSplit.split(0, sharesBP: [10_000]) == [0])
    }

    @Test("billing runs as written: each invoice's total is its lines' sum, each beneficiary-month sums to its premium")
    func written() async throws {
        try await ContributionFixtures.runAsync(on: CalendarDate("2026-01-02")!) { fixtures in
            var funders: [Int64] = []
            for index in 0..<6 {
                funders.append(try ContributionFixtures.organization(fixtures.application, "Funder \(index)", kind: index % 2 == 0 ? "zakat_body" : "local_government"))
            }
            var serial = 1
            await propertyCheck(count: 8, input: Gen.int(in: 1...1000).array(of: 1...6), Gen.int(in: 1...12), Gen.int(in: 1...3)) { weights, count, memberClass in
                let shares = Self.shares(weights)
                let scheme = try fixtures.scheme(
                    funders: shares.enumerated().map { (funders[$0.offset], Int($0.element), nil) }, quota: count, memberClass: memberClass)
                let members = try fixtures.registerMembers(count, firstSerial: serial, memberClass: memberClass)
                serial += count
                #expect(try fixtures.addBeneficiaries(scheme, members).status == 200)
                let run = try fixtures.bill(scheme, "2026-01")
                #expect(run.status == 201, "\(run.text)")
                let premium: Int64 = [150_000, 100_000, 42_000][memberClass - 1]
                #expect(try ContributionFixtures.object(run)["total_idr"] as? Int == Int(premium) * count)
                let scheme64 = SQLValue.integer(Int64(scheme))
                #expect(try fixtures.count("""
                    SELECT count(*) FROM invoices i WHERE i.scheme_id = ?
                      AND i.total_idr <> (SELECT coalesce(sum(l.share_idr), 0) FROM invoice_lines l WHERE l.invoice_id = i.id)
                    """, [scheme64]) == 0)
                #expect(try fixtures.count("""
                    SELECT count(*) FROM (SELECT l.member_id FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
                      WHERE i.scheme_id = ? GROUP BY l.member_id HAVING sum(l.share_idr) <> ?) odd
                    """, [scheme64, .integer(premium)]) == 0)
                #expect(try fixtures.count("SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.scheme_id = ?", [scheme64])
                        == Int64(count * shares.count))
            }
            #expect(try fixtures.count("SELECT count(*) FROM billing_runs") == 8)
        }
    }
}
