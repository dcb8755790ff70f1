public import TLS

/// Everything the server needs to know before it binds.
public struct ServerConfiguration: Sendable {
    /// Address to bind: an IPv4 or IPv6 literal or a host name.
    public var host = "127.0.0.1"
    /// Port to bind; 0 lets the kernel choose (see `Server.port`).
    public var port = 8080
    /// Event loop threads; each owns an epoll instance and its connections.
    public var eventLoops = 2
    /// Connections held at once, across loops; more are answered 503 and closed.
    public var maxConnections = 10_000
    /// Largest request body for routes that do not set their own limit.
    public var maxBodyBytes = 10 * 1024 * 1024
    /// From the first byte of a request head to its end.
    public var headerTimeout: Duration = .seconds(10)
    /// Longest pause while a body arrives, or while a response waits for the client to read.
    public var bodyIdleTimeout: Duration = .seconds(30)
    /// Slowest average rate, in bytes a second, at which a request body may arrive, counted
    /// from the end of its head after a grace of `headerTimeout`: a body of n bytes has
    /// `headerTimeout` + n / rate to arrive, else 408. 0 turns the check off.
    public var minimumBodyBytesPerSecond = 1024
    /// Longest idle time between requests on a kept-alive connection.
    public var keepAliveTimeout: Duration = .seconds(60)
    /// How long shutdown waits for in-flight requests before closing their connections.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Where the bodies of routes that spool theirs to disk are written while they arrive.
    public var spoolDirectory = "/tmp"
    /// Parser size limits.
    public var limits = ParserLimits()
    /// With a context, the listener speaks HTTPS only; `Server.reloadTLS` swaps it.
    public var tls: TLSContext?

    public init() {}
}
