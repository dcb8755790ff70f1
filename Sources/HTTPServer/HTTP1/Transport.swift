internal import Glibc
internal import TLS

/// How a connection moves bytes: plain TCP, or TLS over it. The HTTP state machine above
/// never knows which (nginx swaps `c->recv` / `c->send` the same way after its handshake).
enum Transport {
    case plain
    case tls(TLSSession)

    /// What a read or write did. `wouldBlock` carries the epoll events to wait for, which
    /// for TLS need not match the call: a read may need the socket writable.
    enum Result {
        case bytes(Int)
        case wouldBlock(waitFor: UInt32)
        case closed
        case failed
    }

    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result {
        switch self {
        case .plain:
            while true {
                let count = recv(fd, buffer.baseAddress, buffer.count, 0)
                if count > 0 { return .bytes(count) }
                if count == 0 { return .closed }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .wouldBlock(waitFor: Epoll.readable)
                default: return .failed
                }
            }
        case .tls(let session):
            return Self.result(of: session.read(into: buffer))
        }
    }

    func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) -> Result {
        switch self {
        case .plain:
            while true {
                let count = send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
                if count > 0 { return .bytes(count) }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .wouldBlock(waitFor: Epoll.writable)
                default: return .failed
                }
            }
        case .tls(let session):
            return Self.result(of: session.write(buffer))
        }
    }

    /// Whether decrypted input waits inside the TLS library, invisible to epoll.
    var hasBufferedInput: Bool {
        if case .tls(let session) = self { session.hasBufferedInput } else { false }
    }

    /// Ends our direction: close_notify for TLS, then FIN.
    func shutdownWrite(_ fd: Int32) {
        if case .tls(let session) = self { session.sendCloseNotify() }
        shutdown(fd, Int32(SHUT_WR))
    }

    private static func result(of outcome: TLSSession.Outcome) -> Result {
        switch outcome {
        case .bytes(let count): .bytes(count)
        case .wantRead: .wouldBlock(waitFor: Epoll.readable)
        case .wantWrite: .wouldBlock(waitFor: Epoll.writable)
        case .closed: .closed
        case .failed: .failed
        }
    }
}
