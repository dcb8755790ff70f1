@testable import Sinergi
import Testing

/// The reader imports will stream member lists through: spreadsheet exports as they come.
@Suite struct CSVReaderTests {
    /// Every record of `text`, fed `chunk` bytes at a time.
    static func records(_ bytes: [UInt8], chunk: Int = .max) throws(CSVReader.Failure) -> [CSVReader.Record] {
        var reader = CSVReader()
        var records: [CSVReader.Record] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            records += try reader.read(bytes[start..<end])
            start = end
        }
        return records + (try reader.finish())
    }

    static func records(_ text: String, chunk: Int = .max) throws(CSVReader.Failure) -> [CSVReader.Record] {
        try records(Array(text.utf8), chunk: chunk)
    }

    @Test("commas, CRLF, quoted separators, line breaks and doubled quotes; lines counted from the file")
    func rfc4180() throws {
        let text = "nik,full_name,address\r\n3507011010810001,\"Aminah, Siti\",\"Jl. Raya 1\r\nRT 02\"\r\n3507011010810002,\"Ahmad \"\"Gus\"\" Fauzi\",\r\n"
        let records = try Self.records(text)
        #expect(records == [
            .init(fields: ["nik", "full_name", "address"], line: 1),
            .init(fields: ["3507011010810001", "Aminah, Siti", "Jl. Raya 1\r\nRT 02"], line: 2),
            .init(fields: ["3507011010810002", "Ahmad \"Gus\" Fauzi", ""], line: 4),
        ])
    }

    @Test("a UTF-8 BOM and semicolons, as Excel saves where the decimal mark is a comma")
    func bomAndSemicolons() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("nik;full_name;class\n3507011010810001;Siti, S.Pd;3\n".utf8)
        var reader = CSVReader()
        let records = try reader.read(bytes) + (try reader.finish())
        #expect(reader.separator == UInt8(ascii: ";"))
        #expect(records.map(\.fields) == [["nik", "full_name", "class"], ["3507011010810001", "Siti, S.Pd", "3"]])
    }

    @Test("any chunking gives the same records, byte by byte included (a BOM or CRLF split too)")
    func chunking() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a;b\r\n\"x;\r\ny\";é\r\n\r\nlast;row".utf8)
        let whole = try Self.records(bytes)
        #expect(whole.map(\.fields) == [["a", "b"], ["x;\r\ny", "é"], ["last", "row"]])
        for chunk in [1, 2, 3, 5, 7] {
            #expect(try Self.records(bytes, chunk: chunk) == whole, "chunks of \(chunk)")
        }
    }

    @Test("blank lines are skipped; a last line without a break is a record; a trailing separator is an empty field")
    func blankAndLast() throws {
        #expect(try Self.records("a,b\n\n1,\n\n2,3").map(\.fields) == [["a", "b"], ["1", ""], ["2", "3"]])
        #expect(try Self.records("").isEmpty)
        #expect(try Self.records("a,b").map(\.fields) == [["a", "b"]])
    }

    @Test("refused: bytes that are not UTF-8, a quote left open, text after a closing quote, a runaway field")
    func refusals() {
        #expect(throws: CSVReader.Failure.notUTF8(line: 2)) {
            try Self.records([UInt8]("a,b\n1,".utf8) + [0xC3, 0x28] + [UInt8]("\n".utf8))
        }
        #expect(throws: CSVReader.Failure.unterminatedQuote(line: 2)) { try Self.records("a,b\n1,\"open\n2,3\n") }
        #expect(throws: CSVReader.Failure.textAfterQuote(line: 2)) { try Self.records("a,b\n\"x\"y,2\n") }
        let long = String(repeating: "x", count: CSVReader.maxFieldBytes + 1)
        #expect(throws: CSVReader.Failure.fieldTooLong(line: 2)) { try Self.records("a\n\"\(long)\"\n") }
    }
}
