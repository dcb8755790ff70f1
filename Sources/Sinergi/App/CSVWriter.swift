/// RFC 4180 text: records end in CRLF, and a cell holding a comma, a quote, CR or LF is
/// quoted with its quotes doubled. A cell a spreadsheet would run as a formula (`=`, `+`,
/// `-`, `@` first) is written as it is: the data is the registry's, and altering it would
/// make the CSV disagree with the JSON.
struct CSVWriter: Sendable {
    private(set) var bytes: [UInt8] = []
    private var atRecordStart = true

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// A header record.
    mutating func header(_ names: [String]) {
        beginRecord()
        names.forEach { cell($0) }
        endRecord()
    }

    mutating func beginRecord() { atRecordStart = true }

    /// One cell; nil is an empty cell.
    mutating func cell(_ value: String?) {
        if !atRecordStart { bytes.append(UInt8(ascii: ",")) }
        atRecordStart = false
        guard let value else { return }
        let utf8 = value.utf8
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }
        guard needsQuotes else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func endRecord() {
        bytes.append(contentsOf: [0x0D, 0x0A])
        atRecordStart = true
    }

    /// Takes the bytes written so far, leaving the writer empty.
    mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }
}
