internal import CSystemLinux
internal import Foundation
internal import Glibc
internal import Logging
internal import Synchronization
internal import TLS

/// One thread with its own epoll instance, its own listening socket and its connections.
///
/// It is also a `TaskExecutor`: request handlers run as tasks that prefer this loop, so a
/// handler that does not block starts and finishes on the loop's thread with no hand-off, and
/// one that awaits the database comes back here to write its response (NIO's "all methods
/// are called from within the EventLoop").
///
/// Everything but `enqueue`, `execute` and `wake` is confined to the loop's thread.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    // @unchecked: `pending` is behind a Mutex and the rest is touched on the loop thread only.
    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    let index: Int
    let server: ServerContext
    private let epoll: Epoll
    private let wakeup: Wakeup
    private let pending = Mutex<(work: [Work], hasStopped: Bool)>(([], false))
    private let threadID = Atomic<UInt>(0)

    // Loop-confined state.
    private var listener: Int32
    private var connections: [Connection?] = []  // by descriptor
    private var openConnections = 0
    private var generation: UInt32 = 0
    private(set) var now: UInt64 = 0  // monotonic nanoseconds, read once per iteration
    private var nextSweep: UInt64 = 0
    private var acceptPausedUntil: UInt64 = 0
    private var isShuttingDown = false
    private var shutdownDeadline: UInt64 = 0
    private var date = HTTPDate()
    private var requestCounter = 0
    /// Scratch space every connection of this loop reads into.
    let readBuffer: UnsafeMutableRawBufferPointer

    private static let wakeToken = UInt64.max
    private static let listenerToken = UInt64.max - 1
    static let readChunk = 64 * 1024

    init(index: Int, listener: Int32, server: ServerContext) throws {
        self.index = index
        self.listener = listener
        self.server = server
        epoll = try Epoll()
        wakeup = try Wakeup()
        readBuffer = .allocate(byteCount: Self.readChunk, alignment: 16)
        try epoll.add(wakeup.fd, events: Epoll.readable, token: Self.wakeToken)
        try epoll.add(listener, events: Epoll.readable, token: Self.listenerToken)
    }

    deinit {
        readBuffer.deallocate()
    }

    // MARK: - Executor

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let accepted = pending.withLock { state in
            if !state.hasStopped { state.work.append(.job(job)) }
            return !state.hasStopped
        }
        guard accepted else {
            // A handler outlived the loop (the shutdown grace period ran out): finish it elsewhere.
            globalConcurrentExecutor.enqueue(job)
            return
        }
        if !isInLoop { wakeup.signal() }
    }

    /// Runs `work` on the loop thread, from any thread; dropped once the loop has stopped.
    func execute(_ work: @escaping @Sendable () -> Void) {
        pending.withLock { state in
            if !state.hasStopped { state.work.append(.closure(work)) }
        }
        if !isInLoop { wakeup.signal() }
    }

    var isInLoop: Bool { threadID.load(ordering: .relaxed) == UInt(pthread_self()) }

    // MARK: - Running

    /// Runs until shutdown has closed every connection. Call on the loop's own thread.
    func run() {
        threadID.store(UInt(pthread_self()), ordering: .relaxed)
        now = Self.monotonicNanoseconds()
        nextSweep = now + server.sweepInterval
        while true {
            let hasWork = pending.withLock { !$0.work.isEmpty }
            let timeout: Int32 = hasWork ? 0 : Int32(clamping: (nextSweep &- min(now, nextSweep)) / 1_000_000 + 1)
            do {
                var isFirstEvent = true
                try epoll.wait(timeoutMilliseconds: timeout) { token, flags in
                    // Deadlines set while handling events count from after the wait.
                    if isFirstEvent {
                        now = Self.monotonicNanoseconds()
                        isFirstEvent = false
                    }
                    handleEvent(token: token, flags: flags)
                }
            } catch {
                server.logger.critical("event loop \(index) failed: \(error)")
                break
            }
            now = Self.monotonicNanoseconds()
            runPendingWork()
            if now >= nextSweep {
                sweepDeadlines()
                nextSweep = now + server.sweepInterval
            }
            if isShuttingDown && (openConnections == 0 || now >= shutdownDeadline) {
                break
            }
        }
        finish()
    }

    private func handleEvent(token: UInt64, flags: UInt32) {
        switch token {
        case Self.wakeToken:
            wakeup.drain()
        case Self.listenerToken:
            acceptConnections()
        default:
            let fd = Int32(truncatingIfNeeded: token & 0xFFFF_FFFF)
            let tokenGeneration = UInt32(truncatingIfNeeded: token >> 32)
            // A stale event for a descriptor closed and reused earlier in this batch is dropped.
            guard Int(fd) < connections.count, let connection = connections[Int(fd)],
                  connection.generation == tokenGeneration else { return }
            connection.handle(flags: flags)
        }
    }

    private func runPendingWork(stopping: Bool = false) {
        // Work queued while running waits for the next iteration, after I/O has had its turn.
        let batch = pending.withLock { state -> [Work] in
            let taken = state.work
            state.work.removeAll(keepingCapacity: true)
            if stopping { state.hasStopped = true }
            return taken
        }
        for work in batch {
            switch work {
            case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
            case .closure(let closure): closure()
            }
        }
    }

    // MARK: - Connections

    private func acceptConnections() {
        guard !isShuttingDown, now >= acceptPausedUntil else { return }
        // Bounded, so a flood of connections cannot starve the ones already open.
        for _ in 0..<64 {
            let fd: Int32
            do {
                guard let accepted = try Socket.accept(listener) else { return }
                fd = accepted
            } catch let error as SocketError where error.code == EMFILE || error.code == ENFILE {
                // Out of descriptors: back off instead of spinning (Go's Serve does the same).
                server.logger.warning("accept: out of file descriptors; pausing accepts for 100 ms")
                pauseAccepting(milliseconds: 100)
                return
            } catch {
                // The listener stays readable: without a pause this would spin and flood the log.
                server.logger.error("accept failed: \(error); pausing accepts for 10 ms")
                pauseAccepting(milliseconds: 10)
                return
            }
            guard server.reserveConnection() else {
                if server.currentTLS == nil {
                    Connection.refuse(fd, date: currentDate(), requestID: nextRequestID())
                } else {
                    close(fd)  // a clear-text 503 would only read as a TLS protocol error
                }
                continue
            }
            register(fd)
        }
    }

    private func pauseAccepting(milliseconds: UInt64) {
        acceptPausedUntil = now + milliseconds * 1_000_000
        epoll.modify(listener, events: 0, token: Self.listenerToken)
        nextSweep = min(nextSweep, acceptPausedUntil)
    }

    private func register(_ fd: Int32) {
        generation &+= 1
        var session: TLSSession?
        if let context = server.currentTLS {
            session = TLSSession(context: context, descriptor: fd)
            guard session != nil else {
                server.logger.error("cannot start TLS on a new connection")
                close(fd)
                server.releaseConnection()
                return
            }
        }
        let connection = Connection(fd: fd, generation: generation, loop: self, tls: session)
        do {
            try epoll.add(fd, events: Epoll.readable, token: connection.token)
        } catch {
            server.logger.error("cannot watch new connection: \(error)")
            close(fd)
            server.releaseConnection()
            return
        }
        if Int(fd) >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count))
        }
        connections[Int(fd)] = connection
        openConnections += 1
        server.observers.forEach { $0.connectionOpened() }
        connection.start()
    }

    /// Changes what a connection's descriptor is watched for.
    func watch(_ connection: Connection, events: UInt32) {
        epoll.modify(connection.fd, events: events, token: connection.token)
    }

    /// Forgets a connection whose descriptor is about to close.
    func unregister(_ connection: Connection) {
        epoll.remove(connection.fd)
        if Int(connection.fd) < connections.count, connections[Int(connection.fd)] === connection {
            connections[Int(connection.fd)] = nil
        }
        openConnections -= 1
        server.releaseConnection()
        server.observers.forEach { $0.connectionClosed() }
    }

    private func sweepDeadlines() {
        if acceptPausedUntil != 0 && now >= acceptPausedUntil && !isShuttingDown {
            acceptPausedUntil = 0
            epoll.modify(listener, events: Epoll.readable, token: Self.listenerToken)
        }
        for case let connection? in connections where connection.deadline != 0 && now >= connection.deadline {
            connection.deadlinePassed()
        }
    }

    // MARK: - Per-request helpers

    /// The `Date` header value, reformatted once a second.
    func currentDate() -> [UInt8] { date.current() }

    /// A request id unique within this server's lifetime.
    func nextRequestID() -> String {
        requestCounter &+= 1
        return "\(server.requestIDPrefix)\(index)-\(requestCounter)"
    }

    // MARK: - Shutdown

    /// Stops accepting, closes idle connections and lets busy ones finish; from any thread.
    func beginShutdown(gracePeriod: Duration) {
        execute { [self] in
            guard !isShuttingDown else { return }
            isShuttingDown = true
            shutdownDeadline = now + gracePeriod.nanoseconds
            epoll.remove(listener)
            close(listener)
            listener = -1
            for case let connection? in connections {
                connection.shutdownGracefully()
            }
        }
    }

    private func finish() {
        for case let connection? in connections {
            connection.forceClose()
        }
        // From here on, jobs go to the global executor; those queued before still run here.
        runPendingWork(stopping: true)
        server.loopFinished()
    }

    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
