internal import Database

/// Members' own premiums (DOMAIN.md, Premiums): payments into the one ledger, arrears with
/// the cap and penalty rules, statuses that follow from payments, and the month's close.
struct ContributionService: Sendable {
    let store: Store
    let members: MemberRepository
    let audit: AuditLog

    /// A member payment as recorded: the entries it wrote and the payer's status after it.
    struct Recorded: Sendable {
        let memberID: Int64
        let period: Period
        let source: PaymentSource
        let amountIDR: Int64
        let paidOn: String
        let reference: String
        let entries: [Contribution]
        let status: MemberStatus
        /// False when the reference was recorded before: nothing was written.
        let created: Bool
    }

    func premiums(segment: Segment?, memberClass: Int?, page: Page) async throws -> [PremiumRate] {
        try await store.read { try PremiumRepository.list(segment: segment, memberClass: memberClass, after: page.after, limit: page.limit, in: $0) }
    }

    /// Records a member's premium for one period. A PBPU member pays for the whole family card
    /// (DOMAIN.md), so the amount must be the card's outstanding premium for the period, no
    /// more and no less; a repeated reference is a no-op that answers the first payment.
    func pay(_ payment: NewPayment, memberID: Int64, _ context: RequestContext) async throws -> Recorded {
        let members = members
        return try await store.write { connection in
            guard let payer = try ContributionRepository.member(memberID, scope: context.scope, in: connection) else { throw AppError.notFound }
            var errors = payment.errors(today: context.today)
            if !errors.isEmpty { throw AppError.invalid(errors) }
            guard let period = payment.period, let source = payment.source, let amount = payment.amountIDR,
                  let paidOn = payment.paidOn, let reference = payment.reference
            else { throw AppError.invalid(errors) }
            let earlier = try ContributionRepository.entries(of: memberID, source: source, reference: reference, in: connection)
            if !earlier.isEmpty {
                return Recorded(
                    memberID: memberID, period: Period(earlier[0].period)!, source: source, amountIDR: earlier.filter { $0.source == source }.reduce(0) { $0 + $1.amountIDR },
                    paidOn: earlier[0].paidOn, reference: reference, entries: earlier, status: payer.status, created: false)
            }
            if payer.status == .deactivated { throw AppError.conflict("Member \(memberID) is deactivated; it pays no premiums.") }

            let today = context.today
            let rules = try PremiumRepository.rules(on: today, in: connection)
            let table = try PremiumRepository.table(in: connection)
            let together = try ContributionRepository.payingTogether(with: payer, in: connection)
            let paid = try ContributionRepository.paid(together.map(\.id), in: connection)
            // The card pays for the period those of its members who were registered by then and
            // whose premium no scheme bills (the scheme's funders pay those).
            let billed = try SchemeRepository.billedByScheme(together.map(\.id), in: period, in: connection)
            let owing = together.filter { !billed.contains($0.id) && Period($0.registeredAt) <= period }
            let firstCharged = rules.lastLatePeriod(on: today).adding(months: 1 - rules.arrearsCapMonths)
            if billed.contains(memberID) {
                errors.append(.init(field: "period", code: "paid_by_scheme", message: "a sharing scheme pays this member's premium for \(period)"))
            } else if Period(today).adding(months: 1) < period {
                errors.append(.init(field: "period", code: "too_far_ahead", message: "premiums are paid at most one month ahead"))
            } else if period < Period(payer.registeredAt) {
                errors.append(.init(field: "period", code: "before_registration", message: "is before the member was registered"))
            } else if period < firstCharged, paid[memberID]?.isEmpty == false {
                errors.append(.init(
                    field: "period", code: "not_charged",
                    message: "arrears older than \(rules.arrearsCapMonths) months are not charged; the oldest charged month is \(firstCharged)"))
            }
            // A new PBPU member's first premium: only inside its window after registration.
            if payer.segment == .pbpu, payer.status == .pending, together.allSatisfy({ paid[$0.id]?.isEmpty ?? true }) {
                let opens = payer.registeredAt.adding(days: rules.firstPaymentFromDays)
                let closes = payer.registeredAt.adding(days: rules.firstPaymentUntilDays)
                if paidOn < opens || closes < paidOn {
                    errors.append(.init(
                        field: "paid_on", code: "outside_first_payment_window",
                        message: "a new PBPU member's first premium is paid from \(opens) to \(closes)"))
                }
            }
            // What each member of the card still owes for the period, and the state's top-up
            // that comes with a first payment of it.
            var parts: [(member: LedgerMember, amount: Int64, topUp: Int64)] = []
            var unknown = false
            for member in owing {
                let premium = table.premium(member.segment, class: member.memberClass, in: period)
                let paidIDR = paid[member.id]?[period] ?? 0
                guard let due = Arrears.due(premium, paidIDR: paidIDR, segment: member.segment) else {
                    unknown = true
                    continue
                }
                var (owed, topUp) = (due, !member.segment.isPBI && paidIDR == 0 ? premium?.governmentIDR ?? 0 : 0)
                // The central government paying a member's part pays the top-up with it: one entry.
                if source == .centralGovernment { (owed, topUp) = (owed + topUp, 0) }
                if owed > 0 { parts.append((member, owed, topUp)) }
            }
            let outstanding = parts.reduce(0) { $0 + $1.amount }
            if unknown {
                // PPU: the premium is a share of a wage the registry does not hold; the amount
                // paid is recorded as the employer reports it.
                parts = [(payer, amount, 0)]
            } else if billed.contains(memberID) {
                // Refused above: what the rest of the card owes is not this payment's to settle.
            } else if outstanding == 0 {
                errors.append(.init(field: "period", code: "already_paid", message: "the premium for \(period) is paid"))
            } else if amount != outstanding {
                let whose = owing.count > 1 ? "the family card's \(owing.count) members owe" : "the member owes"
                errors.append(.init(
                    field: "amount_idr", code: "amount_mismatch", message: "must be \(outstanding), the premium \(whose) for \(period)"))
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }

            var entries: [Contribution] = []
            for part in parts {
                guard let entry = try ContributionRepository.insert(
                    member: part.member.id, period: period, source: source, amount: part.amount, paidOn: paidOn, reference: reference,
                    context: context, in: connection)
                else { throw AppError.conflict("Payment reference \(reference) is recorded already for member \(part.member.id).") }
                entries.append(entry)
                if part.topUp > 0, let topUp = try ContributionRepository.insert(
                    member: part.member.id, period: period, source: .centralGovernment, amount: part.topUp, paidOn: paidOn,
                    reference: reference, context: context, in: connection) {
                    entries.append(topUp)
                }
            }
            try Self.reactivate(together, reason: "premium paid for \(period)", table: table, rules: rules, members: members, context: context, in: connection)
            try AuditLog.insert(context.audit("pay", "member", id: memberID), into: connection)
            let status = try ContributionRepository.member(memberID, scope: .all, in: connection)!.status
            return Recorded(
                memberID: memberID, period: period, source: source, amountIDR: amount, paidOn: paidOn.description, reference: reference,
                entries: entries, status: status, created: true)
        }
    }

    /// The member's arrears today (for PBPU the family card's), if the member is in scope.
    func arrears(memberID: Int64, _ context: RequestContext) async throws -> Arrears? {
        let arrears = try await store.read { connection -> Arrears? in
            guard let member = try ContributionRepository.member(memberID, scope: context.scope, in: connection) else { return nil }
            return try Self.arrears(of: member, on: context.today, scope: context.scope, in: connection)
        }
        if arrears != nil { try await audit.record(context.audit("read", "member_arrears", id: memberID)) }
        return arrears
    }

    /// A page of the member's ledger, if the member is in scope.
    func payments(memberID: Int64, page: Page, _ context: RequestContext) async throws -> [Contribution]? {
        let entries = try await store.read { connection -> [Contribution]? in
            guard try ContributionRepository.member(memberID, scope: context.scope, in: connection) != nil else { return nil }
            return try ContributionRepository.list(member: memberID, after: page.after, limit: page.limit, in: connection)
        }
        if entries != nil { try await audit.record(context.audit("read", "member_payments", id: memberID)) }
        return entries
    }

    /// The arrears of the member's family card (PBPU) or the member, of those members `scope`
    /// may see: a partner is not told what relatives another organization registered owe.
    static func arrears(of member: LedgerMember, on today: CalendarDate, scope: Scope, in connection: DatabaseConnection) throws -> Arrears {
        var together = try ContributionRepository.payingTogether(with: member, in: connection)
        if scope != .all {
            together = try together.filter { try ContributionRepository.member($0.id, scope: scope, in: connection) != nil }
        }
        return Arrears(
            of: together, paid: try ContributionRepository.paid(together.map(\.id), in: connection),
            table: try PremiumRepository.table(in: connection), rules: try PremiumRepository.rules(on: today, in: connection), on: today)
    }

    /// Makes each pending or inactive member of `candidates` active once its premiums (for
    /// PBPU, its family card's) are paid up, with history: statuses follow from payments, and
    /// the arrears are paid to reactivate (DOMAIN.md). For a scheme's beneficiaries, `since`
    /// gives the month each joined: a beneficiary is active once every late month since then
    /// is paid (issue #22: the scheme brings poor members back), what it owed from before
    /// the scheme still in its arrears.
    static func reactivate(
        _ candidates: [LedgerMember], reason: String, since: [Int64: Period]? = nil, table: PremiumTable, rules: ContributionRules,
        members: MemberRepository, context: RequestContext, in connection: DatabaseConnection
    ) throws {
        for member in candidates where (member.status == .pending || member.status == .inactive) && !member.segment.isPBI {
            let together = since == nil ? try ContributionRepository.payingTogether(with: member, in: connection) : [member]
            let paid = try ContributionRepository.paid(together.map(\.id), in: connection)
            let arrears = Arrears(of: together, paid: paid, table: table, rules: rules, on: context.today)
            let owed = arrears.months.filter { month in since?[month.memberID].map { month.period >= $0 } ?? true }
            guard paid[member.id]?.isEmpty == false, owed.isEmpty,
                  try ContributionRepository.activate(member.id, now: context.now, in: connection)
            else { continue }
            try members.recordHistory(
                MemberHistoryEntry(field: .status, oldValue: member.status.rawValue, newValue: MemberStatus.active.rawValue, reason: reason),
                memberID: member.id, by: context.principal, requestID: context.requestID, now: context.now, in: connection)
        }
    }
}
