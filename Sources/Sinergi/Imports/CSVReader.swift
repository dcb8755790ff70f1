/// Records of a CSV file as it arrives, a chunk at a time, so a file of millions of rows is
/// never held whole: RFC 4180 (quoted fields with doubled quotes, separators and line breaks
/// inside quotes; CRLF or LF), plus what spreadsheet exports in Indonesia produce: a UTF-8 BOM,
/// and `;` between fields (Excel's separator where the decimal mark is a comma), detected from
/// the header line.
///
/// Lenient where real files are messy and nothing is lost (a quote inside an unquoted field is
/// kept as a character; blank lines are skipped), strict where guessing would change data:
/// bytes that are not UTF-8, a quote left open at the end, a quoted field followed by more text.
struct CSVReader {
    /// One record: its fields, the line of the file it starts on (1-based), for errors, and
    /// the byte offset just past the line break that ends it and the line after it, where reading
    /// may resume.
    struct Record: Equatable {
        let fields: [String]
        let line: Int
        var end = 0
        /// The line the next record starts on, at the earliest.
        var nextLine = 0

        static func == (a: Record, b: Record) -> Bool { a.fields == b.fields && a.line == b.line }
    }

    enum Failure: Error, Equatable {
        /// A field's bytes are not UTF-8.
        case notUTF8(line: Int)
        /// A quoted field that is still open at the end of the file.
        case unterminatedQuote(line: Int)
        /// A closing quote followed by something other than a separator or a line break.
        case textAfterQuote(line: Int)
        /// A field longer than `maxFieldBytes` (most often an open quote swallowing the file).
        case fieldTooLong(line: Int)
    }

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    /// The longest field accepted: far above any member field, far below a runaway quote.
    static let maxFieldBytes = 64 * 1024
    private static let quote = UInt8(ascii: "\""), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// `,` or `;`; nil until the header line is complete.
    private(set) var separator: UInt8?
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var line = 1
    private var recordLine = 1
    /// Bytes held until the BOM is told apart and the header line is whole.
    private var head: [UInt8] = []
    private var atFileStart = true
    /// The last byte was a CR that ended a line, so an LF now is the rest of it.
    private var afterCR = false
    /// Bytes of the file consumed so far, the BOM included.
    private var offset = 0

    /// With `separator` nil, it is `;` when the header line has more semicolons than commas.
    init(separator: UInt8? = nil) {
        self.separator = separator
    }

    /// A reader that goes on from a record's `end`, at `line`, in a file whose header gave
    /// `separator`; `afterCR` when the byte before `offset` is a CR (its LF may follow).
    init(resumingAt offset: Int, line: Int, separator: UInt8, afterCR: Bool) {
        self.separator = separator
        self.offset = offset
        self.line = line
        self.recordLine = line
        self.afterCR = afterCR
        atFileStart = false
    }

    /// The records completed by `bytes`.
    mutating func read(_ bytes: some Collection<UInt8>) throws(Failure) -> [Record] {
        var records: [Record] = []
        guard atFileStart || separator == nil else {
            for byte in bytes { try consume(byte, into: &records) }
            return records
        }
        // Until the BOM is told apart and the header line is whole, bytes wait in `head`.
        head += bytes
        if atFileStart {
            if head.count < 3, Self.bom.starts(with: head) { return [] }
            if head.starts(with: Self.bom) {
                head.removeFirst(3)
                offset = 3
            }
            atFileStart = false
        }
        if separator == nil {
            guard let end = head.firstIndex(where: { $0 == Self.lf || $0 == Self.cr }) else { return [] }
            separator = Self.detectSeparator(head[..<end])
        }
        let held = head
        head = []
        for byte in held { try consume(byte, into: &records) }
        return records
    }

    /// The last record, when the file does not end with a line break.
    mutating func finish() throws(Failure) -> [Record] {
        var records: [Record] = []
        if !head.isEmpty {
            separator = separator ?? Self.detectSeparator(head[...])
            let held = head
            head = []
            for byte in held { try consume(byte, into: &records) }
        }
        switch state {
        case .quoted: throw .unterminatedQuote(line: recordLine)
        case .fieldStart where fields.isEmpty: break
        default: try endRecord(into: &records)
        }
        return records
    }

    private static func detectSeparator(_ header: ArraySlice<UInt8>) -> UInt8 {
        let semicolons = header.count(where: { $0 == UInt8(ascii: ";") })
        let commas = header.count(where: { $0 == UInt8(ascii: ",") })
        return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    private mutating func consume(_ byte: UInt8, into records: inout [Record]) throws(Failure) {
        offset += 1
        // The LF of a CRLF outside quotes: the CR ended the line already.
        if afterCR {
            afterCR = false
            if byte == Self.lf { return }
        }
        let separator = separator ?? UInt8(ascii: ",")
        switch state {
        case .fieldStart:
            if byte == Self.quote {
                state = .quoted
            } else if byte == separator {
                try endField()
            } else if byte == Self.lf || byte == Self.cr {
                try endLine(byte, into: &records)
            } else {
                state = .unquoted
                try append(byte)
            }
        case .unquoted:
            if byte == separator {
                try endField()
            } else if byte == Self.lf || byte == Self.cr {
                try endLine(byte, into: &records)
            } else {
                try append(byte)
            }
        case .quoted:
            if byte == Self.quote {
                state = .quoteInQuoted
            } else {
                if byte == Self.lf { line += 1 }
                try append(byte)
            }
        case .quoteInQuoted:
            if byte == Self.quote {
                state = .quoted
                try append(byte)
            } else if byte == separator {
                try endField()
            } else if byte == Self.lf || byte == Self.cr {
                try endLine(byte, into: &records)
            } else {
                throw .textAfterQuote(line: line)
            }
        }
    }

    private mutating func append(_ byte: UInt8) throws(Failure) {
        guard field.count < Self.maxFieldBytes else { throw .fieldTooLong(line: recordLine) }
        field.append(byte)
    }

    private mutating func endField() throws(Failure) {
        guard let text = String(validating: field, as: UTF8.self) else { throw .notUTF8(line: line) }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    /// A line break outside quotes: the end of a record, or of a blank line (no record).
    private mutating func endLine(_ byte: UInt8, into records: inout [Record]) throws(Failure) {
        if state != .fieldStart || !fields.isEmpty { try endRecord(into: &records) }
        afterCR = byte == Self.cr
        line += 1
        recordLine = line
    }

    private mutating func endRecord(into records: inout [Record]) throws(Failure) {
        try endField()
        records.append(Record(fields: fields, line: recordLine, end: offset, nextLine: line + 1))
        fields.removeAll(keepingCapacity: true)
    }
}
