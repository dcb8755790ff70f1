internal import Database

/// Rows of an import read and checked as far as they can be without the database (the form
/// of each field, the rules within a row, sealing), then written in one transaction with the
/// checks that read the database: references, warnings, the family class rule, uniqueness.
struct ImportBatch: Sendable {
    private enum Row: Sendable {
        case refused(number: Int64, line: Int, [FieldError], MemberReferences)
        case member(number: Int64, line: Int, MemberRepository.Registration)
    }

    let job: ImportJob
    let header: MemberCSV
    let today: CalendarDate
    /// The number of the batch's first row (1: the first after the header).
    let startRow: Int64
    /// The resume point the batch starts from.
    let from: Int64
    private var rows: [Row] = []
    private var end: Int64
    private var nextLine: Int64

    init(job: ImportJob, header: MemberCSV, today: CalendarDate, startRow: Int64, from: Int64) {
        self.job = job
        self.header = header
        self.today = today
        self.startRow = startRow
        self.from = from
        end = from
        nextLine = job.resumeLine
    }

    var count: Int { rows.count }

    /// The batch after this one.
    func next() -> ImportBatch {
        ImportBatch(job: job, header: header, today: today, startRow: startRow + Int64(rows.count), from: end)
            .with(nextLine: nextLine)
    }

    private func with(nextLine: Int64) -> ImportBatch {
        var batch = self
        batch.nextLine = nextLine
        return batch
    }

    /// Reads one record as `POST /v1/members` reads its body.
    mutating func add(_ record: CSVReader.Record, repository: MemberRepository) {
        let number = startRow + Int64(rows.count)
        defer {
            end = Int64(record.end)
            nextLine = Int64(record.nextLine)
        }
        guard record.fields.count == header.names.count else {
            rows.append(.refused(number: number, line: record.line, [FieldError(
                field: "row", code: "wrong_field_count",
                message: "has \(record.fields.count) fields; the header has \(header.names.count)")], MemberReferences()))
            return
        }
        var input = JSONInput(object: header.object(record.fields), prefix: "")
        var references = MemberReferences()
        var draft = MemberRoutes.draft(from: &input, today: today, references: &references)
        if draft != nil, draft?.registeredVia.organizationID == nil {
            draft?.registeredVia.organizationID = job.organizationID
        }
        guard let member = draft, input.errors.isEmpty else {
            rows.append(.refused(number: number, line: record.line, input.errors, references))
            return
        }
        rows.append(.member(number: number, line: record.line, .init(member: member, sealed: repository.seal(member))))
    }

    /// Writes the batch: refused rows' problems, and the members that pass the database's
    /// checks. Returns what the job's counters gain.
    func write(repository: MemberRepository, regions: KnownRegions, now: String, in connection: DatabaseConnection) throws -> ImportProgress {
        var progress = ImportProgress(rows: Int64(rows.count), resumeOffset: end, resumeLine: nextLine)
        var errors: [[SQLValue]] = []
        func refuse(_ number: Int64, _ line: Int, _ problems: [FieldError]) {
            progress.rejected += 1
            for problem in problems {
                errors.append([.integer(job.id), .integer(number), .integer(Int64(line)), .text(problem.field), .text(problem.code), .text(problem.message)])
            }
        }
        // References repeat across a file (one region, one organization): each set is looked up once.
        var referenceErrors: [MemberReferences: [FieldError]] = [:]
        func check(_ references: MemberReferences) throws -> [FieldError] {
            if let known = referenceErrors[references] { return known }
            let found = try MemberService.referenceErrors(references, scope: job.scope, regions: regions, in: connection)
            referenceErrors[references] = found
            return found
        }
        // PBPU families share a class: the first of a card in this batch, or in the registry, sets it.
        var familyClasses: [String: Int] = [:]
        // Locked in one order, so two batches on two nodes cannot wait for each other.
        var cards: Set<String> = []
        for case .member(_, _, let registration) in rows where registration.member.segment == .pbpu {
            cards.insert(registration.member.familyCardNo)
        }
        for card in cards.sorted() { try connection.lockUntilCommit(MemberService.familyLock(card)) }
        var accepted: [(number: Int64, line: Int, registration: MemberRepository.Registration, warned: Bool)] = []
        for row in rows {
            switch row {
            case .refused(let number, let line, let problems, let references):
                refuse(number, line, problems + (try check(references)))
            case .member(let number, let line, let registration):
                let member = registration.member
                let problems = try check(member.references)
                if !problems.isEmpty {
                    refuse(number, line, problems)
                    continue
                }
                if member.segment == .pbpu {
                    let familyClass = try familyClasses[member.familyCardNo]
                        ?? repository.familyClass(member.familyCardNo, excluding: nil, in: connection)
                    if let familyClass, familyClass != member.memberClass {
                        refuse(number, line, [MemberService.familyClassMismatch(familyClass, seesAll: job.scope == .all)])
                        continue
                    }
                    familyClasses[member.familyCardNo] = member.memberClass
                }
                let warned = try !MemberService.warnings(for: member, regions: regions, in: connection).isEmpty
                accepted.append((number, line, registration, warned))
            }
        }
        var inserted = try repository.insertMany(accepted.map(\.registration), importID: job.id, today: today, now: now, in: connection)
        for row in accepted {
            // A NIK given twice in the batch was inserted once: the first row has it.
            if inserted.remove(row.registration.sealed.nikIndex) != nil {
                progress.accepted += 1
                if row.warned { progress.warnings += 1 }
            } else if try row.registration.member.cardNo == nil
                || repository.isRegistered(row.registration.sealed.nikIndex, in: connection) {
                progress.duplicates += 1
            } else {
                refuse(row.number, row.line, [FieldError(field: "card_no", code: "duplicate", message: "is registered to another member already")])
            }
        }
        try ImportRepository.insertErrors(errors, in: connection)
        return progress
    }
}
