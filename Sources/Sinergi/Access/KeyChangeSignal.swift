internal import Foundation
internal import Logging
internal import Synchronization

/// Tells every process on one SQLite database that its API keys changed, so each may keep the
/// keys it has read and still refuse a revoked one from the next request on.
///
/// The signal is a file beside the database (`<database>-keys`). Whoever changes a key
/// appends one byte to it after the commit and before answering; whoever checks a key `stat`s
/// it first and forgets what it read under another stamp. The size only grows (one byte per
/// change, appends are atomic), so no two changes look alike, as two modification times within
/// one kernel tick would. A `stat` is one system call; a read of the key was a read
/// transaction.
///
/// Nodes on one PostgreSQL database share no file, so there the signal is `none`: every
/// check reads the key (one indexed statement), and a revocation holds on every node from the
/// next request on.
final class KeyChangeSignal: Sendable {
    /// What the signal said at one moment; keys read after it are good while it says the same.
    struct Stamp: Equatable, Sendable {
        fileprivate let inProcess: Int
        fileprivate let inode: UInt64
        fileprivate let size: Int64
    }

    /// nil: no signal, so stamps are nil and keys are read each time.
    private let path: String?
    private let logger: Logger
    /// Counts this process's own changes too, so they hold even when the file cannot be written.
    private let inProcess = Atomic<Int>(0)

    /// The signal of the SQLite database at `databasePath`.
    init(databasePath: String, logger: Logger) {
        path = databasePath + "-keys"
        self.logger = logger
    }

    private init(logger: Logger) {
        path = nil
        self.logger = logger
    }

    /// No signal: for databases that processes on other machines share.
    static func none(logger: Logger) -> KeyChangeSignal { KeyChangeSignal(logger: logger) }

    /// The current stamp; nil when the file cannot be read (not a missing file, which is a
    /// database whose keys never changed since it was made), and then keys must be read each time.
    func stamp() -> Stamp? {
        guard let path else { return nil }
        let local = inProcess.load(ordering: .acquiring)
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? Stamp(inProcess: local, inode: 0, size: 0) : nil
        }
        return Stamp(inProcess: local, inode: UInt64(info.st_ino), size: Int64(info.st_size))
    }

    /// Records a change of keys, made and committed. When the file cannot be written, other
    /// processes notice only when their copies expire (`Authenticator.recheckSeconds`): logged.
    func signal() {
        inProcess.add(1, ordering: .releasing)
        guard let path else { return }
        var byte: UInt8 = 0x2E  // "."
        let file = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        let written = file >= 0 && write(file, &byte, 1) == 1
        let reason = errno
        if file >= 0 { close(file) }
        if !written {
            logger.error("cannot tell other processes of a key change", metadata: ["file": "\(path)", "errno": "\(reason)"])
        }
    }
}
