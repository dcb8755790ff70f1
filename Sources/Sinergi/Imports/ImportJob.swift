/// A bulk import of a member list: where it has got to and what it found.
struct ImportJob: Sendable, Equatable {
    enum Status: String, Sendable, CaseIterable {
        /// Stored, waiting for a runner.
        case queued
        /// A runner holds it, or held it until it stopped; the next runner resumes it.
        case running
        case done
        /// The file cannot be read as a CSV of members; nothing of it was imported.
        case failed

        /// Done or failed: no runner touches the job again.
        var isFinished: Bool { self == .done || self == .failed }
    }

    let id: Int64
    /// Rows that name no `registered_via.organization_id` are registered for this one.
    let organizationID: Int64?
    /// The tree of the partner that sent the file; nil for a key that sees everything.
    let scopeOrganizationID: Int64?
    let status: Status
    let failure: String?
    let fileName: String
    let bytesTotal: Int64
    /// Where the next row starts: byte offset and line.
    let resumeOffset: Int64
    let resumeLine: Int64
    let rowsTotal: Int64?
    let rowsDone: Int64
    let accepted: Int64
    let rejected: Int64
    let duplicates: Int64
    let warnings: Int64
    let apiKeyID: Int64?
    let role: String
    let requestID: String
    let createdAt: String
    let startedAt: String?
    let finishedAt: String?
    let updatedAt: String

    /// Bytes of the file behind the last committed batch: its progress.
    var bytesDone: Int64 { status == .done ? bytesTotal : resumeOffset }

    /// What the rows of this job may name: the sender's tree.
    var scope: Scope { scopeOrganizationID.map { .subtree(of: $0) } ?? .all }

    /// A representation changes with every committed batch.
    var etag: String { "\"import-\(id)-\(rowsDone)-\(status.rawValue)\"" }
}

/// One problem with one refused row.
struct ImportError: Sendable, Equatable {
    let id: Int64
    let rowNumber: Int64
    let line: Int64
    let field: String
    let code: String
    let message: String
}

/// What one committed batch adds to a job.
struct ImportProgress: Sendable, Equatable {
    var rows: Int64 = 0
    var accepted: Int64 = 0
    var rejected: Int64 = 0
    var duplicates: Int64 = 0
    var warnings: Int64 = 0
    /// Where the row after the batch starts.
    var resumeOffset: Int64 = 0
    var resumeLine: Int64 = 1
}

/// An import's progress as the command line shows it.
public struct ImportFigures: Sendable {
    public let id: Int64
    public let status: String
    public let failure: String?
    public let bytesTotal: Int64
    public let bytesDone: Int64
    public let rowsTotal: Int64?
    public let rowsDone: Int64
    public let accepted: Int64
    public let rejected: Int64
    public let duplicates: Int64
    public let warnings: Int64

    init(_ job: ImportJob) {
        id = job.id
        status = job.status.rawValue
        failure = job.failure
        bytesTotal = job.bytesTotal
        bytesDone = job.bytesDone
        rowsTotal = job.rowsTotal
        rowsDone = job.rowsDone
        accepted = job.accepted
        rejected = job.rejected
        duplicates = job.duplicates
        warnings = job.warnings
    }
}
