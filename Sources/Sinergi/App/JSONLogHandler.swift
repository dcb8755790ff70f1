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
        json.key("ts")
        json.raw(Self.timestamp())
        json.field("level", event.level.rawValue)
        json.field("msg", event.message.description)
        json.field("logger", label)
        let merged: Logger.Metadata
        if let extra = event.metadata {
            merged = metadata.isEmpty ? extra : metadata.merging(extra) { $1 }
        } else {
            merged = metadata
        }
        for (key, value) in merged {
            json.key(key)
            Self.write(value, into: &json)
        }
        json.endObject()
        var line = json.bytes
        line.append(UInt8(ascii: "\n"))
        if descriptor == 2 {
            LogWriter.standardError.write(line)
        } else {
            LogWriter.writeAll(line, to: descriptor)
        }
    }

    /// Writes whatever standard error still holds; call before the process exits.
    public static func flush() {
        LogWriter.standardError.flush()
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

    /// RFC 3339 UTC with milliseconds, quoted, built without intermediate strings.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let time = UTCTime(epochSeconds: Int(now.tv_sec))
        var bytes = [UInt8](repeating: 0, count: 26)
        func put(_ value: Int, at index: Int, width: Int) {
            var value = value
            for offset in stride(from: width - 1, through: 0, by: -1) {
                bytes[index + offset] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        bytes[0] = 0x22
        put(time.year, at: 1, width: 4)
        bytes[5] = 0x2D
        put(time.month, at: 6, width: 2)
        bytes[8] = 0x2D
        put(time.day, at: 9, width: 2)
        bytes[11] = 0x54
        put(time.hour, at: 12, width: 2)
        bytes[14] = 0x3A
        put(time.minute, at: 15, width: 2)
        bytes[17] = 0x3A
        put(time.second, at: 18, width: 2)
        bytes[20] = 0x2E
        put(Int(now.tv_nsec) / 1_000_000, at: 21, width: 3)
        bytes[24] = 0x5A
        bytes[25] = 0x22
        return String(decoding: bytes, as: UTF8.self)
    }
}
