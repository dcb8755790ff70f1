internal import Database
internal import Foundation

/// Runs one import job from its resume point to its end, on the calling thread: a first pass
/// reads the file through (so a file that is not UTF-8, or whose quotes do not close, fails
/// with nothing imported, and `rows_total` is known), then rows go in batches, each committed
/// with its errors and the job's new resume point in one transaction.
struct ImportRun {
    let job: ImportJob
    let path: String
    let store: Store
    let repository: MemberRepository
    let regions: KnownRegions
    let clock: ServiceClock
    let batchRows: Int
    /// Called after each committed batch with the job as it is now.
    var onProgress: @Sendable (ImportJob) -> Void = { _ in }
    /// Asked after each committed batch; true stops the run there.
    var shouldStop: @Sendable () -> Bool = { false }

    /// Stopped between batches (shutdown): the job resumes from there.
    struct Interrupted: Error {}

    /// A batch was not committed because the job's resume point had moved: another runner has
    /// it. The batch rolled back; this run stops.
    struct Superseded: Error {}

    private static let chunkBytes = 1 << 20

    func run() throws {
        let today = clock.today
        var rowsTotal = job.rowsTotal
        if rowsTotal == nil {
            switch Self.scan(path) {
            case .failed(let reason):
                try fail(reason)
                return
            case .rows(let rows):
                rowsTotal = rows
            }
        }
        try store.writeSync { [job, clock, rowsTotal] in try ImportRepository.start(job.id, rowsTotal: rowsTotal ?? 0, now: clock.now, in: $0) }

        guard let file = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? file.close() }
        // The header, from the start of the file, whatever the resume point.
        let found: (record: CSVReader.Record, reader: CSVReader)?
        do {
            found = try MemberCSV.headerRecord(of: file)
        } catch {
            try fail(error.reason)
            return
        }
        guard let found else {
            try finish()
            return
        }
        let (csv, errors) = MemberCSV.header(found.record.fields, today: today)
        guard let header = csv else {
            try fail("the header is not that of POST /v1/members: " + errors.map { "\($0.field) \($0.code)" }.joined(separator: ", "))
            return
        }
        var reader = found.reader
        if job.resumeOffset > 0 {
            // Resumed: go on from the resume point, reading the byte before it to see whether a CR
            // ended the last committed row.
            try file.seek(toOffset: UInt64(job.resumeOffset - 1))
            let before = file.readData(ofLength: 1)
            reader = CSVReader(
                resumingAt: Int(job.resumeOffset), line: Int(job.resumeLine), separator: reader.separator ?? UInt8(ascii: ","),
                afterCR: before.first == 0x0D)
        }

        var batch = ImportBatch(
            job: job, header: header, today: today, now: clock.now, startRow: job.rowsDone + 1, from: job.resumeOffset)
        let commits = CommitQueue<ImportBatch> { try commit($0) }
        do {
            var finished = false
            while !finished {
                let chunk = [UInt8](file.readData(ofLength: Self.chunkBytes))
                finished = chunk.isEmpty
                for record in try finished ? reader.finish() : reader.read(chunk) {
                    batch.add(record, repository: repository)
                    if batch.count >= batchRows {
                        try commits.submit(try checked(batch))
                        batch = batch.next(now: clock.now)
                    }
                }
            }
            if batch.count > 0 { try commits.submit(try checked(batch)) }
        } catch let failure as CSVReader.Failure {
            // The first pass read the file whole; it changed since. What is committed stays,
            // and the job ends rather than failing again at every restart.
            try? commits.finish()
            try fail(failure.reason)
            return
        } catch {
            // The batches queued before the failure still commit: the job resumes after them.
            try? commits.finish()
            throw error
        }
        try commits.finish()
        try finish()
        if let done = try store.readSync({ [job] in try ImportRepository.find(job.id, scope: .all, in: $0) }) { onProgress(done) }
    }

    /// Ends the job `failed` with `reason`: the file cannot be imported.
    private func fail(_ reason: String) throws {
        try store.writeSync { [job, clock] in try ImportRepository.fail(job.id, reason: reason, now: clock.now, in: $0) }
    }

    /// Ends the job `done`.
    private func finish() throws {
        try store.writeSync { [job, clock] in try ImportRepository.finish(job.id, now: clock.now, in: $0) }
    }

    /// `batch` with its references and warnings checked, on a reader.
    private func checked(_ batch: ImportBatch) throws -> ImportBatch {
        let regions = regions
        return try store.readSync { connection in
            var checked = batch
            try checked.check(regions: regions, in: connection)
            return checked
        }
    }

    /// Commits `batch`, on the commit queue's thread.
    private func commit(_ full: ImportBatch) throws {
        let (repository, now) = (repository, clock.now)
        let job = try store.lockedWriteSync { connection in
            let progress = try full.write(repository: repository, in: connection)
            guard try ImportRepository.advance(full.job.id, from: full.from, by: progress, now: now, in: connection) else {
                throw Superseded()
            }
            return try ImportRepository.find(full.job.id, scope: .all, in: connection)
        }
        if let job { onProgress(job) }
        if shouldStop() { throw Interrupted() }
    }

    enum Scan: Equatable {
        case rows(Int64)
        case failed(String)
    }

    /// Reads the whole file as CSV: its data rows, or why it cannot be imported.
    static func scan(_ path: String) -> Scan {
        guard let file = FileHandle(forReadingAtPath: path) else { return .failed("the uploaded file is gone") }
        defer { try? file.close() }
        var reader = CSVReader()
        var records: Int64 = 0
        do throws(CSVReader.Failure) {
            while true {
                let chunk = [UInt8](file.readData(ofLength: chunkBytes))
                if chunk.isEmpty {
                    records += Int64(try reader.finish().count)
                    break
                }
                records += Int64(try reader.read(chunk).count)
            }
        } catch {
            return .failed(error.reason)
        }
        return .rows(max(0, records - 1))
    }
}

extension CSVReader.Failure {
    /// For a job's `failure`: what is wrong and where, without the file's bytes.
    var reason: String {
        switch self {
        case .notUTF8(let line): "line \(line): the file is not UTF-8 text (save it as CSV UTF-8)"
        case .unterminatedQuote(let line): "line \(line): a quoted field is never closed"
        case .textAfterQuote(let line): "line \(line): text follows a closing quote inside a field"
        case .fieldTooLong(let line): "line \(line): a field is longer than \(CSVReader.maxFieldBytes) bytes"
        }
    }
}

