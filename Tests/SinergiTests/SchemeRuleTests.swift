import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import Testing

/// The rules that keep the money from being double-counted, each shown to write nothing when it
/// refuses: a funder's budget, the quota (also under concurrent adds), overpayment, a second
/// billing run of a period (also two at once), a payment posted twice, one scheme per member.
@Suite struct SchemeRuleTests {
    static let day = CalendarDate("2026-01-02")!

    /// Everything a refused request could have written.
    static func written(_ fixtures: ContributionFixtures) throws -> [Int64] {
        try [
            "SELECT count(*) FROM billing_runs", "SELECT count(*) FROM invoices", "SELECT count(*) FROM invoice_lines",
            "SELECT coalesce(sum(billed_idr), 0) FROM scheme_funders", "SELECT count(*) FROM invoice_payments",
            "SELECT coalesce(sum(paid_idr), 0) FROM invoices", "SELECT count(*) FROM contributions",
            "SELECT count(*) FROM scheme_beneficiaries", "SELECT coalesce(sum(beneficiaries), 0) FROM schemes",
        ].map { try fixtures.count($0) }
    }

    @Test("a billing run that would pass a funder's budget writes nothing and names the budget left")
    func budget() async throws {
        try await ContributionFixtures.run(on: Self.day) { fixtures in
            // Three beneficiaries at Rp 42,000, 50/50: Rp 63,000 a month each. Baznas has Rp 100,000.
            let scheme = try fixtures.scheme(funders: [(fixtures.regency, 5000, nil), (fixtures.baznas, 5000, 100_000)])
            #expect(try fixtures.addBeneficiaries(scheme, try fixtures.registerMembers(3)).status == 200)
            #expect(try fixtures.bill(scheme, "2026-01").status == 201)
            let before = try Self.written(fixtures)
            let refused = try fixtures.bill(scheme, "2026-02")
            #expect(refused.status == 422)
            #expect(try MemberFixtures.errorCodes(refused) == ["period:budget_exceeded"])
            #expect(refused.text.contains("organization \(fixtures.baznas) has 37000 of its budget left; this run needs 63000"))
            #expect(try Self.written(fixtures) == before)
            let shown = try ContributionFixtures.object(try fixtures.request("GET", "/v1/schemes/\(scheme)"))
            #expect((shown["funders"] as? [[String: Any]])?.map { $0["budget_left_idr"] as? Int } == [nil, 37_000])
        }
    }

    @Test("the quota: an add past it writes nothing; 20 concurrent adds of one member each to a quota of 5 give 5")
    func quota() async throws {
        try await ContributionFixtures.run(on: Self.day) { fixtures in
            let scheme = try fixtures.scheme(funders: [(fixtures.regency, 10_000, nil)], quota: 5)
            let members = try fixtures.registerMembers(20)
            let before = try Self.written(fixtures)
            let refused = try fixtures.addBeneficiaries(scheme, Array(members.prefix(6)))
            #expect(refused.status == 422)
            #expect(try MemberFixtures.errorCodes(refused) == ["member_ids:quota_exceeded"])
            #expect(try Self.written(fixtures) == before)

            let (port, auth) = (fixtures.port, fixtures.auth)
            let statuses = try ContributionFixtures.concurrently(members.count) { index in
                try RawClient(port: port).request(
                    "POST", "/v1/schemes/\(scheme)/beneficiaries", headers: auth, body: Array(#"{"member_ids":[\#(members[index])]}"#.utf8)).status
            }
            #expect(statuses.filter { $0 == 200 }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == 422 }.count == 15, "\(statuses)")
            #expect(try fixtures.count("SELECT count(*) FROM scheme_beneficiaries") == 5)
            #expect(try fixtures.count("SELECT beneficiaries FROM schemes") == 5)
        }
    }

    @Test("overpayment is refused and writes nothing; a partial payment and the rest are taken; a repeated reference is a no-op")
    func payments() async throws {
        try await ContributionFixtures.run(on: Self.day) { fixtures in
            let scheme = try fixtures.scheme(funders: [(fixtures.regency, 10_000, nil)])
            #expect(try fixtures.addBeneficiaries(scheme, try fixtures.registerMembers(2)).status == 200)
            let invoice = try #require(try ContributionFixtures.invoices(try fixtures.bill(scheme, "2026-01")).first)
            #expect(invoice.total == 84_000)
            let before = try Self.written(fixtures)
            let over = try fixtures.payInvoice(invoice.id, 84_001, reference: "A")
            #expect(over.status == 422)
            #expect(try MemberFixtures.errorCodes(over) == ["amount_idr:overpayment"])
            #expect(try Self.written(fixtures) == before)

            #expect(try fixtures.payInvoice(invoice.id, 50_000, reference: "A").status == 201)
            let afterFirst = try Self.written(fixtures)
            let repeated = try fixtures.payInvoice(invoice.id, 50_000, reference: "A")
            #expect(repeated.status == 200)
            // A repeated reference is a no-op only for a body that is valid.
            #expect(try MemberFixtures.errorCodes(try fixtures.payInvoice(invoice.id, 30_000, reference: "A", paidOn: "2026-02-01")) == ["paid_on:in_future"])
            #expect(try Self.written(fixtures) == afterFirst)
            #expect(try MemberFixtures.errorCodes(try fixtures.payInvoice(invoice.id, 34_001, reference: "B")) == ["amount_idr:overpayment"])
            let rest = try fixtures.payInvoice(invoice.id, 34_000, reference: "B")
            #expect(rest.status == 201)
            let paid = try #require(try ContributionFixtures.object(rest)["invoice"] as? [String: Any])
            #expect(paid["status"] as? String == "paid")
            #expect(try fixtures.count("SELECT count(*) FROM contributions") == 2)
            #expect(try MemberFixtures.errorCodes(try fixtures.payInvoice(invoice.id, 1, reference: "C")) == ["amount_idr:overpayment"])
            // The ledger's own references are not a client's to use.
            #expect(Set(try MemberFixtures.errorCodes(try fixtures.payInvoice(invoice.id, 1, reference: "billing-run:1")))
                    == ["reference:reserved", "amount_idr:overpayment"])
        }
    }

    @Test("two concurrent billing runs of one period make one run: both answer it")
    func concurrentBilling() async throws {
        try await ContributionFixtures.run(on: Self.day) { fixtures in
            let scheme = try fixtures.scheme(funders: [(fixtures.regency, 6667, nil), (fixtures.baznas, 3333, nil)])
            #expect(try fixtures.addBeneficiaries(scheme, try fixtures.registerMembers(50)).status == 200)
            let (port, auth) = (fixtures.port, fixtures.auth)
            let answers = try ContributionFixtures.concurrently(2) { _ in
                let response = try RawClient(port: port).request(
                    "POST", "/v1/schemes/\(scheme)/billing-runs", headers: auth, body: Array(#"{"period":"2026-03"}"#.utf8))
                return (response.status, try ContributionFixtures.object(response)["id"] as? Int)
            }
            #expect(Set(answers.map(\.0)) == [200, 201], "\(answers)")
            #expect(Set(answers.map(\.1)).count == 1)
            #expect(try fixtures.count("SELECT count(*) FROM billing_runs") == 1)
            #expect(try fixtures.count("SELECT count(*) FROM invoices") == 2)
            #expect(try fixtures.count("SELECT count(*) FROM invoice_lines") == 100)
            #expect(try fixtures.count("SELECT sum(billed_idr) FROM scheme_funders") == 50 * 42_000)
            // A third run of the period, after both: the same run again, nothing written.
            let before = try Self.written(fixtures)
            let again = try fixtures.bill(scheme, "2026-03")
            #expect(again.status == 200)
            #expect(try ContributionFixtures.object(again)["id"] as? Int == answers[0].1)
            #expect(try Self.written(fixtures) == before)
        }
    }

    @Test("a period every funder has paid makes its pending and inactive beneficiaries active, older arrears still shown")
    func settlementReactivates() async throws {
        try await ContributionFixtures.run(on: CalendarDate("2026-01-05")!) { fixtures in
            let lapsed = try fixtures.registerMembers(1, segment: "BP")[0]
            let fresh = try fixtures.registerMembers(1, firstSerial: 2, segment: "BP")[0]
            #expect(try fixtures.payMember(lapsed, period: "2026-01", amount: 35_000, reference: "OWN-1").status == 201)
            fixtures.clock.set(CalendarDate("2026-02-11")!)
            #expect(try fixtures.application.closeMonth(Period("2026-02")!) == 1)
            let scheme = try fixtures.scheme(funders: [(fixtures.regency, 5000, nil), (fixtures.baznas, 5000, nil)], startsOn: "2026-03-01")
            #expect(try fixtures.addBeneficiaries(scheme, [lapsed, fresh]).status == 200)
            let invoices = try ContributionFixtures.invoices(try fixtures.bill(scheme, "2026-03"))
            #expect(try fixtures.payInvoice(invoices[0].id, invoices[0].total, reference: "R-3").status == 201)
            // One funder paid: the period is not settled, nobody changes.
            #expect(try fixtures.status(of: lapsed) == "inactive")
            #expect(try fixtures.status(of: fresh) == "pending")
            #expect(try fixtures.payInvoice(invoices[1].id, invoices[1].total, reference: "B-3").status == 201)
            #expect(try fixtures.status(of: lapsed) == "active")
            #expect(try fixtures.status(of: fresh) == "active")
            let arrears = try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(lapsed)/arrears"))
            #expect((arrears["periods"] as? [[String: Any]])?.compactMap { $0["period"] as? String } == ["2026-02"])

            // April and May unpaid by the funders: both inactive; April settled late, May is
            // still owed, so nobody is active until May is settled too.
            fixtures.clock.set(CalendarDate("2026-05-11")!)
            #expect(try fixtures.application.closeMonth(Period("2026-04")!) == 2)
            for (month, activeAfter) in [("2026-04", "inactive"), ("2026-05", "active")] {
                for invoice in try ContributionFixtures.invoices(try fixtures.bill(scheme, month)) {
                    #expect(try fixtures.payInvoice(invoice.id, invoice.total, reference: "\(month)-\(invoice.organization)").status == 201)
                }
                #expect(try fixtures.status(of: lapsed) == activeAfter, "\(month)")
                #expect(try fixtures.status(of: fresh) == activeAfter, "\(month)")
            }
        }
    }

    @Test("each beneficiary-month is paid once: a month the member paid is not billed, a late joiner starts after the runs made, a removal keeps what was invoiced")
    func paidOnce() async throws {
        try await ContributionFixtures.run(on: CalendarDate("2026-01-05")!) { fixtures in
            let scheme = try fixtures.scheme(funders: [(fixtures.regency, 10_000, nil)])
            let (paidAlready, billed, late) = try { () throws -> (Int, Int, Int) in
                let ids = try fixtures.registerMembers(3, segment: "BP")
                return (ids[0], ids[1], ids[2])
            }()
            #expect(try fixtures.payMember(paidAlready, period: "2026-01", amount: 35_000, reference: "OWN-JAN").status == 201)
            #expect(try fixtures.addBeneficiaries(scheme, [paidAlready, billed]).status == 200)
            var lines: [String: Int] = [:]
            for month in ["2026-01", "2026-02", "2026-03"] {
                lines[month] = try ContributionFixtures.object(try fixtures.bill(scheme, month))["beneficiaries"] as? Int
            }
            #expect(lines == ["2026-01": 1, "2026-02": 2, "2026-03": 2])

            // Added once March is billed: from April, so January is the member's own to pay.
            #expect(try fixtures.addBeneficiaries(scheme, [late]).status == 200)
            #expect(try fixtures.payMember(late, period: "2026-01", amount: 35_000, reference: "LATE-JAN").status == 201)
            #expect(try MemberFixtures.errorCodes(try fixtures.payMember(paidAlready, period: "2026-02", amount: 35_000, reference: "X"))
                    == ["period:paid_by_scheme"])

            // Removed in January after March was invoiced: its place runs to March, so February
            // is not the member's to pay, and another scheme takes it from April.
            #expect(try fixtures.request("DELETE", "/v1/schemes/\(scheme)/beneficiaries/\(billed)").status == 204)
            #expect(try MemberFixtures.errorCodes(try fixtures.payMember(billed, period: "2026-02", amount: 35_000, reference: "Y"))
                    == ["period:paid_by_scheme"])
            let other = try fixtures.scheme(funders: [(fixtures.baznas, 10_000, nil)])
            #expect(try fixtures.addBeneficiaries(other, [billed]).status == 200)
            let place = try ContributionFixtures.object(try fixtures.request("GET", "/v1/schemes/\(other)/beneficiaries"))
            #expect((place["data"] as? [[String: Any]])?.first?["from_period"] as? String == "2026-04")

            for month in ["2026-01", "2026-02", "2026-03"] {
                let run = try fixtures.bill(scheme, month)
                for invoice in try ContributionFixtures.invoices(run) {
                    #expect(try fixtures.payInvoice(invoice.id, invoice.total, reference: "PAY-\(month)").status == 201)
                }
            }
            #expect(try fixtures.count("""
                SELECT count(*) FROM (SELECT member_id, period FROM contributions GROUP BY member_id, period HAVING sum(amount_idr) <> 42000) odd
                """) == 0)
            #expect(try fixtures.count("SELECT count(*) FROM (SELECT DISTINCT member_id, period FROM contributions) paid") == 7)
        }
    }

    @Test("one active scheme per member; PBI and PPU are not eligible; a member of another class moves, with its family card")
    func beneficiaries() async throws {
        try await ContributionFixtures.run(on: Self.day) { fixtures in
            let first = try fixtures.scheme(funders: [(fixtures.regency, 10_000, nil)])
            let second = try fixtures.scheme(funders: [(fixtures.baznas, 10_000, nil)], memberClass: 2)
            let members = try fixtures.registerMembers(2)
            let pbi = try fixtures.registerMembers(1, firstSerial: 50, segment: "PBI_APBD")
            #expect(try fixtures.addBeneficiaries(first, [members[0]]).status == 200)
            let before = try Self.written(fixtures)
            let refused = try fixtures.addBeneficiaries(second, [members[0], pbi[0], 999_999])
            #expect(Set(try MemberFixtures.errorCodes(refused)) == [
                "member_ids[0]:in_another_scheme", "member_ids[1]:pbi_not_eligible", "member_ids[2]:not_found",
            ])
            #expect(try Self.written(fixtures) == before)
            // Adding again to the same scheme changes nothing.
            #expect(try ContributionFixtures.object(try fixtures.addBeneficiaries(first, [members[0]]))["added"] as? Int == 0)

            // A relative on the same card, then the class 3 member joins the class 2 scheme: both move.
            let relative = try fixtures.members.create(nik: MemberFixtures.nik(serial: 90), family: ContributionFixtures.family(2), [
                "region_code": #""5203""#, "relationship": #""spouse""#,
            ])
            #expect(try fixtures.addBeneficiaries(second, [members[1]]).status == 200)
            for id in [members[1], relative] {
                #expect(try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(id)"))["class"] as? Int == 2)
                let history = try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(id)/history"))
                #expect((history["data"] as? [[String: Any]])?.last?["reason"] as? String == "moved to the class of scheme \(second) with member \(members[1])")
            }

            // Removed, the member may join another scheme; it is billed up to this month.
            #expect(try fixtures.request("DELETE", "/v1/schemes/\(first)/beneficiaries/\(members[0])").status == 204)
            #expect(try fixtures.request("DELETE", "/v1/schemes/\(first)/beneficiaries/\(members[0])").status == 404)
            #expect(try fixtures.addBeneficiaries(second, [members[0]]).status == 200)
            let listed = try ContributionFixtures.object(try fixtures.request("GET", "/v1/schemes/\(first)/beneficiaries"))
            #expect((listed["data"] as? [[String: Any]])?.first?["until_period"] as? String == "2026-01")
            // Removed and added again in the same month: the new place starts next month.
            #expect(try fixtures.request("DELETE", "/v1/schemes/\(second)/beneficiaries/\(members[1])").status == 204)
            #expect(try fixtures.addBeneficiaries(second, [members[1]]).status == 200)
            // January is billed once for each member: by the first scheme for the member that
            // left it, by the second for the one that came back.
            #expect(try fixtures.bill(first, "2026-01").status == 201)
            #expect(try fixtures.bill(second, "2026-01").status == 201)
            #expect(try fixtures.bill(second, "2026-02").status == 201)
            for member in members {
                #expect(try fixtures.count("""
                    SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE l.member_id = ? AND i.period = '2026-01'
                    """, [.integer(Int64(member))]) == 1)
            }
            #expect(try fixtures.count("SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.period = '2026-02'") == 2)
        }
    }
}
