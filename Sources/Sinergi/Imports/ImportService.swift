internal import Database
internal import Foundation
internal import Glibc

/// Stores uploaded member lists as import jobs and answers what they have done; the
/// `ImportRunner` does the importing.
struct ImportService: Sendable {
    let store: Store
    let runner: ImportRunner
    let directory: String

    /// Makes `file` (in the imports directory, not yet a job's) job of the caller: checks its
    /// header, names it for good, makes it durable, stores the job and wakes the runner.
    /// `organizationID` is where rows that name none are registered; a partner's is its own
    /// unless it names one below it. On a refusal the file is removed.
    func create(file: String, byteCount: Int, organizationID: Int64?, _ context: RequestContext) async throws -> ImportJob {
        do {
            let principal = context.principal
            var organization = organizationID
            if principal.role == .partner, organization == nil { organization = principal.organizationID }
            var errors = Self.headerErrors(file, today: context.today)
            let scope = context.scope
            if let organization, try await store.lookup({ try OrganizationRepository.find(organization, scope: scope, in: $0) }) == nil {
                errors.append(FieldError(field: "organization_id", code: "not_found", message: "no organization you may see has this id"))
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }
            let name = try keep(file)
            let (requestID, now, scopeRoot) = (context.requestID, context.now, principal.role == .partner ? principal.organizationID ?? -1 : nil)
            let target = organization
            let job = try await store.write { connection in
                let job = try ImportRepository.insert(
                    organizationID: target, scopeOrganizationID: scopeRoot, fileName: name, bytesTotal: Int64(byteCount),
                    principal: principal, requestID: requestID, now: now, in: connection)
                try AuditLog.insert(context.audit("create", "import", id: job.id), into: connection)
                return job
            }
            runner.wake()
            return job
        } catch {
            unlink(file)
            throw error
        }
    }

    /// `sinergi import`: copies `source` into the imports directory as a job for
    /// `organizationID`, then runs it here, or follows it while another process runs it.
    /// `onProgress` sees the job after each batch (about once a second when following).
    func importFile(
        _ source: String, organizationID: Int64?, clock: ServiceClock, onProgress: @escaping @Sendable (ImportJob) -> Void
    ) throws -> ImportJob {
        let upload = directory + "/upload-\(UUID().uuidString.lowercased()).part"
        try FileManager.default.copyItem(atPath: source, toPath: upload)
        chmod(upload, 0o600)  // as an upload is: it holds NIKs
        let job: ImportJob
        do {
            var errors = Self.headerErrors(upload, today: clock.today)
            if let organizationID, try store.readSync({ try OrganizationRepository.find(organizationID, scope: .all, in: $0) }) == nil {
                errors.append(FieldError(field: "organization_id", code: "not_found", message: "no organization has this id"))
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }
            let name = try keep(upload)
            let byteCount = Int64((try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int) ?? 0)
            let (requestID, now) = ("cli-" + UUID().uuidString.lowercased(), clock.now)
            job = try store.writeSync { connection in
                let job = try ImportRepository.insert(
                    organizationID: organizationID, scopeOrganizationID: nil, fileName: name, bytesTotal: byteCount,
                    principal: nil, requestID: requestID, now: now, in: connection)
                try AuditLog.insert(AuditEntry(systemAction: "create", resourceType: "import", resourceID: String(job.id)), into: connection)
                return job
            }
        } catch {
            unlink(upload)
            throw error
        }
        while try runner.runJob(job.id, onProgress: onProgress) == .heldElsewhere {
            // A server's runner took the job first: show its progress until it ends.
            Thread.sleep(forTimeInterval: 1)
            guard let current = try store.readSync({ try ImportRepository.find(job.id, scope: .all, in: $0) }) else { break }
            onProgress(current)
            if current.status.isFinished { break }
        }
        return try store.readSync { try ImportRepository.find(job.id, scope: .all, in: $0) } ?? job
    }

    /// The header's problems: none, or every unknown, missing and repeated column, or why the
    /// file has no header to read.
    static func headerErrors(_ file: String, today: CalendarDate) -> [FieldError] {
        guard let handle = FileHandle(forReadingAtPath: file) else { return [emptyFile] }
        defer { try? handle.close() }
        do throws(CSVReader.Failure) {
            guard let (header, _) = try MemberCSV.headerRecord(of: handle) else { return [emptyFile] }
            return MemberCSV.header(header.fields, today: today).errors
        } catch {
            return [FieldError(field: "file", code: "unreadable", message: error.reason)]
        }
    }

    /// A body without a header row: nothing to import, or no member list.
    static let emptyFile = FieldError(field: "file", code: "empty", message: "the body holds no CSV header row")

    /// Gives the checked upload `file` the name its job keeps (the caller stores the job), and
    /// flushes file and name to disk, so a job committed afterwards finds its file after a crash
    /// of the machine too.
    private func keep(_ file: String) throws -> String {
        let name = "import-\(UUID().uuidString.lowercased()).csv"
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CocoaError(.fileNoSuchFile) }
        fsync(fd)
        close(fd)
        guard rename(file, directory + "/" + name) == 0 else { throw CocoaError(.fileWriteUnknown) }
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        return name
    }

    func find(_ id: Int64, _ context: RequestContext) async throws -> ImportJob? {
        let scope = context.scope
        return try await store.lookup { try ImportRepository.find(id, scope: scope, in: $0) }
    }

    func list(status: ImportJob.Status?, page: Page, _ context: RequestContext) async throws -> [ImportJob] {
        let scope = context.scope
        return try await store.read {
            try ImportRepository.list(scope: scope, status: status, after: page.after, limit: page.limit, in: $0)
        }
    }

    /// The problems of job `id`'s refused rows, if the job is in scope.
    func errors(of id: Int64, page: Page, _ context: RequestContext) async throws -> [ImportError]? {
        let scope = context.scope
        return try await store.read { connection -> [ImportError]? in
            guard try ImportRepository.find(id, scope: scope, in: connection) != nil else { return nil }
            return try ImportRepository.errors(of: id, after: page.after, limit: page.limit, in: connection)
        }
    }
}
