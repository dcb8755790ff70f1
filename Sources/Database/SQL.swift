/// One statement for both engines: written once with `?` placeholders where the engines agree
/// (PostgreSQL gets them numbered, `$1`, `$2`, …), or as two texts side by side where they do not.
public struct SQL: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The text as written, with `?` placeholders: SQLite's.
    public let text: String
    /// PostgreSQL's own text (`$n` placeholders), when it differs from `text` by more than the
    /// placeholders.
    public let postgresqlVariant: String?

    public init(stringLiteral text: String) {
        self.init(text)
    }

    public init(_ text: String) {
        self.text = text
        postgresqlVariant = nil
    }

    /// Two texts, for where the engines disagree; `postgresql` numbers its own placeholders.
    public init(sqlite: String, postgresql: String) {
        text = sqlite
        postgresqlVariant = postgresql
    }
}

/// `?` placeholders as PostgreSQL's `$1`, `$2`, …: outside quoted text ('…', with '' inside),
/// quoted names ("…") and comments (-- to the end of the line, /* … */), where a `?` is itself.
enum Placeholders {
    static func numbered(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var number = 0
        var index = 0
        func copy(through end: Int) {
            output.append(contentsOf: bytes[index..<min(end, bytes.count)])
            index = min(end, bytes.count)
        }
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // To the closing quote; a doubled quote inside is two quoted runs in a row.
                let close = bytes[(index + 1)...].firstIndex(of: byte).map { $0 + 1 } ?? bytes.count
                copy(through: close)
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                copy(through: bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count)
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                var end = index + 2
                while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "*") && bytes[end + 1] == UInt8(ascii: "/")) { end += 1 }
                copy(through: end + 2)
            case UInt8(ascii: "?"):
                number += 1
                output.append(contentsOf: "$\(number)".utf8)
                index += 1
            default:
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
