public import HTTPServer
public import Prometheus
internal import Synchronization

/// Prometheus metrics of the HTTP layer: requests by route and status class, a latency
/// histogram by route, and open connections. Each application has its own registry, so
/// several servers in one test process do not share counts.
public final class ServerMetrics: ServerObserver {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let openConnections: Gauge
    // Metric objects by route, one lookup a request: the registry would find them too, but
    // with more work per request than a dictionary lookup.
    private struct RouteMetrics {
        let duration: DurationHistogram
        var byStatusClass: [Counter?] = Array(repeating: nil, count: 6)
    }
    private let routes = Mutex<[String: RouteMetrics]>([:])

    private static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        openConnections = registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: "http_open_connections", unitName: "", helpText: "Client connections open now."))
    }

    public func connectionOpened() { openConnections.increment() }
    public func connectionClosed() { openConnections.decrement() }

    public func requestCompleted(_ record: AccessRecord) {
        let statusClass = min(max(record.status / 100, 1), 5)
        let (counter, histogram) = routes.withLock { routes -> (Counter, DurationHistogram) in
            var metrics = routes[record.route] ?? RouteMetrics(duration: registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    metricName: "http_request_duration", unitName: "seconds",
                    helpText: "Time from the end of the request head to the response handed to the socket."),
                labels: [("route", record.route)], buckets: Self.buckets))
            if let counter = metrics.byStatusClass[statusClass] { return (counter, metrics.duration) }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    metricName: "http_requests", unitName: "total", helpText: "Requests answered, by route pattern and status class."),
                labels: [("route", record.route), ("status", "\(statusClass)xx")])
            metrics.byStatusClass[statusClass] = counter
            routes[record.route] = metrics
            return (counter, metrics.duration)
        }
        counter.increment()
        histogram.record(record.duration)
    }

    public func tlsHandshakeCompleted(version: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "tls_handshakes", unitName: "total", helpText: "Completed TLS handshakes, by protocol version."),
            labels: [("version", version)]
        ).increment()
    }

    public func tlsHandshakeFailed(reason: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "tls_handshake_failures", unitName: "total", helpText: "Failed TLS handshakes, by reason."),
            labels: [("reason", reason)]
        ).increment()
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] {
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return bytes
    }
}
