internal import Foundation
internal import Glibc
internal import HTTPServer
public import Logging

/// A swift-log handler writing one JSON object per line to standard error, each line in a
/// single write(2) so lines from several threads never interleave.
///
/// Callers must keep personal data out of messages and metadata; this handler does not
/// inspect them.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let descriptor: Int32

    /// A handler for `label` at `level`, writing to `descriptor` (standard error by default).
    public init(label: String, level: Logger.Level = .info, descriptor: Int32 = 2) {
        self.label = label
        self.logLevel = level
        self.descriptor = descriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("ts", Self.timestamp())
        json.field("level", event.level.rawValue)
        json.field("msg", event.message.description)
        json.field("logger", label)
        let merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            json.key(key)
            Self.write(value, into: &json)
        }
        json.endObject()
        var line = json.bytes
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }

    private static func write(_ value: Logger.Metadata.Value, into json: inout JSONWriter) {
        switch value {
        case .string(let text): json.string(text)
        case .stringConvertible(let convertible):
            if let number = convertible as? Int { json.number(number) } else if let number = convertible as? Double, number.isFinite {
                json.raw(String(number))
            } else { json.string(convertible.description) }
        case .array(let values):
            json.beginArray()
            values.forEach { write($0, into: &json) }
            json.endArray()
        case .dictionary(let values):
            json.beginObject()
            for (key, nested) in values.sorted(by: { $0.key < $1.key }) {
                json.key(key)
                write(nested, into: &json)
            }
            json.endObject()
        }
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))."
            + "\(pad(Int(now.tv_nsec) / 1_000_000, 3))Z"
    }
}
