internal import Database

/// Rows of an import, checked in three steps as `MemberService.register` checks one: what
/// needs no database (the form of each field, the rules within a row, sealing: `add`); what
/// reads rows that never change or go (references, the region list behind the warnings:
/// `check`, on a reader, before the batch waits for the writer); and what must hold at the
/// commit (the family class rule under its locks, uniqueness by the indexes: `write`).
struct ImportBatch: Sendable {
    private enum Row: Sendable {
        case refused(number: Int64, line: Int, [FieldError], MemberReferences)
        case member(number: Int64, line: Int, MemberRepository.ImportRow, warned: Bool)
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

    /// Stamped on every row, so the writer builds nothing.
    private let now: String

    init(job: ImportJob, header: MemberCSV, today: CalendarDate, now: String, startRow: Int64, from: Int64) {
        self.job = job
        self.now = now
        self.header = header
        self.today = today
        self.startRow = startRow
        self.from = from
        end = from
        nextLine = job.resumeLine
    }

    var count: Int { rows.count }

    /// The batch after this one, its rows stamped `now`.
    func next(now: String) -> ImportBatch {
        ImportBatch(job: job, header: header, today: today, now: now, startRow: startRow + Int64(rows.count), from: end)
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
        let registration = MemberRepository.Registration(member: member, sealed: repository.seal(member))
        rows.append(.member(
            number: number, line: record.line,
            repository.importRow(registration, importID: job.id, today: today, now: now), warned: false))
    }

    /// Refuses rows whose references do not exist or lie outside the sender's tree, and marks
    /// the warnings, reading rows that are never deleted: safe outside the write, as for
    /// `POST /v1/members`. References and region codes repeat across a file (one region, one
    /// organization): each is looked up once a batch.
    mutating func check(regions: KnownRegions, in connection: DatabaseConnection) throws {
        var referenceErrors: [MemberReferences: [FieldError]] = [:]
        func problems(_ references: MemberReferences) throws -> [FieldError] {
            if let known = referenceErrors[references] { return known }
            let found = try MemberService.referenceErrors(references, scope: job.scope, regions: regions, in: connection)
            referenceErrors[references] = found
            return found
        }
        var regionsSeen: [String: Bool] = [:]
        func regionExists(_ code: String) throws -> Bool {
            if let known = regionsSeen[code] { return known }
            let known = try RegionCode(code).map { try regions.contains($0, in: connection) } ?? false
            regionsSeen[code] = known
            return known
        }
        for index in rows.indices {
            switch rows[index] {
            case .refused(let number, let line, let errors, let references):
                rows[index] = .refused(number: number, line: line, errors + (try problems(references)), MemberReferences())
            case .member(let number, let line, let row, _):
                let member = row.registration.member
                let errors = try problems(member.references)
                if !errors.isEmpty {
                    rows[index] = .refused(number: number, line: line, errors, MemberReferences())
                } else {
                    let warned = try !MemberService.warnings(for: member, regionExists: regionExists).isEmpty
                    rows[index] = .member(number: number, line: line, row, warned: warned)
                }
            }
        }
    }

    /// Writes the checked batch: refused rows' problems, and the members that keep the family
    /// class rule and are not registered already. Returns what the job's counters gain.
    func write(repository: MemberRepository, in connection: DatabaseConnection) throws -> ImportProgress {
        var progress = ImportProgress(rows: Int64(rows.count), resumeOffset: end, resumeLine: nextLine)
        var errors: [[SQLValue]] = []
        func refuse(_ number: Int64, _ line: Int, _ problems: [FieldError]) {
            progress.rejected += 1
            for problem in problems {
                errors.append([.integer(job.id), .integer(number), .integer(Int64(line)), .text(problem.field), .text(problem.code), .text(problem.message)])
            }
        }
        // Locked (in one order, so two batches on two nodes cannot wait for each other), then
        // read, all at once: a statement per row would be a round trip per row on PostgreSQL.
        var cards: [String] = []
        for case .member(_, _, let row, _) in rows where row.registration.member.segment == .pbpu {
            cards.append(row.registration.member.familyCardNo)
        }
        try connection.lockUntilCommit(cards.map(MemberService.familyLock))
        // PBPU families share a class: the first of a card in the registry, or in this batch, sets it.
        var familyClasses = try repository.familyClasses(cards, in: connection)
        var accepted: [(number: Int64, line: Int, row: MemberRepository.ImportRow, warned: Bool)] = []
        for row in rows {
            switch row {
            case .refused(let number, let line, let problems, _):
                refuse(number, line, problems)
            case .member(let number, let line, let row, let warned):
                let member = row.registration.member
                if member.segment == .pbpu {
                    if let familyClass = familyClasses[member.familyCardNo], familyClass != member.memberClass {
                        refuse(number, line, [MemberService.familyClassMismatch(familyClass, seesAll: job.scope == .all)])
                        continue
                    }
                    familyClasses[member.familyCardNo] = member.memberClass
                }
                accepted.append((number, line, row, warned))
            }
        }
        var inserted = try repository.insertMany(accepted.map(\.row), in: connection)
        for row in accepted {
            let registration = row.row.registration
            // A NIK given twice in the batch was inserted once: the first row has it.
            if inserted.remove(registration.sealed.nikIndex) != nil {
                progress.accepted += 1
                if row.warned { progress.warnings += 1 }
            } else if try registration.member.cardNo == nil || repository.isRegistered(registration.sealed.nikIndex, in: connection) {
                progress.duplicates += 1
            } else {
                refuse(row.number, row.line, [FieldError(field: "card_no", code: "duplicate", message: "is registered to another member already")])
            }
        }
        try ImportRepository.insertErrors(errors, in: connection)
        return progress
    }
}
