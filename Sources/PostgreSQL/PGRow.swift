internal import CPostgreSQL
internal import Glibc

/// The current row of a query, handed to the `map` closure of `PGConnection.fetchAll` and
/// `fetchOne`. 0-based, and valid only inside that closure.
///
/// Results come in PostgreSQL's text format, which every type has: integers and reals are
/// parsed here, booleans are `t`/`f`, `bytea` is `\x` and hex. The readers are those of
/// SQLite's `Row`: NULL reads as 0, false, "" or [] from the non-optional ones, and as nil
/// from the `optional…` ones; a text that is not a number reads as 0.
public struct PGRow {
    let result: OpaquePointer
    let row: Int32

    /// The number of columns.
    public var columnCount: Int32 { PQnfields(result) }

    /// The name of the column at `index`.
    public func columnName(at index: Int32) -> String { String(cString: PQfname(result, index)) }

    /// The position of the column called `name`, or nil.
    public func columnIndex(_ name: String) -> Int32? {
        let index = PQfnumber(result, name)
        return index >= 0 ? index : nil
    }

    /// Whether the column at `index` holds NULL.
    public func isNull(at index: Int32) -> Bool { PQgetisnull(result, row, index) == 1 }

    /// The column's text bytes, without the terminating NUL.
    private func bytes(_ index: Int32) -> UnsafeBufferPointer<UInt8> {
        let length = Int(PQgetlength(result, row, index))
        return UnsafeRawPointer(PQgetvalue(result, row, index)).withMemoryRebound(to: UInt8.self, capacity: length) {
            UnsafeBufferPointer(start: $0, count: length)
        }
    }

    /// The column at `index` as a 64-bit integer (also a whole `numeric`, as `SUM` gives).
    public func int64(at index: Int32) -> Int64 {
        let text = bytes(index)
        let negative = text.first == UInt8(ascii: "-")
        // Accumulated with the sign of the result, so Int64.min parses too.
        var value: Int64 = 0
        for digit in text.dropFirst(negative ? 1 : 0) {
            guard (0x30...0x39).contains(digit) else { break }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (added, overflowB) = negative
                ? shifted.subtractingReportingOverflow(Int64(digit - 0x30))
                : shifted.addingReportingOverflow(Int64(digit - 0x30))
            if overflowA || overflowB { return 0 }
            value = added
        }
        return value
    }

    /// The column at `index` as an `Int`.
    public func int(at index: Int32) -> Int { Int(int64(at: index)) }

    /// The column at `index` as a `Bool`: `t` for a boolean, non-zero for an integer.
    public func bool(at index: Int32) -> Bool {
        let text = bytes(index)
        guard let first = text.first else { return false }
        return first == UInt8(ascii: "t") || (first != UInt8(ascii: "f") && int64(at: index) != 0)
    }

    /// The column at `index` as a double.
    public func double(at index: Int32) -> Double {
        isNull(at: index) ? 0 : strtod(PQgetvalue(result, row, index), nil)
    }

    /// The column at `index` as text.
    public func string(at index: Int32) -> String { String(decoding: bytes(index), as: UTF8.self) }

    /// The column at `index` as bytes: a `bytea` in its hex form (`\x…`), decoded.
    public func blob(at index: Int32) -> [UInt8] {
        let text = bytes(index)
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else { return Array(text) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity((text.count - 2) / 2)
        var position = 2
        while position + 1 < text.count {
            decoded.append(Self.nibble(text[position]) << 4 | Self.nibble(text[position + 1]))
            position += 2
        }
        return decoded
    }

    private static func nibble(_ digit: UInt8) -> UInt8 {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        case 0x41...0x46: digit - 0x41 + 10
        default: 0
        }
    }

    /// The column at `index` as a 64-bit integer, or nil when NULL.
    public func optionalInt64(at index: Int32) -> Int64? { isNull(at: index) ? nil : int64(at: index) }
    /// The column at `index` as an `Int`, or nil when NULL.
    public func optionalInt(at index: Int32) -> Int? { isNull(at: index) ? nil : int(at: index) }
    /// The column at `index` as a `Bool`, or nil when NULL.
    public func optionalBool(at index: Int32) -> Bool? { isNull(at: index) ? nil : bool(at: index) }
    /// The column at `index` as a double, or nil when NULL.
    public func optionalDouble(at index: Int32) -> Double? { isNull(at: index) ? nil : double(at: index) }
    /// The column at `index` as text, or nil when NULL.
    public func optionalString(at index: Int32) -> String? { isNull(at: index) ? nil : string(at: index) }
    /// The column at `index` as bytes, or nil when NULL.
    public func optionalBlob(at index: Int32) -> [UInt8]? { isNull(at: index) ? nil : blob(at: index) }
}

@available(*, unavailable)
extension PGRow: Sendable {}
