internal import Glibc
internal import TLS

/// One client connection: reads requests, runs one handler at a time, writes responses in
/// request order. Confined to its event loop's thread.
///
/// Pipelined requests wait in the input buffer until the response before them is written
/// (NIO's `HTTPServerPipelineHandler` does the same); while they wait and the buffer is full,
/// the connection stops reading, so a client cannot make the server buffer without bound.
final class Connection {
    private enum State {
        /// TLS only: the handshake is under way.
        case handshaking
        /// Between requests, nothing of the next one read.
        case idle
        /// Part of a request head has arrived.
        case readingHead
        /// The head is in; body bytes are arriving.
        case readingBody(PendingRequest)
        /// A handler is running.
        case processing(ResponseContext)
        /// A streamed response's head is out; its pieces follow one at a time.
        case streaming(StreamingResponse)
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
        /// When the head ended: the access log's start and the body rate's.
        var startedAt: UInt64
        var body: [UInt8] = []
        /// Body bytes taken from the wire so far, chunk framing included.
        var bytesRead = 0
        var remaining = 0                // for Content-Length bodies
        var chunked: ChunkedDecoder?     // for chunked bodies
        /// Where the body goes instead of `body`, for a route that spools it.
        var spool: BodySpool?
    }

    /// Body bytes gathered in memory before a spooled body writes them out.
    private static let spoolWriteBytes = 64 * 1024

    /// What writing the response needs to know about its request.
    private struct ResponseContext {
        var method: HTTPMethod
        var route: String
        var minorVersion: Int
        var isKeepAlive: Bool
        var requestID: String
        /// The client's valid `X-Request-Id`, echoed instead of `requestID`.
        var correlationID: String?
        var startedAt: UInt64

        /// The `X-Request-Id` the response carries: the client's when it sent one.
        var echoedID: String { correlationID ?? requestID }
    }

    /// A response whose body its stream produces while it is written.
    private struct StreamingResponse {
        var context: ResponseContext
        var stream: ResponseBodyStream
        var status: Int
        /// Chunked for HTTP/1.1; for HTTP/1.0 the body ends when the connection closes.
        var isChunked: Bool
        var closeAfter: Bool
        /// The task asking the stream for the next piece, while one does.
        var pull: Task<Void, Never>?
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
    private let transport: Transport
    /// Events that let a blocked read or write go on: for TLS, a read may wait for
    /// writability and a write for readability (STYLE.md §7, Transports).
    private var readWaitsFor = Epoll.readable
    private var writeWaitsFor = Epoll.writable
    private var handshakeWaitsFor = Epoll.readable
    /// SHA-256 of a verified client certificate, given to every request of the connection.
    private var clientCertificateSHA256: String?
    private var isReadPaused = false
    private var isPeerClosed = false
    private var isShuttingDown = false

    /// Input held while a request is in flight before reading pauses.
    private static let maxBufferedInput = 64 * 1024
    /// Buffers larger than this are released between requests rather than kept.
    private static let retainedBufferCapacity = 64 * 1024
    /// How long a closing connection waits for the client to finish sending.
    private static let lingerNanoseconds: UInt64 = 2_000_000_000

    init(fd: Int32, generation: UInt32, loop: EventLoop, tls: TLSSession?) {
        self.fd = fd
        self.generation = generation
        self.loop = loop
        self.parser = RequestParser(limits: loop.server.configuration.limits)
        self.transport = tls.map(Transport.tls) ?? .plain
    }

    /// The epoll token: descriptor and generation, so a reused descriptor is not confused.
    var token: UInt64 { UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd)) }

    private var server: ServerContext { loop.server }
    private var unreadCount: Int { inbound.count - inboundStart }

    /// Called once, after the loop registered the connection.
    func start() {
        if case .tls = transport {
            // The handshake must finish within the header timeout, so a silent or slow
            // client cannot hold a connection by never completing it.
            state = .handshaking
            deadline = loop.now + server.headerTimeout
        } else {
            // Silence before the first byte counts as keep-alive idleness; the header timeout
            // starts with the first byte.
            deadline = loop.now + server.keepAliveTimeout
        }
    }

    // MARK: - Events

    func handle(flags: UInt32) {
        if flags & (Epoll.error | Epoll.hangUp) != 0 && flags & Epoll.readable == 0 {
            forceClose()
            return
        }
        if case .handshaking = state {
            continueHandshake()
            return
        }
        if outboundStart < outbound.count, flags & writeWaitsFor != 0 {
            writableAgain()
        }
        if !isReadPaused, !isClosed, flags & readWaitsFor != 0 {
            readAvailable()
        }
    }

    private var isClosed: Bool { if case .closed = state { true } else { false } }

    private func readAvailable() {
        repeat {
            switch transport.read(fd, into: loop.readBuffer) {
            case .bytes(let count):
                if readWaitsFor != Epoll.readable {
                    // A TLS read that waited for writability is served: watch for input again.
                    readWaitsFor = Epoll.readable
                    updateInterest()
                }
                if case .lingering = state { continue }  // discard
                inbound.append(contentsOf: UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
                switch state {
                case .idle, .readingHead, .readingBody:
                    processInbound()
                case .processing, .streaming, .writing:
                    if unreadCount > Self.maxBufferedInput { setReadPaused(true) }
                case .handshaking, .lingering, .closed:
                    break
                }
            case .wouldBlock(let events):
                if readWaitsFor != events {
                    readWaitsFor = events
                    updateInterest()
                }
                return
            case .closed:
                peerClosed()
                return
            case .failed:
                forceClose()
                return
            }
            // Level-triggered epoll reports bytes in the socket again, but not bytes TLS has
            // already decrypted into its own buffer: drain those now or wait forever.
        } while transport.hasBufferedInput && !isReadPaused && !isClosed
    }

    // MARK: - TLS handshake

    private func continueHandshake() {
        guard case .tls(let session) = transport else { return }
        switch session.handshake() {
        case .complete:
            server.tlsHandshakeCompleted(version: session.protocolVersion)
            clientCertificateSHA256 = session.peerCertificateSHA256
            state = .idle
            deadline = loop.now + server.keepAliveTimeout
            updateInterest()
            readAvailable()  // a request may have come with the handshake's last flight
            if isShuttingDown { closeIfIdle() }
        case .wantRead:
            handshakeWaitsFor = Epoll.readable
            updateInterest()
        case .wantWrite:
            handshakeWaitsFor = Epoll.writable
            updateInterest()
        case .failed(let reason):
            server.tlsHandshakeFailed(reason: reason)
            if reason == "plain_http" {
                // As Go does: a clear-text answer a person can read, then close.
                let body = "Client sent an HTTP request to an HTTPS server.\n"
                let head = "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
                let answer = Array((head + body).utf8)
                _ = answer.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            forceClose()
        }
    }

    private func peerClosed() {
        isPeerClosed = true
        switch state {
        case .processing, .streaming, .writing:
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
            switch state {
            case .writing(let closeAfter): responseWritten(closeAfter: closeAfter)
            case .streaming: pullNextPiece()
            default: break
            }
        }
    }

    func deadlinePassed() {
        switch state {
        case .handshaking:
            server.tlsHandshakeFailed(reason: "timeout")
            forceClose()
        case .readingHead, .readingBody:
            respondToProtocolError(.timeout)
        case .idle, .streaming, .writing, .lingering:
            // For a stream, the deadline is set only while a piece waits for the client.
            forceClose()
        case .processing, .closed:
            deadline = 0
        }
    }

    // MARK: - Reading requests

    private func processInbound() {
        // Whatever path leaves, consumed bytes go: a keep-alive connection answering GET after
        // GET would otherwise keep every request it ever read.
        defer { compactInbound() }
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
                    deadline = bodyDeadline(pending)
                    if isPeerClosed { forceClose() }
                }
                return
            case .handshaking, .processing, .streaming, .writing, .lingering, .closed:
                return
            }
        }
    }

    /// Routes the head and sets up reading its body; false when it was answered already.
    private func startRequest(_ head: RequestHead) -> Bool {
        let match = server.router.match(method: head.method, path: head.path)
        var maxBody = server.configuration.maxBodyBytes
        var spools = false
        if case .found(let route, _) = match {
            if let limit = route.maxBodyBytes { maxBody = limit }
            spools = route.spoolsBody
        }
        var pending = PendingRequest(head: head, match: match, startedAt: EventLoop.monotonicNanoseconds())
        if spools, head.framing != .none {
            do {
                pending.spool = try BodySpool(directory: server.configuration.spoolDirectory)
            } catch {
                respondToProtocolError(error)
                return false
            }
        }
        switch head.framing {
        case .none:
            dispatch(pending)
            return false
        case .length(let length):
            // Refused from the declared length, before reading any of the body.
            guard length <= maxBody else {
                pending.spool?.discard()
                respondToProtocolError(.bodyTooLarge)
                return false
            }
            pending.remaining = length
            pending.body.reserveCapacity(pending.spool == nil ? length : min(length, Self.spoolWriteBytes * 2))
        case .chunked:
            pending.chunked = ChunkedDecoder(maxBodyBytes: maxBody, limits: server.configuration.limits)
        }
        state = .readingBody(pending)
        deadline = bodyDeadline(pending)
        if head.expectsContinue && unreadCount == 0 {
            outbound.append(contentsOf: ResponseEncoder.continueLine)
            if case .failed = flush() { return false }
        }
        return true
    }

    /// Moves available body bytes into `pending`, and on to its spool file when it has one;
    /// true once the body is complete.
    private func readBody(into pending: inout PendingRequest) throws(HTTPParseError) -> Bool {
        let complete = try takeBody(into: &pending)
        if let spool = pending.spool, complete || pending.body.count >= Self.spoolWriteBytes {
            try spool.write(pending.body)
            pending.body.removeAll(keepingCapacity: true)
        }
        return complete
    }

    private func takeBody(into pending: inout PendingRequest) throws(HTTPParseError) -> Bool {
        if var decoder = pending.chunked {
            let used = try inbound.withUnsafeBufferPointer { buffer throws(HTTPParseError) in
                try decoder.decode(UnsafeBufferPointer(rebasing: buffer[inboundStart...]), into: &pending.body)
            }
            inboundStart += used
            pending.bytesRead += used
            pending.chunked = decoder
            return decoder.isComplete
        }
        let take = min(pending.remaining, unreadCount)
        pending.body.append(contentsOf: inbound[inboundStart..<(inboundStart + take)])
        inboundStart += take
        pending.bytesRead += take
        pending.remaining -= take
        return pending.remaining == 0
    }

    /// A body times out after the idle timeout without a byte, or once it falls behind the
    /// minimum rate (`BodyDeadline`).
    private func bodyDeadline(_ pending: PendingRequest) -> UInt64 {
        server.bodyDeadline.deadline(now: loop.now, startedAt: pending.startedAt, bytesRead: pending.bytesRead)
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
        // The server names every request itself (the audit log keeps that id); a client's id
        // is kept beside it for correlation and echoed in the response.
        let requestID = loop.nextRequestID()
        let correlationID = head.headers["X-Request-Id"].flatMap(Self.acceptableRequestID)
        var route = "-"
        var parameters: [String: String] = [:]
        if case .found(let matched, let values) = pending.match {
            route = matched.pattern.description
            parameters = values
        }
        let context = ResponseContext(
            method: head.method, route: route, minorVersion: head.minorVersion,
            isKeepAlive: head.isKeepAlive, requestID: requestID, correlationID: correlationID, startedAt: pending.startedAt)
        state = .processing(context)
        deadline = 0
        var request = Request(
            method: head.method, path: head.path, query: head.query, headers: head.headers, body: pending.body,
            id: requestID, route: route == "-" ? nil : route, parameters: parameters, minorVersion: head.minorVersion)
        request.spooledBody = pending.spool?.finish()
        request.resolution = pending.match
        request.correlationID = correlationID
        request.clientCertificateSHA256 = clientCertificateSHA256
        let server = self.server
        let connection = LoopBound(self)
        // Prefers this loop: a handler that does not block runs right here, without a hand-off;
        // one that awaits the database resumes here to answer.
        Task(executorPreference: loop) {
            let response = await server.respond(to: request)
            // A handler keeps a spooled body by moving it; whatever is left goes.
            if let spooled = request.spooledBody { unlink(spooled.path) }
            // Off the loop only when the loop stopped at the end of the shutdown grace period
            // and closed this connection: nobody is left to answer.
            guard let connection = connection.valueIfOnLoop else { return }
            connection.complete(response)
        }
    }

    /// Writes the handler's response; called on the loop thread.
    func complete(_ response: Response) {
        guard case .processing(let context) = state else { return }  // closed meanwhile
        // HEAD and statuses without content never call a stream: the head is all there is.
        let isStreamed = response.stream != nil && response.status.allowsBody && context.method != .head
        // A stream to HTTP/1.0 has no chunked coding: its body ends when the connection does.
        let closing = !context.isKeepAlive || isShuttingDown || (isStreamed && context.minorVersion == 0)
        ResponseEncoder.encode(
            response, requestID: context.echoedID, isHead: context.method == .head,
            minorVersion: context.minorVersion, closing: closing, date: loop.currentDate(), into: &outbound)
        if isStreamed, let stream = response.stream {
            state = .streaming(StreamingResponse(
                context: context, stream: stream, status: response.status.code,
                isChunked: context.minorVersion == 1, closeAfter: closing))
            continueStreaming()
            return
        }
        recordCompleted(context, status: response.status.code)
        send(closeAfter: closing)
    }

    private func recordCompleted(_ context: ResponseContext, status: Int) {
        server.recordCompleted(AccessRecord(
            method: context.method.rawValue, route: context.route, status: status,
            duration: .nanoseconds(Int64(EventLoop.monotonicNanoseconds() - context.startedAt)),
            requestID: context.requestID, correlationID: context.correlationID))
    }

    // MARK: - Streamed responses

    /// Hands what is queued to the socket; once all of it is there, asks for the next piece.
    /// So at most one piece waits in memory however slowly the client reads.
    private func continueStreaming() {
        switch flush() {
        case .failed:
            return
        case .pending:
            // The write idle timeout; `writableAgain` goes on when the client reads.
            deadline = loop.now + server.bodyIdleTimeout
        case .done:
            pullNextPiece()
        }
    }

    /// Asks the stream for its next piece in a task that prefers this loop, as a handler does.
    private func pullNextPiece() {
        guard case .streaming(var streaming) = state, streaming.pull == nil else { return }
        // The stream's pace is its own, as a handler's is; the write idle timeout applies
        // again once there is something to write.
        deadline = 0
        let stream = streaming.stream
        let connection = LoopBound(self)
        // Enqueued on this loop, so it runs after this returns and `pull` is stored.
        streaming.pull = Task(executorPreference: loop) {
            let result: Result<[UInt8]?, any Error>
            do {
                result = .success(try await stream())
            } catch {
                result = .failure(error)
            }
            // Off the loop only when the loop stopped and closed this connection.
            guard let connection = connection.valueIfOnLoop else { return }
            connection.streamProduced(result)
        }
        state = .streaming(streaming)
    }

    /// Writes the stream's next piece, or ends the body; called on the loop thread.
    private func streamProduced(_ result: Result<[UInt8]?, any Error>) {
        guard case .streaming(var streaming) = state else { return }  // closed meanwhile
        streaming.pull = nil
        state = .streaming(streaming)
        switch result {
        case .success(let piece?):
            // Skipped, not written: an empty chunk is the last chunk. Asked again through a
            // new task, so a stream of empty pieces cannot keep the loop from other work.
            guard !piece.isEmpty else {
                pullNextPiece()
                return
            }
            if streaming.isChunked {
                ResponseEncoder.appendChunk(piece, to: &outbound)
            } else {
                outbound.append(contentsOf: piece)
            }
            continueStreaming()
        case .success(nil):
            if streaming.isChunked { outbound.append(contentsOf: ResponseEncoder.lastChunk) }
            recordCompleted(streaming.context, status: streaming.status)
            send(closeAfter: streaming.closeAfter)
        case .failure(let error):
            server.logStreamFailure(
                error, requestID: streaming.context.requestID, correlationID: streaming.context.correlationID,
                route: streaming.context.route)
            recordCompleted(streaming.context, status: streaming.status)
            if streaming.isChunked {
                // The status is out: all that is left is to not send the last chunk, which
                // tells the client the body is incomplete. Everything before it was sent.
                beginLingeringClose()
            } else {
                // A close-delimited body would read as complete at a FIN: reset instead.
                Socket.resetOnClose(fd)
                closeDescriptor()  // recorded above
            }
        }
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
        if isReadPaused && !isPeerClosed {
            setReadPaused(false)
            if transport.hasBufferedInput { readAvailable() }
        }
        processInbound()  // a pipelined request may be waiting
        // A response begun before shutdown (a long stream) did not say `Connection: close`;
        // once it is written and nothing follows, the connection goes, so the loop need not
        // wait out the grace period.
        if isShuttingDown { closeIfIdle() }
    }

    // MARK: - Writing

    private enum FlushResult { case done, pending, failed }

    private func flush() -> FlushResult {
        while outboundStart < outbound.count {
            let result = outbound.withUnsafeBytes { bytes in
                transport.write(fd, from: UnsafeRawBufferPointer(rebasing: bytes[outboundStart...]))
            }
            switch result {
            case .bytes(let count):
                outboundStart += count
                writeWaitsFor = Epoll.writable
            case .wouldBlock(let events):
                writeWaitsFor = events
                updateInterest()
                return .pending
            case .closed, .failed:
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
        let wanted: UInt32
        if case .handshaking = state {
            wanted = handshakeWaitsFor
        } else {
            wanted = (isReadPaused ? 0 : readWaitsFor) | (outboundStart < outbound.count ? writeWaitsFor : 0)
        }
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
        if case .readingBody(let pending) = state { pending.spool?.discard() }
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
        transport.shutdownWrite(fd)
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
        closeIfIdle()
    }

    /// Closes a connection with no request under way, saying close_notify first over TLS.
    private func closeIfIdle() {
        guard case .idle = state, unreadCount == 0 else { return }
        transport.shutdownWrite(fd)
        forceClose()
    }

    /// Closes the descriptor at once.
    func forceClose() {
        guard !isClosed else { return }
        if case .streaming(let streaming) = state {
            // Cut off mid-stream (the client left or stopped reading, or shutdown ran out of
            // time): the request is still logged, and a stream that checks for cancellation
            // can stop.
            streaming.pull?.cancel()
            recordCompleted(streaming.context, status: streaming.status)
        }
        closeDescriptor()
    }

    /// Closes at once; a stream cut off here is the caller's to record.
    private func closeDescriptor() {
        guard !isClosed else { return }
        if case .readingBody(let pending) = state { pending.spool?.discard() }
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
