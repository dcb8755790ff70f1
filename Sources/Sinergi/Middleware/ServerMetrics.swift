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
    // Metric objects by label values: the registry would find them too, but with more work
    // per request than a dictionary lookup.
    private let counters = Mutex<[String: Counter]>([:])
    private let histograms = Mutex<[String: DurationHistogram]>([:])

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
        let statusClass = "\(record.status / 100)xx"
        let counterKey = "\(record.route) \(statusClass)"
        let counter = counters.withLock { cache in
            if let counter = cache[counterKey] { return counter }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    metricName: "http_requests", unitName: "total", helpText: "Requests answered, by route pattern and status class."),
                labels: [("route", record.route), ("status", statusClass)])
            cache[counterKey] = counter
            return counter
        }
        counter.increment()
        let histogram = histograms.withLock { cache in
            if let histogram = cache[record.route] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    metricName: "http_request_duration", unitName: "seconds",
                    helpText: "Time from the end of the request head to the response handed to the socket."),
                labels: [("route", record.route)], buckets: Self.buckets)
            cache[record.route] = histogram
            return histogram
        }
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
