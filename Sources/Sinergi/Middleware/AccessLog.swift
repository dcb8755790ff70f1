public import HTTPServer
public import Logging

/// One log line per answered request: method, route pattern, status, duration, request id.
/// Never the query string or the body, which can hold a NIK.
public struct AccessLog: ServerObserver {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func connectionOpened() {}
    public func connectionClosed() {}

    public func requestCompleted(_ record: AccessRecord) {
        let (seconds, attoseconds) = record.duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": .string(record.method),
            "route": .string(record.route),
            "status": .stringConvertible(record.status),
            "duration_ms": .stringConvertible((milliseconds * 1000).rounded() / 1000),
            "request_id": .string(record.requestID),
        ]
        if let correlation = record.correlationID { metadata["correlation_id"] = .string(correlation) }
        logger.info("request", metadata: metadata)
    }
}
