/// A strict RFC 4180 reader for the CSV tests: records end in CRLF (the last one too), a
/// quoted field doubles its quotes, and anything else (a quote inside an unquoted field, a
/// bare CR or LF outside quotes, records of different lengths) is an error.
enum StrictCSV {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ bytes: [UInt8]) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var index = 0
        var quoted = false
        var fieldStarted = false
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll()
            fieldStarted = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == quote {
                    if index + 1 < bytes.count, bytes[index + 1] == quote {
                        field.append(quote)
                        index += 2
                        continue
                    }
                    quoted = false
                    index += 1
                    guard index == bytes.count || bytes[index] == comma || bytes[index] == cr else {
                        throw Malformed(description: "text after a closing quote at byte \(index)")
                    }
                    continue
                }
                field.append(byte)
                index += 1
                continue
            }
            switch byte {
            case quote:
                guard !fieldStarted, field.isEmpty else { throw Malformed(description: "a quote inside an unquoted field at byte \(index)") }
                quoted = true
                fieldStarted = true
                index += 1
            case comma:
                endField()
                index += 1
            case cr:
                guard index + 1 < bytes.count, bytes[index + 1] == lf else { throw Malformed(description: "a bare CR at byte \(index)") }
                endField()
                if let first = records.first, first.count != record.count {
                    throw Malformed(description: "record \(records.count + 1) has \(record.count) fields, the header \(first.count)")
                }
                records.append(record)
                record = []
                index += 2
            case lf:
                throw Malformed(description: "a bare LF at byte \(index)")
            default:
                field.append(byte)
                fieldStarted = true
                index += 1
            }
        }
        guard !quoted else { throw Malformed(description: "an unclosed quote") }
        guard record.isEmpty, field.isEmpty else { throw Malformed(description: "the last record does not end in CRLF") }
        return records
    }
}
