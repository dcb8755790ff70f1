import Database
import Foundation
import HTTPTestSupport
@testable import Sinergi
import Testing

/// Members' own premiums (DOMAIN.md): a PBPU family card pays together, the state tops up class
/// 3, the first premium has its window, statuses follow from payments and the month's close,
/// arrears are charged for at most the cap, and the rule values are data with effective dates.
@Suite struct MemberPaymentTests {
    @Test("a PBPU family card pays its month together, with the state's top-up; statuses follow from payments and the month's close")
    func familyPayments() async throws {
        try await ContributionFixtures.run(on: CalendarDate("2026-01-05")!) { fixtures in
            let head = try fixtures.registerMembers(1)[0]
            let spouse = try fixtures.members.create(nik: MemberFixtures.nik(serial: 2), family: ContributionFixtures.family(1), [
                "region_code": #""5203""#, "relationship": #""spouse""#,
            ])
            // Registered on 5 January: the first premium is paid from 19 January to 4 February.
            fixtures.clock.set(CalendarDate("2026-01-10")!)
            let early = try fixtures.payMember(head, period: "2026-01", amount: 70_000, reference: "K-1", paidOn: "2026-01-10")
            #expect(try MemberFixtures.errorCodes(early) == ["paid_on:outside_first_payment_window"])
            fixtures.clock.set(CalendarDate("2026-01-20")!)
            let alone = try fixtures.payMember(head, period: "2026-01", amount: 35_000, reference: "K-1")
            #expect(try MemberFixtures.errorCodes(alone) == ["amount_idr:amount_mismatch"])
            #expect(alone.text.contains("must be 70000"))
            #expect(try fixtures.count("SELECT count(*) FROM contributions") == 0)

            let paid = try fixtures.payMember(head, period: "2026-01", amount: 70_000, reference: "K-1")
            #expect(paid.status == 201, "\(paid.text)")
            let body = try ContributionFixtures.object(paid)
            #expect(body["status"] as? String == "active")
            let entries = try #require(body["entries"] as? [[String: Any]])
            #expect(entries.map { "\($0["member_id"] ?? "") \($0["source"] ?? "") \($0["amount_idr"] ?? "")" } == [
                "\(head) participant 35000", "\(head) central_government 7000", "\(spouse) participant 35000", "\(spouse) central_government 7000",
            ])
            #expect(try fixtures.status(of: spouse) == "active")
            let replay = try fixtures.payMember(head, period: "2026-01", amount: 70_000, reference: "K-1")
            #expect(replay.status == 200)
            #expect(try fixtures.count("SELECT count(*) FROM contributions") == 4)
            #expect(try MemberFixtures.errorCodes(try fixtures.payMember(spouse, period: "2026-01", amount: 70_000, reference: "K-2")) == ["period:already_paid"])
            #expect(try MemberFixtures.errorCodes(try fixtures.payMember(head, period: "2026-03", amount: 70_000, reference: "K-3")) == ["period:too_far_ahead"])
            #expect(try MemberFixtures.errorCodes(try fixtures.payMember(head, period: "2026-02", amount: 70_000, reference: "K-3", paidOn: "2026-01-21"))
                    == ["paid_on:in_future"])

            // February and March are not paid: closed on 15 April, the card is inactive and owes
            // three months (April's is late too) for both members.
            fixtures.clock.set(CalendarDate("2026-04-15")!)
            #expect(try fixtures.application.closeMonth(Period("2026-02")!) == 2)
            #expect(try fixtures.application.closeMonth(Period("2026-03")!) == 0)
            #expect(throws: MonthClose.Refusal.self) { try fixtures.application.closeMonth(Period("2026-05")!) }
            #expect(try fixtures.status(of: head) == "inactive")
            let arrears = try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(spouse)/arrears"))
            #expect(arrears["member_ids"] as? [Int] == [head, spouse])
            #expect(arrears["months_in_arrears"] as? Int == 3)
            #expect(arrears["amount_idr"] as? Int == 210_000)
            #expect((arrears["service_penalty"] as? [String: Any])?["rate_bp"] as? Int == 1500)

            for (month, reference) in [("2026-02", "K-4"), ("2026-03", "K-5")] {
                #expect(try fixtures.payMember(head, period: month, amount: 70_000, reference: reference).status == 201)
                #expect(try fixtures.status(of: head) == "inactive", "\(month)")
            }
            #expect(try fixtures.payMember(spouse, period: "2026-04", amount: 70_000, reference: "K-6").status == 201)
            #expect(try fixtures.status(of: head) == "active")
            #expect(try fixtures.status(of: spouse) == "active")
            let history = try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(head)/history"))
            #expect((history["data"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } == [
                "premium paid for 2026-01", "premium for 2026-02 unpaid after 2026-02-10", "premium paid for 2026-04",
            ])
        }
    }

    @Test("a family card pays for its members no scheme pays for; the central government pays the top-up with the member's part")
    func familyWithScheme() async throws {
        try await ContributionFixtures.run(on: CalendarDate("2026-01-20")!) { fixtures in
            let head = try fixtures.registerMembers(1)[0]
            let spouse = try fixtures.members.create(nik: MemberFixtures.nik(serial: 2), family: ContributionFixtures.family(1), [
                "region_code": #""5203""#, "relationship": #""spouse""#,
            ])
            let scheme = try fixtures.scheme(funders: [(fixtures.baznas, 10_000, nil)], startsOn: "2026-02-01")
            #expect(try fixtures.addBeneficiaries(scheme, [head]).status == 200)
            fixtures.clock.set(CalendarDate("2026-02-03")!)
            #expect(try MemberFixtures.errorCodes(try fixtures.payMember(head, period: "2026-02", amount: 35_000, reference: "S-1")) == ["period:paid_by_scheme"])
            #expect(try MemberFixtures.errorCodes(try fixtures.payMember(spouse, period: "2026-02", amount: 70_000, reference: "S-1")) == ["amount_idr:amount_mismatch"])
            let paid = try ContributionFixtures.object(try fixtures.payMember(spouse, period: "2026-02", amount: 35_000, reference: "S-1"))
            #expect((paid["entries"] as? [[String: Any]])?.compactMap { $0["member_id"] as? Int } == [spouse, spouse])

            let single = try fixtures.registerMembers(1, firstSerial: 3, segment: "BP")[0]
            let state = try ContributionFixtures.object(try fixtures.payMember(single, period: "2026-02", amount: 42_000, source: "central_government", reference: "APBN-1"))
            #expect((state["entries"] as? [[String: Any]])?.map { "\($0["source"] ?? "") \($0["amount_idr"] ?? "")" } == ["central_government 42000"])
            #expect(state["status"] as? String == "active")
        }
    }

    @Test("arrears are charged for the last 24 months only, and the cap is data with an effective date")
    func arrearsCap() async throws {
        try await ContributionFixtures.run(on: CalendarDate("2026-01-05")!) { fixtures in
            let member = try fixtures.registerMembers(1, memberClass: 1, segment: "BP")[0]
            #expect(try fixtures.payMember(member, period: "2026-01", amount: 150_000, reference: "B-1").status == 201)
            fixtures.clock.set(CalendarDate("2028-06-15")!)
            let arrears = try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(member)/arrears"))
            let periods = try #require(arrears["periods"] as? [[String: Any]])
            #expect(arrears["months_in_arrears"] as? Int == 24)
            #expect(periods.first?["period"] as? String == "2026-07")
            #expect(periods.last?["period"] as? String == "2028-06")
            #expect(arrears["amount_idr"] as? Int == 3_600_000)
            #expect((arrears["service_penalty"] as? [String: Any])?["months"] as? Int == 12)
            #expect(try MemberFixtures.errorCodes(try fixtures.payMember(member, period: "2026-03", amount: 150_000, reference: "B-2"))
                    == ["period:not_charged"])

            // A new regulation from 2028: twelve months charged, and a new premium for class 1.
            try fixtures.application.store.writeSync { connection in
                try connection.execute("INSERT INTO contribution_rules VALUES ('2028-01-01', 10, 12, 500, 12, 30000000, 45, 14, 30)")
                try connection.execute("INSERT INTO premium_rates (segment, class, effective_from, amount_idr) VALUES ('BP', 1, '2028-01-01', 160000)")
            }
            let capped = try ContributionFixtures.object(try fixtures.request("GET", "/v1/members/\(member)/arrears"))
            #expect(capped["months_in_arrears"] as? Int == 12)
            // July 2027 to June 2028: six months at Rp 150,000 and six at Rp 160,000.
            #expect(capped["amount_idr"] as? Int == 6 * 150_000 + 6 * 160_000)
            let premiums = try ContributionFixtures.object(try fixtures.request("GET", "/v1/premiums?segment=BP&class=1"))
            #expect((premiums["data"] as? [[String: Any]])?.compactMap { $0["amount_idr"] as? Int } == [150_000, 160_000])
        }
    }
}
