public import Logging
public import Synchronization

/// A log handler keeping every line, for tests of what gets logged (and what must not).
public struct CapturingLogHandler: LogHandler {
    /// The lines, shared by every copy of the handler.
    public final class Store: Sendable {
        public let lines = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])

        public init() {}

        /// Every line as text, metadata included, to search for what must not be there.
        public var text: String {
            lines.withLock { lines in lines.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n") }
        }
    }

    public let store: Store
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(store: Store) {
        self.store = store
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.lines.withLock { $0.append((event.level, event.message.description, merged)) }
    }
}
