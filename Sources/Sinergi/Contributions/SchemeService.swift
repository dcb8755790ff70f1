internal import Database

/// The rules of sharing schemes (DOMAIN.md, Sharing schemes): funders whose shares sum to
/// 10,000 bp, beneficiaries within the quota and in one scheme at a time, billing runs once
/// per period within every funder's budget, payments that never pass an invoice, and the
/// ledger entries of a period once every funder has paid it. Each rule that concurrent
/// requests could break is a constraint or a conditional write (`SchemeRepository`).
struct SchemeService: Sendable {
    let store: Store
    let members: MemberRepository
    let audit: AuditLog

    func create(_ new: NewScheme, _ context: RequestContext) async throws -> Scheme {
        try await store.write { connection in
            var errors = new.errors
            if let region = new.regionCode, try RegionRepository.level(of: region, in: connection) == nil {
                errors.append(.init(field: "region_code", code: "not_found", message: "is not a Kemendagri region code"))
            }
            var sources: [PaymentSource] = []
            for (index, funder) in new.funders.enumerated() {
                guard let organization = try OrganizationRepository.find(funder.organizationID, scope: .all, in: connection) else {
                    errors.append(.init(field: "funders[\(index)].organization_id", code: "not_found", message: "no organization has this id"))
                    continue
                }
                sources.append(funder.source ?? PaymentSource.of(organization.kind.rawValue))
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }
            let id = try SchemeRepository.insert(new, sources: sources, now: context.now, in: connection)
            try AuditLog.insert(context.audit("create", "scheme", id: id), into: connection)
            return try SchemeRepository.find(id, scope: .all, in: connection)!
        }
    }

    func find(_ id: Int64, _ context: RequestContext) async throws -> Scheme? {
        try await store.read { try SchemeRepository.find(id, scope: context.scope, in: $0) }
    }

    func list(regionPrefix: String?, funder: Int64?, page: Page, _ context: RequestContext) async throws -> [Scheme] {
        try await store.read {
            try SchemeRepository.list(
                regionPrefix: regionPrefix, funder: funder, scope: context.scope, after: page.after, limit: page.limit, in: $0)
        }
    }

    // MARK: - Beneficiaries

    /// Adds members to the scheme, all or none: each must be in scope, not deactivated, not
    /// PBI (the state pays those) nor PPU (the employer does), and in no other active scheme.
    /// A member of another class moves to the scheme's (a PBPU member with its family card),
    /// with history. Members already in the scheme are left as they are. Returns how many
    /// were added.
    ///
    /// A grouped write (on PostgreSQL READ COMMITTED): the quota is a conditional update of
    /// the scheme's row, which concurrent adds take in turn, and one scheme per member is a
    /// unique index; under SERIALIZABLE, twenty adds at once lost to each other until some ran
    /// out of attempts.
    func addBeneficiaries(_ memberIDs: [Int64], to schemeID: Int64, _ context: RequestContext) async throws -> (added: Int, scheme: Scheme) {
        let members = members
        return try await store.groupedWrite { connection in
            guard let scheme = try SchemeRepository.find(schemeID, scope: context.scope, in: connection) else { throw AppError.notFound }
            let today = context.today
            if let endsOn = scheme.endsOn, endsOn < today.description {
                throw AppError.conflict("Scheme \(schemeID) ended on \(endsOn); it takes no beneficiaries.")
            }
            var errors: [FieldError] = []
            var adding: [LedgerMember] = []
            for (index, id) in memberIDs.enumerated() {
                let field = "member_ids[\(index)]"
                guard let member = try ContributionRepository.member(id, scope: context.scope, in: connection) else {
                    errors.append(.init(field: field, code: "not_found", message: "no member you may see has this id"))
                    continue
                }
                let current = try SchemeRepository.activeScheme(of: id, in: connection)
                if current == schemeID || adding.contains(where: { $0.id == id }) { continue }
                if member.status == .deactivated {
                    errors.append(.init(field: field, code: "deactivated", message: "the member is deactivated"))
                } else if member.segment.isPBI {
                    errors.append(.init(field: field, code: "pbi_not_eligible", message: "PBI premiums are paid by the state"))
                } else if member.segment == .ppuPN || member.segment == .ppuBU {
                    errors.append(.init(field: field, code: "ppu_not_eligible", message: "PPU premiums are paid by the employer and the worker"))
                } else if let current {
                    errors.append(.init(field: field, code: "in_another_scheme", message: "the member is a beneficiary of scheme \(current)"))
                } else {
                    adding.append(member)
                }
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }
            guard !adding.isEmpty else { return (0, scheme) }
            guard try SchemeRepository.takePlaces(adding.count, of: schemeID, now: context.now, in: connection) else {
                let left = scheme.quota - scheme.beneficiaries
                throw AppError.invalid([.init(
                    field: "member_ids", code: "quota_exceeded",
                    message: "the scheme's quota of \(scheme.quota) has \(left) places left; \(adding.count) asked")])
            }
            // From this month or the scheme's first, but after every period already billed: a run
            // is made once, so a member added later is billed from the next run on.
            var start = max(Period(today), Period(CalendarDate(scheme.startsOn)!))
            if let billed = try SchemeRepository.lastRunPeriod(of: schemeID, in: connection) { start = max(start, billed.adding(months: 1)) }
            for member in adding {
                // A member that left a scheme this month is billed by it for the month already.
                let from = max(start, try SchemeRepository.lastBilledPeriod(of: member.id, in: connection)?.adding(months: 1) ?? start)
                guard try SchemeRepository.addBeneficiary(member.id, to: schemeID, from: from, now: context.now, in: connection) else {
                    throw AppError.conflict("Member \(member.id) became a beneficiary of another scheme meanwhile.")
                }
                if member.memberClass != scheme.memberClass {
                    try moveClass(of: member, to: scheme, members: members, context: context, in: connection)
                }
            }
            try AuditLog.insert(context.audit("add_beneficiaries", "scheme", id: schemeID), into: connection)
            return (adding.count, try SchemeRepository.find(schemeID, scope: .all, in: connection)!)
        }
    }

    /// Moves a beneficiary (for PBPU its whole family card, which shares one class) to the
    /// scheme's class: the scheme pays that class's premium.
    private func moveClass(of member: LedgerMember, to scheme: Scheme, members: MemberRepository, context: RequestContext, in connection: DatabaseConnection) throws {
        let today = context.today.description
        var moved: [(id: Int64, oldClass: Int)]
        if member.segment == .pbpu {
            // As a class change by PATCH: registrations on the card wait, and see the new class.
            try connection.lockUntilCommit(MemberService.familyLock(member.familyCardNo))
            moved = try members.moveFamilyClass(member.familyCardNo, to: scheme.memberClass, since: today, excluding: 0, now: context.now, in: connection)
        } else {
            try members.setClass(member.id, to: scheme.memberClass, since: today, now: context.now, in: connection)
            moved = [(member.id, member.memberClass)]
        }
        for relative in moved {
            try members.recordHistory(
                MemberHistoryEntry(
                    field: .memberClass, oldValue: String(relative.oldClass), newValue: String(scheme.memberClass),
                    reason: "moved to the class of scheme \(scheme.id) with member \(member.id)"),
                memberID: relative.id, by: context.principal, requestID: context.requestID, now: context.now, in: connection)
        }
    }

    /// Ends the member's place in the scheme: billed up to this month, the premiums of which
    /// are paid in advance, or up to the last month the scheme invoiced for the member already.
    func removeBeneficiary(_ memberID: Int64, from schemeID: Int64, _ context: RequestContext) async throws {
        try await store.write { connection in
            guard try SchemeRepository.find(schemeID, scope: context.scope, in: connection) != nil else { throw AppError.notFound }
            let month = Period(context.today)
            let until = max(month, try SchemeRepository.lastInvoicedPeriod(of: memberID, in: schemeID, in: connection) ?? month)
            guard try SchemeRepository.removeBeneficiary(memberID, from: schemeID, after: until, now: context.now, in: connection)
            else { throw AppError.notFound }
            try AuditLog.insert(context.audit("remove_beneficiary", "scheme", id: schemeID), into: connection)
        }
    }

    func beneficiaries(of schemeID: Int64, page: Page, _ context: RequestContext) async throws -> [Beneficiary]? {
        let rows = try await store.read { connection -> [Beneficiary]? in
            guard try SchemeRepository.find(schemeID, scope: context.scope, in: connection) != nil else { return nil }
            return try SchemeRepository.beneficiaries(of: schemeID, after: page.after, limit: page.limit, in: connection)
        }
        if rows != nil { try await audit.record(context.audit("list", "scheme_beneficiaries", id: schemeID)) }
        return rows
    }

    // MARK: - Billing

    /// Bills the scheme's period: one invoice per funder, a line per beneficiary. Once per
    /// scheme and period (a second run answers the first, `created` false); a run that would
    /// pass a funder's budget writes nothing and names the budget left.
    func bill(_ schemeID: Int64, period: Period, _ context: RequestContext) async throws -> (run: BillingRun, created: Bool) {
        try await store.write { connection in
            guard let scheme = try SchemeRepository.find(schemeID, scope: context.scope, in: connection) else { throw AppError.notFound }
            if let run = try BillingRepository.run(scheme: schemeID, period: period, in: connection) { return (run, false) }
            guard scheme.covers(period) else {
                throw AppError.invalid([.init(
                    field: "period", code: "outside_scheme", message: "the scheme runs from \(scheme.startsOn) to \(scheme.endsOn ?? "no end date")")])
            }
            let table = try PremiumRepository.table(in: connection)
            var premiums: [(memberID: Int64, premiumIDR: Int64)] = []
            for beneficiary in try SchemeRepository.billable(schemeID, in: period, in: connection) {
                guard let premium = table.premium(beneficiary.segment, class: beneficiary.memberClass, in: period) else {
                    throw AppError.invalid([.init(
                        field: "period", code: "no_premium",
                        message: "no premium is in effect for \(beneficiary.segment.rawValue) class \(beneficiary.memberClass) in \(period)")])
                }
                premiums.append((beneficiary.memberID, premium.totalIDR))
            }
            let plan = BillingPlan(premiums: premiums, sharesBP: scheme.funders.map(\.shareBP))
            guard let runID = try BillingRepository.insertRun(
                scheme: schemeID, period: period, plan: plan, beneficiaries: premiums.count, context: context, in: connection)
            else {
                return (try BillingRepository.run(scheme: schemeID, period: period, in: connection)!, false)
            }
            var over: [FieldError] = []
            for invoice in plan.invoices {
                let funder = scheme.funders[invoice.position]
                if try !SchemeRepository.bill(invoice.totalIDR, funder: invoice.position, of: schemeID, in: connection) {
                    over.append(.init(
                        field: "period", code: "budget_exceeded",
                        message: "organization \(funder.organizationID) has \(funder.budgetLeftIDR ?? 0) of its budget left; this run needs \(invoice.totalIDR)"))
                }
            }
            // Throwing rolls the run back: nothing is written.
            if !over.isEmpty { throw AppError.invalid(over) }
            try BillingRepository.insertInvoices(run: runID, scheme: scheme, period: period, plan: plan, now: context.now, in: connection)
            try SchemeRepository.touch(schemeID, now: context.now, in: connection)
            try AuditLog.insert(context.audit("bill", "scheme", id: schemeID), into: connection)
            return (try BillingRepository.run(scheme: schemeID, period: period, in: connection)!, true)
        }
    }

    /// The invoice and its payments, if addressed to an organization in scope.
    func invoice(_ id: Int64, _ context: RequestContext) async throws -> (Invoice, [InvoicePayment])? {
        try await store.read { connection in
            guard let invoice = try BillingRepository.invoice(id, scope: context.scope, in: connection) else { return nil }
            return (invoice, try BillingRepository.payments(of: id, in: connection))
        }
    }

    /// Records money received on an invoice: at most what is outstanding; a reference recorded
    /// before is a no-op (`created` false). When it completes the period, every beneficiary
    /// gets its ledger entries and, with its premiums paid up, becomes active.
    func pay(_ payment: NewPayment, invoiceID: Int64, _ context: RequestContext) async throws -> (payment: InvoicePayment, invoice: Invoice, created: Bool) {
        let members = members
        return try await store.write { connection in
            guard let invoice = try BillingRepository.invoice(invoiceID, scope: context.scope, in: connection) else { throw AppError.notFound }
            var errors = payment.errors(today: context.today)
            if errors.isEmpty, let reference = payment.reference,
               let earlier = try BillingRepository.payment(of: invoiceID, reference: reference, in: connection) {
                return (earlier, invoice, false)
            }
            if let amount = payment.amountIDR, amount > invoice.outstandingIDR {
                errors.append(.init(
                    field: "amount_idr", code: "overpayment", message: "at most \(invoice.outstandingIDR) is outstanding on this invoice"))
            }
            guard errors.isEmpty, let amount = payment.amountIDR, let paidOn = payment.paidOn, let reference = payment.reference else {
                throw AppError.invalid(errors)
            }
            guard try BillingRepository.pay(amount, on: invoiceID, now: context.now, in: connection),
                  let recorded = try BillingRepository.insertPayment(amount, on: invoiceID, paidOn: paidOn, reference: reference, context: context, in: connection)
            else { throw AppError.conflict("Invoice \(invoiceID) changed meanwhile; read it again.") }
            if try BillingRepository.settle(run: invoice.billingRunID, now: context.now, in: connection) {
                let beneficiaries = try BillingRepository.recordSettlement(run: invoice.billingRunID, paidOn: paidOn, context: context, in: connection)
                let today = context.today
                let candidates = try beneficiaries.compactMap { try ContributionRepository.member($0, scope: .all, in: connection) }
                try ContributionService.reactivate(
                    candidates, reason: "premium for \(invoice.period) paid by scheme \(invoice.schemeID)",
                    since: try SchemeRepository.firstPeriods(of: beneficiaries, in: invoice.schemeID, in: connection),
                    table: try PremiumRepository.table(in: connection), rules: try PremiumRepository.rules(on: today, in: connection),
                    members: members, context: context, in: connection)
            }
            try AuditLog.insert(context.audit("pay", "invoice", id: invoiceID), into: connection)
            return (recorded, try BillingRepository.invoice(invoiceID, scope: .all, in: connection)!, true)
        }
    }

    /// Per funder in scope: billed, paid and outstanding from `from` (by default the scheme's
    /// first month) to `to` (by default this month), and budget left; with the range used.
    func statement(_ schemeID: Int64, from: Period?, to: Period?, _ context: RequestContext) async throws -> (from: Period, to: Period, lines: [StatementLine])? {
        try await store.read { connection in
            guard let scheme = try SchemeRepository.find(schemeID, scope: context.scope, in: connection) else { return nil }
            let (start, end) = (from ?? Period(CalendarDate(scheme.startsOn)!), to ?? Period(context.today))
            return (start, end, try BillingRepository.statement(scheme: schemeID, from: start, to: end, scope: context.scope, in: connection))
        }
    }
}
