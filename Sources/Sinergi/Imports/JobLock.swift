internal import Database
internal import Foundation
internal import Glibc
internal import PostgreSQL

/// The right to run one import job, held by one process at a time and released by the system
/// when that process ends, however it ends: so a job whose runner was killed is taken up by the
/// next runner at once, with no lease to wait out, and never by two.
///
/// On SQLite (one machine) an `flock` on the job's file; on PostgreSQL (several nodes) a
/// session advisory lock on a connection of its own, keyed by schema and job.
final class JobLock {
    enum Outcome {
        case acquired(JobLock)
        /// Another process runs the job.
        case held
        /// The job's file is not in the imports directory.
        case fileMissing
    }

    private var fd: Int32
    private var connection: PGConnection?

    private init(fd: Int32, connection: PGConnection?) {
        self.fd = fd
        self.connection = connection
    }

    static func acquire(_ job: ImportJob, path: String, location: DatabaseLocation) throws -> Outcome {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .fileMissing }
        switch location {
        case .sqlite:
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                return .held
            }
            return .acquired(JobLock(fd: fd, connection: nil))
        case .postgresql(let url):
            let connection: PGConnection
            do {
                connection = try PGConnection(url: url)
                guard try ImportRepository.tryLock(job.id, in: DatabaseConnection(connection)) else {
                    connection.close()
                    close(fd)
                    return .held
                }
            } catch {
                close(fd)
                throw error
            }
            return .acquired(JobLock(fd: fd, connection: connection))
        }
    }

    func release() {
        connection?.close()
        connection = nil
        if fd >= 0 {
            close(fd)  // releases the flock
            fd = -1
        }
    }

    deinit { release() }
}
