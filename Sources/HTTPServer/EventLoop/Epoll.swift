internal import CSystemLinux
internal import Glibc

/// One epoll instance. Tokens identify what became ready; flags say how.
struct Epoll: ~Copyable {
    static let readable = CSL_EPOLLIN
    static let writable = CSL_EPOLLOUT
    static let error = CSL_EPOLLERR
    static let hangUp = CSL_EPOLLHUP
    static let exclusive = CSL_EPOLLEXCLUSIVE

    let fd: Int32
    private let tokens: UnsafeMutablePointer<UInt64>
    private let flags: UnsafeMutablePointer<UInt32>
    static let capacity = 256

    init() throws {
        fd = csl_epoll_create()
        guard fd >= 0 else { throw SocketError("epoll_create1") }
        tokens = .allocate(capacity: Self.capacity)
        flags = .allocate(capacity: Self.capacity)
    }

    deinit {
        close(fd)
        tokens.deallocate()
        flags.deallocate()
    }

    func add(_ descriptor: Int32, events: UInt32, token: UInt64) throws {
        guard csl_epoll_ctl(fd, CSL_EPOLL_CTL_ADD, descriptor, events, token) == 0 else { throw SocketError("epoll_ctl(ADD)") }
    }

    func modify(_ descriptor: Int32, events: UInt32, token: UInt64) {
        // Fails only for a descriptor not registered, which would be our bug.
        let status = csl_epoll_ctl(fd, CSL_EPOLL_CTL_MOD, descriptor, events, token)
        assert(status == 0, "epoll_ctl(MOD) failed: \(errno)")
    }

    func remove(_ descriptor: Int32) {
        _ = csl_epoll_ctl(fd, CSL_EPOLL_CTL_DEL, descriptor, 0, 0)
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `body` for each ready event.
    func wait(timeoutMilliseconds: Int32, _ body: (UInt64, UInt32) -> Void) throws {
        let count = csl_epoll_wait(fd, tokens, flags, Int32(Self.capacity), timeoutMilliseconds)
        if count < 0 {
            // A signal interrupted the wait (SocketPool+ePoll.swift has the same trap).
            if errno == EINTR { return }
            throw SocketError("epoll_wait")
        }
        for index in 0..<Int(count) {
            body(tokens[index], flags[index])
        }
    }
}
