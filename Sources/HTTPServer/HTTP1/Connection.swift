internal import Glibc

/// One client connection: reads requests, runs one handler at a time, writes responses in
/// request order. Confined to its event loop's thread.
///
/// Pipelined requests wait in the input buffer until the response before them is written
/// (NIO's `HTTPServerPipelineHandler` does the same); while they wait and the buffer is full,
/// the connection stops reading, so a client cannot make the server buffer without bound.
final class Connection {
    private enum State {
        /// Between requests, nothing of the next one read.
        case idle
        /// Part of a request head has arrived.
        case readingHead
        /// The head is in; body bytes are arriving.
        case readingBody(PendingRequest)
        /// A handler is running.
        case processing(ResponseContext)
        /// A response is partly written; `closeAfter` says what follows.
        case writing(closeAfter: Bool)
        /// Our side is shut; reading and discarding until the client closes or time runs out.
        case lingering
        case closed
    }

    /// A request whose body is still arriving.
    private struct PendingRequest {
        var head: RequestHead
        var match: Router.Match
        var startedAt: UInt64
        var body: [UInt8] = []
        var remaining = 0                // for Content-Length bodies
        var chunked: ChunkedDecoder?     // for chunked bodies
    }

    /// What writing the response needs to know about its request.
    private struct ResponseContext {
        var method: HTTPMethod
        var route: String
        var minorVersion: Int
        var isKeepAlive: Bool
        var requestID: String
        var startedAt: UInt64
    }

    let fd: Int32
    let generation: UInt32
    unowned let loop: EventLoop
    /// Monotonic nanoseconds at which the current phase times out; 0 for none.
    private(set) var deadline: UInt64 = 0

    private var state = State.idle
    private var parser: RequestParser
    private var inbound: [UInt8] = []
    private var inboundStart = 0
    private var outbound: [UInt8] = []
    private var outboundStart = 0
    private var interest = Epoll.readable
    private var isReadPaused = false
    private var isPeerClosed = false
    private var isShuttingDown = false

    /// Input held while a request is in flight before reading pauses.
    private static let maxBufferedInput = 64 * 1024
    /// Buffers larger than this are released between requests rather than kept.
    private static let retainedBufferCapacity = 64 * 1024
    /// How long a closing connection waits for the client to finish sending.
    private static let lingerNanoseconds: UInt64 = 2_000_000_000

    init(fd: Int32, generation: UInt32, loop: EventLoop) {
        self.fd = fd
        self.generation = generation
        self.loop = loop
        self.parser = RequestParser(limits: loop.server.configuration.limits)
    }

    /// The epoll token: descriptor and generation, so a reused descriptor is not confused.
    var token: UInt64 { UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd)) }

    private var server: ServerContext { loop.server }
    private var unreadCount: Int { inbound.count - inboundStart }

    /// Called once, after the loop registered the connection.
    func start() {
        // Silence before the first byte counts as keep-alive idleness; the header timeout
        // starts with the first byte.
        deadline = loop.now + server.keepAliveTimeout
    }

    // MARK: - Events

    func handle(flags: UInt32) {
        if flags & (Epoll.error | Epoll.hangUp) != 0 && flags & Epoll.readable == 0 {
            forceClose()
            return
        }
        if flags & Epoll.writable != 0 {
            writableAgain()
        }
        if flags & Epoll.readable != 0, !isReadPaused, !isClosed {
            readAvailable()
        }
    }

    private var isClosed: Bool { if case .closed = state { true } else { false } }

    private func readAvailable() {
        let count = recv(fd, loop.readBuffer.baseAddress, loop.readBuffer.count, 0)
        if count > 0 {
            if case .lingering = state { return }  // discard
            inbound.append(contentsOf: UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
            switch state {
            case .idle, .readingHead, .readingBody:
                processInbound()
            case .processing, .writing:
                if unreadCount > Self.maxBufferedInput { setReadPaused(true) }
            case .lingering, .closed:
                break
            }
        } else if count == 0 {
            peerClosed()
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            forceClose()
        }
    }

    private func peerClosed() {
        isPeerClosed = true
        switch state {
        case .processing, .writing:
            // The client may still read: answer, then close. Level-triggered epoll would
            // report end of stream again and again, so stop watching for input.
            setReadPaused(true)
        default:
            forceClose()
        }
    }

    private func writableAgain() {
        switch flush() {
        case .failed: return
        case .pending:
            deadline = loop.now + server.bodyIdleTimeout
        case .done:
            if case .writing(let closeAfter) = state { responseWritten(closeAfter: closeAfter) }
        }
    }

    func deadlinePassed() {
        switch state {
        case .readingHead, .readingBody:
            respondToProtocolError(.timeout)
        case .idle, .writing, .lingering:
            forceClose()
        case .processing, .closed:
            deadline = 0
        }
    }

    // MARK: - Reading requests

    private func processInbound() {
        while true {
            switch state {
            case .idle:
                guard unreadCount > 0 else {
                    if isPeerClosed { forceClose() }
                    return
                }
                state = .readingHead
                // From the first byte, not extended by later ones: drip-feeding cannot keep
                // a connection (Hummingbird's threat model admits it cannot stop this).
                deadline = loop.now + server.headerTimeout
            case .readingHead:
                let result: (head: RequestHead, consumed: Int)?
                do {
                    result = try inbound.withUnsafeBufferPointer { buffer throws(HTTPParseError) in
                        try parser.parseHead(UnsafeBufferPointer(rebasing: buffer[inboundStart...]))
                    }
                } catch {
                    respondToProtocolError(error)
                    return
                }
                guard let (head, consumed) = result else {
                    if isPeerClosed { forceClose() }
                    return
                }
                inboundStart += consumed
                guard startRequest(head) else { return }
            case .readingBody(var pending):
                let complete: Bool
                do {
                    complete = try readBody(into: &pending)
                } catch {
                    respondToProtocolError(error)
                    return
                }
                if complete {
                    dispatch(pending)
                } else {
                    state = .readingBody(pending)
                    deadline = loop.now + server.bodyIdleTimeout
                    if isPeerClosed { forceClose() }
                }
                compactInbound()
                return
            case .processing, .writing, .lingering, .closed:
                compactInbound()
                return
            }
        }
    }

    /// Routes the head and sets up reading its body; false when it was answered already.
    private func startRequest(_ head: RequestHead) -> Bool {
        let match = server.router.match(method: head.method, path: head.path)
        var maxBody = server.configuration.maxBodyBytes
        if case .found(let route, _) = match, let limit = route.maxBodyBytes { maxBody = limit }
        var pending = PendingRequest(head: head, match: match, startedAt: EventLoop.monotonicNanoseconds())
        switch head.framing {
        case .none:
            dispatch(pending)
            return false
        case .length(let length):
            // Refused from the declared length, before reading any of the body.
            guard length <= maxBody else {
                respondToProtocolError(.bodyTooLarge)
                return false
            }
            pending.remaining = length
            pending.body.reserveCapacity(length)
        case .chunked:
            pending.chunked = ChunkedDecoder(maxBodyBytes: maxBody, limits: server.configuration.limits)
        }
        state = .readingBody(pending)
        deadline = loop.now + server.bodyIdleTimeout
        if head.expectsContinue && unreadCount == 0 {
            outbound.append(contentsOf: ResponseEncoder.continueLine)
            if case .failed = flush() { return false }
        }
        return true
    }

    /// Moves available body bytes into `pending`; true once the body is complete.
    private func readBody(into pending: inout PendingRequest) throws(HTTPParseError) -> Bool {
        if var decoder = pending.chunked {
            let used = try inbound.withUnsafeBufferPointer { buffer throws(HTTPParseError) in
                try decoder.decode(UnsafeBufferPointer(rebasing: buffer[inboundStart...]), into: &pending.body)
            }
            inboundStart += used
            pending.chunked = decoder
            return decoder.isComplete
        }
        let take = min(pending.remaining, unreadCount)
        pending.body.append(contentsOf: inbound[inboundStart..<(inboundStart + take)])
        inboundStart += take
        pending.remaining -= take
        return pending.remaining == 0
    }

    private func compactInbound() {
        if inboundStart == inbound.count {
            if inbound.capacity > Self.retainedBufferCapacity {
                inbound = []
            } else {
                inbound.removeAll(keepingCapacity: true)
            }
            inboundStart = 0
        } else if inboundStart > Self.retainedBufferCapacity / 2 {
            inbound.removeFirst(inboundStart)
            inboundStart = 0
        }
    }

    // MARK: - Running the handler

    private func dispatch(_ pending: PendingRequest) {
        let head = pending.head
        let requestID = head.headers["X-Request-Id"].flatMap(Self.acceptableRequestID) ?? loop.nextRequestID()
        var route = "-"
        var parameters: [String: String] = [:]
        if case .found(let matched, let values) = pending.match {
            route = matched.pattern.description
            parameters = values
        }
        let context = ResponseContext(
            method: head.method, route: route, minorVersion: head.minorVersion,
            isKeepAlive: head.isKeepAlive, requestID: requestID, startedAt: pending.startedAt)
        state = .processing(context)
        deadline = 0
        var request = Request(
            method: head.method, path: head.path, query: head.query, headers: head.headers, body: pending.body,
            id: requestID, route: route == "-" ? nil : route, parameters: parameters, minorVersion: head.minorVersion)
        request.resolution = pending.match
        let server = self.server
        let connection = LoopBound(self)
        // Prefers this loop: a handler that does not block runs right here, without a hand-off;
        // one that awaits the database resumes here to answer.
        Task(executorPreference: loop) {
            let response = await server.respond(to: request)
            // Off the loop only when the loop stopped at the end of the shutdown grace period
            // and closed this connection: nobody is left to answer.
            guard let connection = connection.valueIfOnLoop else { return }
            connection.complete(response)
        }
    }

    /// Writes the handler's response; called on the loop thread.
    func complete(_ response: Response) {
        guard case .processing(let context) = state else { return }  // closed meanwhile
        let closing = !context.isKeepAlive || isShuttingDown
        ResponseEncoder.encode(
            response, requestID: context.requestID, isHead: context.method == .head,
            minorVersion: context.minorVersion, closing: closing, date: loop.currentDate(), into: &outbound)
        server.recordCompleted(AccessRecord(
            method: context.method.rawValue, route: context.route, status: response.status.code,
            duration: .nanoseconds(Int64(EventLoop.monotonicNanoseconds() - context.startedAt)),
            requestID: context.requestID))
        send(closeAfter: closing)
    }

    private func send(closeAfter: Bool) {
        switch flush() {
        case .failed:
            return
        case .pending:
            state = .writing(closeAfter: closeAfter)
            deadline = loop.now + server.bodyIdleTimeout
        case .done:
            responseWritten(closeAfter: closeAfter)
        }
    }

    private func responseWritten(closeAfter: Bool) {
        if closeAfter {
            beginLingeringClose()
            return
        }
        state = .idle
        deadline = loop.now + server.keepAliveTimeout
        if isReadPaused && !isPeerClosed { setReadPaused(false) }
        processInbound()  // a pipelined request may be waiting
    }

    // MARK: - Writing

    private enum FlushResult { case done, pending, failed }

    private func flush() -> FlushResult {
        while outboundStart < outbound.count {
            let written = outbound.withUnsafeBytes { bytes in
                Glibc.send(fd, bytes.baseAddress! + outboundStart, bytes.count - outboundStart, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                outboundStart += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                updateInterest()
                return .pending
            } else {
                forceClose()
                return .failed
            }
        }
        if outbound.capacity > Self.retainedBufferCapacity {
            outbound = []
        } else {
            outbound.removeAll(keepingCapacity: true)
        }
        outboundStart = 0
        updateInterest()
        return .done
    }

    private func setReadPaused(_ paused: Bool) {
        isReadPaused = paused
        updateInterest()
    }

    private func updateInterest() {
        guard !isClosed else { return }
        let wanted = (isReadPaused ? 0 : Epoll.readable) | (outboundStart < outbound.count ? Epoll.writable : 0)
        if wanted != interest {
            interest = wanted
            loop.watch(self, events: wanted)
        }
    }

    // MARK: - Errors and closing

    /// Answers a request that could not be read, then closes (NIO's
    /// `HTTPServerProtocolErrorHandler`: only when no response has started, which holds here
    /// because a request is read only after the previous response was written).
    private func respondToProtocolError(_ error: HTTPParseError) {
        let requestID = loop.nextRequestID()
        ResponseEncoder.encode(
            error.problem.response(), requestID: requestID, isHead: false, minorVersion: 1, closing: true,
            date: loop.currentDate(), into: &outbound)
        server.recordCompleted(AccessRecord(
            method: "-", route: "-", status: error.problem.status.code, duration: .zero, requestID: requestID))
        inbound = []
        inboundStart = 0
        send(closeAfter: true)
    }

    /// Shuts our side and reads until the client closes, so unread input does not turn the
    /// close into a reset that destroys the response before the client reads it.
    private func beginLingeringClose() {
        shutdown(fd, Int32(SHUT_WR))
        state = .lingering
        inbound = []
        inboundStart = 0
        deadline = loop.now + Self.lingerNanoseconds
        if isPeerClosed {
            forceClose()
        } else if isReadPaused {
            setReadPaused(false)
        }
    }

    /// Shutdown: close now if idle, otherwise answer the request in progress with
    /// `Connection: close`.
    func shutdownGracefully() {
        isShuttingDown = true
        if case .idle = state, unreadCount == 0 { forceClose() }
    }

    /// Closes the descriptor at once.
    func forceClose() {
        guard !isClosed else { return }
        state = .closed
        deadline = 0
        loop.unregister(self)
        close(fd)
        inbound = []
        outbound = []
    }

    // MARK: - Request ids

    /// An incoming `X-Request-Id` is echoed when it is 1-128 bytes of [A-Za-z0-9._:-].
    private static func acceptableRequestID(_ value: String) -> String? {
        let bytes = value.utf8
        guard (1...128).contains(bytes.count) else { return nil }
        for byte in bytes {
            let isAllowed = ASCII.isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
                || byte == UInt8(ascii: "-")
            if !isAllowed { return nil }
        }
        return value
    }
}

extension Connection {
    /// Answers a connection over the limit with 503 and closes it, without registering it.
    static func refuse(_ fd: Int32, date: [UInt8], requestID: String) {
        var bytes: [UInt8] = []
        let problem = Problem(
            slug: "overloaded", title: "Service Unavailable", status: .serviceUnavailable,
            detail: "The server holds as many connections as it may; try again shortly.",
            headers: HTTPHeaders([("Retry-After", "1")]))
        ResponseEncoder.encode(
            problem.response(), requestID: requestID, isHead: false, minorVersion: 1, closing: true, date: date,
            into: &bytes)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }
}

/// Carries a connection into a task that runs on the connection's loop.
/// `@unchecked`: the value is handed out only on that loop's thread.
struct LoopBound: @unchecked Sendable {
    private let connection: Connection
    init(_ connection: Connection) { self.connection = connection }

    /// The connection when called on its loop's thread, else nil.
    var valueIfOnLoop: Connection? { connection.loop.isInLoop ? connection : nil }
}
