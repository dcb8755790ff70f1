internal import Foundation
internal import Glibc
public import Logging
internal import Synchronization
public import TLS

/// The HTTP/1.1 server: a set of event loops serving one router behind a middleware chain.
///
/// ```swift
/// let server = Server(configuration: config, router: router, logger: logger)
/// let port = try server.start()
/// // … later, from a signal handler or a test:
/// server.shutdown()
/// await server.waitUntilStopped()
/// ```
public final class Server: Sendable {
    private enum Phase {
        case ready
        case running(loops: [EventLoop], port: Int)
        case stopped
    }

    private let configuration: ServerConfiguration
    private let router: Router
    private let middleware: [any Middleware]
    private let observers: [any ServerObserver]
    private let logger: Logger
    private let phase = Mutex(Phase.ready)
    private let stopWaiters = Mutex<(isStopped: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// A server that has not bound yet.
    public init(
        configuration: ServerConfiguration, router: Router, middleware: [any Middleware] = [],
        observers: [any ServerObserver] = [], logger: Logger
    ) {
        precondition(configuration.eventLoops >= 1, "a server needs at least one event loop")
        self.configuration = configuration
        self.router = router
        self.middleware = middleware
        self.observers = observers
        self.logger = logger
    }

    /// The bound port once started (the real one when configured as 0), else nil.
    public var port: Int? {
        phase.withLock { if case .running(_, let port) = $0 { port } else { nil } }
    }

    /// Binds and starts the loop threads; returns the bound port.
    ///
    /// - Throws: `SocketError` when the address cannot be bound (in use, not local, …).
    @discardableResult
    public func start() throws -> Int {
        // SIGPIPE would kill the process when a client goes away mid-write; sends also pass
        // MSG_NOSIGNAL, this covers any other write.
        signal(SIGPIPE, SIG_IGN)
        let listeners = try Self.bindListeners(configuration: configuration)
        let context = ServerContext(
            configuration: configuration, router: router, middleware: middleware, observers: observers,
            logger: logger, onStopped: { [weak self] in self?.markStopped() })
        var loops: [EventLoop] = []
        do {
            for (index, listener) in listeners.fds.enumerated() {
                loops.append(try EventLoop(index: index, listener: listener, server: context))
            }
        } catch {
            listeners.fds.forEach { close($0) }
            throw error
        }
        phase.withLock { $0 = .running(loops: loops, port: listeners.port) }
        for loop in loops {
            let thread = Thread { loop.run() }
            thread.name = "http-loop-\(loop.index)"
            thread.stackSize = 4 << 20
            thread.start()
        }
        return listeners.port
    }

    /// Makes `context` the TLS configuration of connections accepted from now on; those
    /// already open keep theirs. Only for a server started with TLS.
    public func reloadTLS(_ context: TLSContext) {
        phase.withLock { phase in
            if case .running(let loops, _) = phase { loops.first?.server.replaceTLS(context) }
        }
    }

    /// Begins a graceful shutdown, from any thread: stop accepting, close idle connections,
    /// let requests in flight finish (answered with `Connection: close`) until the grace
    /// period ends, then close the rest.
    public func shutdown() {
        let loops: [EventLoop] = phase.withLock { phase in
            switch phase {
            case .running(let loops, _): return loops
            case .ready:
                phase = .stopped
                return []
            case .stopped: return []
            }
        }
        if loops.isEmpty { markStopped() }
        for loop in loops { loop.beginShutdown(gracePeriod: configuration.shutdownGracePeriod) }
    }

    /// Returns once every loop has ended.
    public func waitUntilStopped() async {
        await withCheckedContinuation { continuation in
            let isStopped = stopWaiters.withLock { state in
                if !state.isStopped { state.waiters.append(continuation) }
                return state.isStopped
            }
            if isStopped { continuation.resume() }
        }
    }

    private func markStopped() {
        let waiters = stopWaiters.withLock { state in
            state.isStopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
        phase.withLock { $0 = .stopped }
        waiters.forEach { $0.resume() }
    }

    /// One listening socket per loop on the same port (SO_REUSEPORT), so the kernel spreads
    /// connections evenly. For a fixed port, a probe bound without SO_REUSEPORT first makes a
    /// port another process already listens on fail with "address in use" instead of being
    /// shared. For port 0 the first socket's port is free by construction and the others join it.
    private static func bindListeners(configuration: ServerConfiguration) throws -> (fds: [Int32], port: Int) {
        if configuration.port != 0 {
            let probe = try Socket.makeListener(host: configuration.host, port: configuration.port, reusePort: false)
            close(probe.fd)
        }
        var fds: [Int32] = []
        var port = configuration.port
        do {
            for _ in 0..<configuration.eventLoops {
                let listener = try Socket.makeListener(host: configuration.host, port: port, reusePort: true)
                fds.append(listener.fd)
                port = listener.port
            }
        } catch {
            fds.forEach { close($0) }
            throw error
        }
        return (fds, port)
    }
}
