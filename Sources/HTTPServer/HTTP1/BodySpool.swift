internal import Glibc

/// A request body being written to a file as it arrives, for routes that take bodies too large
/// to hold in memory (`Router.add(spoolsBody: true)`). A class, so the copies of a pending
/// request share one descriptor and discarding twice is harmless.
///
/// Writes go to the page cache from the event loop's thread: a write of the 64 KiB the loop
/// reads at a time takes microseconds, far less than a hand-off to another thread would.
final class BodySpool {
    private var fd: Int32
    let path: String
    private(set) var byteCount = 0

    /// A new file `upload-<random>.part` in `directory`, readable by this user only.
    init(directory: String) throws(HTTPParseError) {
        var random = SystemRandomNumberGenerator()
        let name = "upload-" + String(random.next() as UInt64, radix: 16) + String(random.next() as UInt64, radix: 16) + ".part"
        path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .bodyNotStored }
    }

    /// Appends `bytes`; a failed write (a full disk) throws.
    func write(_ bytes: [UInt8]) throws(HTTPParseError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw .bodyNotStored
            }
            written += result
        }
        byteCount += bytes.count
    }

    /// Closes the file and hands it to the handler; the server removes it after the handler
    /// returns unless the handler moved it.
    func finish() -> SpooledBody {
        closeFile()
        return SpooledBody(path: path, byteCount: byteCount)
    }

    /// Closes and removes the file: the request was refused or the connection went.
    func discard() {
        closeFile()
        unlink(path)
    }

    private func closeFile() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }
}

/// A request body the server wrote to a file instead of `Request.body`.
public struct SpooledBody: Sendable, Equatable {
    /// The file; `rename` it to keep it, else it is removed once the handler returns.
    public let path: String
    public let byteCount: Int
}
