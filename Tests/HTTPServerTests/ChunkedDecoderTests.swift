@testable import HTTPServer
import Testing

// Unit tests for `ChunkedDecoder` (RFC 9112 §7.1). The decoder is fed the unread part of a
// buffer, as the connection does: bytes it did not use are passed again with the next ones.

@Suite("ChunkedDecoder")
struct ChunkedDecoderTests {
    @Test("decodes a chunked body")
    func decodes() throws {
        let text = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        var decoder = ChunkedDecoder(maxBodyBytes: 1024)
        var body: [UInt8] = []
        let used = try Array(text.utf8).withUnsafeBufferPointer { buffer throws(HTTPParseError) in
            try decoder.decode(buffer, into: &body)
        }
        #expect(used == text.utf8.count)
        #expect(String(decoding: body, as: UTF8.self) == "hello world")
        #expect(decoder.bodyLength == 11)
        #expect(decoder.isComplete)
    }

    @Test("decodes an empty body")
    func decodesEmpty() {
        #expect(decodeWhole("0\r\n\r\n") == .complete("", consumed: 5))
    }

    @Test("every prefix of a valid body is incomplete", arguments: Sample.valid)
    func everyPrefixIncomplete(_ sample: Sample) throws {
        let whole = decodeWhole(sample.bytes)
        let (expectedBody, length) = try #require(whole.completed)
        for end in 0..<length {
            let outcome = decodeWhole(Array(sample.bytes[..<end]))
            guard case .incomplete(let body, _) = outcome else {
                Issue.record("prefix of \(end) bytes: \(outcome)")
                continue
            }
            #expect(expectedBody.utf8.starts(with: body.utf8), "prefix of \(end) bytes decoded \(body.debugDescription)")
        }
    }

    @Test("one byte at a time gives the same body as whole", arguments: Sample.valid)
    func byteByByteMatchesWhole(_ sample: Sample) throws {
        let whole = decodeWhole(sample.bytes)
        _ = try #require(whole.completed)
        #expect(decodeInReads(sample.bytes, of: 1) == whole)
        #expect(decodeInReads(sample.bytes, of: 3) == whole)
    }

    @Test("any split into two reads gives the same body as whole", arguments: Sample.valid)
    func twoReadsMatchWhole(_ sample: Sample) {
        let whole = decodeWhole(sample.bytes)
        for split in 1..<sample.bytes.count {
            #expect(decode(sample.bytes, splitAt: [split]) == whole, "split at \(split)")
        }
    }

    @Test("malformed input fails the same whole and one byte at a time", arguments: Sample.malformed)
    func malformedByteByByteMatchesWhole(_ sample: Sample) {
        let whole = decodeWhole(sample.bytes, maxBodyBytes: 100)
        guard case .failed = whole else {
            Issue.record("not a malformed sample: \(whole)")
            return
        }
        #expect(decodeInReads(sample.bytes, of: 1, maxBodyBytes: 100) == whole)
    }

    @Test("leaves the bytes of the next request alone")
    func leavesNextRequest() {
        let body = "3\r\nabc\r\n0\r\n\r\n"
        #expect(decodeWhole(body + "GET / HTTP/1.1\r\n") == .complete("abc", consumed: body.utf8.count))
        #expect(decodeInReads(Array((body + "GET / HTTP/1.1\r\n").utf8), of: 1) == .complete("abc", consumed: body.utf8.count))
    }

    @Test("consumes trailers and leaves the next request alone")
    func consumesTrailers() {
        let body = "3\r\nabc\r\n0\r\nX-Checksum: 1234\r\nX-Other:\tv\r\n\r\n"
        let text = body + "POST /next HTTP/1.1\r\n"
        #expect(decodeWhole(text) == .complete("abc", consumed: body.utf8.count))
        #expect(decodeInReads(Array(text.utf8), of: 1) == .complete("abc", consumed: body.utf8.count))
    }

    @Test("uses nothing once complete")
    func stopsWhenComplete() throws {
        var decoder = ChunkedDecoder(maxBodyBytes: 100)
        var body: [UInt8] = []
        _ = try decode(&decoder, "0\r\n\r\n", into: &body)
        #expect(decoder.isComplete)
        #expect(try decode(&decoder, "5\r\nhello\r\n", into: &body) == 0)
        #expect(body.isEmpty)
    }

    @Test("appends to what the body already holds")
    func appends() throws {
        var decoder = ChunkedDecoder(maxBodyBytes: 100)
        var body = Array("kept:".utf8)
        _ = try decode(&decoder, "2\r\nok\r\n0\r\n\r\n", into: &body)
        #expect(String(decoding: body, as: UTF8.self) == "kept:ok")
        #expect(decoder.bodyLength == 2)
    }

    @Test("hands over data as it arrives and waits for the CRLF after it")
    func dataAcrossReads() throws {
        var decoder = ChunkedDecoder(maxBodyBytes: 100)
        var body: [UInt8] = []
        #expect(try decode(&decoder, "5\r\nhel", into: &body) == 6)
        #expect(String(decoding: body, as: UTF8.self) == "hel")
        #expect(try decode(&decoder, "lo", into: &body) == 2)
        #expect(try decode(&decoder, "\r", into: &body) == 0)  // kept for the next call
        #expect(try decode(&decoder, "\r\n0\r", into: &body) == 2)
        #expect(!decoder.isComplete)
        #expect(try decode(&decoder, "0\r\n\r\n", into: &body) == 5)
        #expect(decoder.isComplete)
        #expect(String(decoding: body, as: UTF8.self) == "hello")
    }

    @Test("reads hex sizes in either case, with leading zeros", arguments: [("a", 10), ("A", 10), ("00000a", 10), ("1F", 31), ("1f", 31), ("010", 16)])
    func hexSizes(_ size: String, length: Int) {
        let data = String(repeating: "x", count: length)
        #expect(decodeWhole("\(size)\r\n\(data)\r\n0\r\n\r\n") == .complete(data, consumed: size.utf8.count + length + 9))
    }

    @Test("skips chunk extensions", arguments: ["5;name", "5;name=value", "5;a=\"quoted; \\\"value\\\"\"", "5 ;a", "5\t; a = b", "5;a;b=1", "5 "])
    func skipsExtensions(_ sizeLine: String) {
        #expect(decodeWhole("\(sizeLine)\r\nhello\r\n0;last\r\n\r\n").completed?.body == "hello")
    }

    // MARK: - Attacks

    @Test("rejects a chunk size that is not hex", arguments: ["g", "", " 5", "-5", "+5", "0x5", "5g", "5.0", "\u{FF15}", "5 6", "5 x"])
    func rejectsNonHexSize(_ size: String) {
        #expect(decodeWhole("\(size)\r\nhello\r\n0\r\n\r\n") == .failed(.invalidChunk))
    }

    @Test("rejects a chunk size with too many digits", arguments: ["0000000000000001", "FFFFFFFFFFFFFFFF", "10000000000000000", "fffffffffffffffff0"])
    func rejectsTooManyDigits(_ size: String) {
        // 16 or more hex digits could overflow Int; refused before reading any data.
        #expect(decodeWhole("\(size)\r\n", maxBodyBytes: .max) == .failed(.invalidChunk))
    }

    @Test("answers 413 for the largest 15-digit size")
    func largestSizeIsTooLarge() {
        #expect(decodeWhole("fffffffffffffff\r\n", maxBodyBytes: 1 << 20) == .failed(.bodyTooLarge))
        #expect(HTTPParseError.bodyTooLarge.problem.status == 413)
    }

    @Test("rejects a missing CRLF after the data", arguments: [
        "5\r\nhelloX\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhello0\r\n\r\n", "5\r\nhello\r0\r\n\r\n", "3\r\nhello\r\n0\r\n\r\n",
        "5\r\nhello\n\r\n0\r\n\r\n",
        // Two bytes that are not CRLF must not be skipped as if they were: the rest is valid.
        "5\r\nhelloXY0\r\n\r\n", "2\r\nhi\n\n3\r\nabc\r\n0\r\n\r\n",
    ])
    func rejectsMissingCRLFAfterData(_ text: String) {
        #expect(decodeWhole(text) == .failed(.invalidChunk))
    }

    @Test("rejects a bare LF after the chunk size", arguments: ["5\nhello\r\n0\r\n\r\n", "5\r\nhello\r\n0\n\r\n"])
    func rejectsBareLFAfterSize(_ text: String) {
        #expect(decodeWhole(text) == .failed(.invalidChunk))
    }

    @Test("rejects a bare CR in a chunk extension")
    func rejectsBareCRInExtension() {
        #expect(decodeWhole("5;a\rb\r\nhello\r\n0\r\n\r\n") == .failed(.invalidChunk))
        #expect(decodeWhole("5;a\u{0}\r\nhello\r\n0\r\n\r\n") == .failed(.invalidChunk))
    }

    @Test("answers 413 for a chunk size over the limit, before its data")
    func rejectsChunkOverLimit() {
        // Only the size line has arrived: refused from the declared size.
        #expect(decodeWhole("65\r\n", maxBodyBytes: 100) == .failed(.bodyTooLarge))
        #expect(decodeWhole("64\r\n", maxBodyBytes: 100) == .incomplete("", consumed: 4))
    }

    @Test("answers 413 when chunks add up to more than the limit")
    func rejectsChunksOverLimit() throws {
        var decoder = ChunkedDecoder(maxBodyBytes: 100)
        var body: [UInt8] = []
        let first = "32\r\n" + String(repeating: "a", count: 50) + "\r\n"
        #expect(try decode(&decoder, first, into: &body) == first.utf8.count)
        #expect(try decode(&decoder, "32\r\n", into: &body) == 4)  // 100 in all: at the limit
        #expect(try decode(&decoder, String(repeating: "b", count: 50) + "\r\n", into: &body) == 52)
        #expect(throws: HTTPParseError.bodyTooLarge) { try decode(&decoder, "1\r\n", into: &body) }
        #expect(body.count == 100)
    }

    @Test("accepts a body of exactly the limit")
    func bodyAtLimit() {
        let data = String(repeating: "z", count: 100)
        #expect(decodeWhole("64\r\n\(data)\r\n0\r\n\r\n", maxBodyBytes: 100).completed?.body == data)
    }

    @Test("rejects a chunk-size line over the limit", arguments: [true, false])
    func rejectsLongSizeLine(complete: Bool) {
        // Also while it is incomplete: a line without an end cannot hold the decoder.
        let line = "5;" + String(repeating: "e", count: 1100)
        #expect(decodeWhole(line + (complete ? "\r\nhello\r\n0\r\n\r\n" : "")) == .failed(.invalidChunk))
    }

    @Test("accepts a chunk-size line of exactly the limit")
    func sizeLineAtLimit() {
        let line = "5;" + String(repeating: "e", count: 1024 - 3)  // with its CR: 1024 bytes
        #expect(decodeWhole(line + "\r\nhello\r\n0\r\n\r\n").completed?.body == "hello")
    }

    @Test("answers 431 for trailers over the header section limit", arguments: [true, false])
    func rejectsLargeTrailers(complete: Bool) {
        let trailer = "X-Big: " + String(repeating: "t", count: 16 * 1024)
        let outcome = decodeWhole("0\r\n" + trailer + (complete ? "\r\n\r\n" : ""))
        #expect(outcome == .failed(.headerSectionTooLarge))
    }

    @Test("rejects a bare LF in the trailers", arguments: ["0\r\nX: a\n\r\n", "0\r\n\n", "0\r\nX: a\r\n\n"])
    func rejectsBareLFInTrailers(_ text: String) {
        #expect(decodeWhole(text) == .failed(.invalidChunk))
    }

    @Test("rejects a malformed trailer field", arguments: [
        "0\r\nX: a\r\n folded\r\n\r\n", "0\r\nNoColon\r\n\r\n", "0\r\nX: a\u{0}b\r\n\r\n", "0\r\nX : a\r\n\r\n", "0\r\nX: a\rb\r\n\r\n",
    ])
    func rejectsMalformedTrailer(_ text: String) {
        // A trailer section is field lines (RFC 9112 §7.1.2), even if we discard them.
        #expect(decodeWhole(text).error?.problem.status == 400)
    }
}

// MARK: - Samples

extension ChunkedDecoderTests {
    /// A chunked body to decode, named for the test report.
    struct Sample: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]

        init(_ name: String, _ text: String) {
            self.name = name
            self.bytes = Array(text.utf8)
        }

        var testDescription: String { name }

        static let valid: [Sample] = [
            Sample("one chunk", "5\r\nhello\r\n0\r\n\r\n"),
            Sample("several chunks", "1\r\na\r\n2\r\nbc\r\na\r\n0123456789\r\n0\r\n\r\n"),
            Sample("extensions", "5;a=b\r\nhello\r\n0;c\r\n\r\n"),
            Sample("trailers", "3\r\nabc\r\n0\r\nX-A: 1\r\nX-B: 2\r\n\r\n"),
            Sample("next request after", "3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n"),
            Sample("CRLF in data", "4\r\n\r\n\r\n\r\n0\r\n\r\n"),
            Sample("empty", "0\r\n\r\n"),
        ]

        static let malformed: [Sample] = [
            Sample("non-hex size", "5\r\nhello\r\nz\r\n"),
            Sample("missing CRLF after data", "5\r\nhelloXY0\r\n\r\n"),
            Sample("too many digits", "00000000000000005\r\nhello\r\n"),
            Sample("over the limit", "40\r\n" + String(repeating: "a", count: 64) + "\r\n40\r\n"),
            Sample("bare LF in trailers", "0\r\nX: 1\n\r\n"),
            Sample("long size line", "1;" + String(repeating: "x", count: 2000) + "\r\n"),
            Sample("obs-fold in trailers", "0\r\nX: 1\r\n 2\r\n\r\n"),
        ]
    }

    /// What decoding came to.
    enum DecodeOutcome: Equatable, CustomStringConvertible {
        case incomplete(String, consumed: Int)
        case complete(String, consumed: Int)
        case failed(HTTPParseError)

        var completed: (body: String, consumed: Int)? { if case .complete(let body, let consumed) = self { (body, consumed) } else { nil } }
        var error: HTTPParseError? { if case .failed(let error) = self { error } else { nil } }

        var description: String {
            switch self {
            case .incomplete(let body, let consumed): "incomplete \(body.debugDescription), consumed \(consumed)"
            case .complete(let body, let consumed): "complete \(body.debugDescription), consumed \(consumed)"
            case .failed(let error): "\(error)"
            }
        }
    }
}

private typealias DecodeOutcome = ChunkedDecoderTests.DecodeOutcome

private func decode(_ decoder: inout ChunkedDecoder, _ text: String, into body: inout [UInt8]) throws(HTTPParseError) -> Int {
    try Array(text.utf8).withUnsafeBufferPointer { buffer throws(HTTPParseError) in try decoder.decode(buffer, into: &body) }
}

private func decodeWhole(_ text: String, maxBodyBytes: Int = 1024) -> DecodeOutcome {
    decodeWhole(Array(text.utf8), maxBodyBytes: maxBodyBytes)
}

private func decodeWhole(_ bytes: [UInt8], maxBodyBytes: Int = 1024) -> DecodeOutcome {
    decode(bytes, splitAt: [], maxBodyBytes: maxBodyBytes)
}

/// Feeds `bytes` as arriving in reads of `size` bytes.
private func decodeInReads(_ bytes: [UInt8], of size: Int, maxBodyBytes: Int = 1024) -> DecodeOutcome {
    decode(bytes, splitAt: Array(stride(from: size, to: bytes.count, by: size)), maxBodyBytes: maxBodyBytes)
}

/// Feeds `bytes` as arriving in reads that end at `splits`, passing the unused part of the
/// buffer again with each new read, as the connection does.
private func decode(_ bytes: [UInt8], splitAt splits: [Int], maxBodyBytes: Int = 1024) -> DecodeOutcome {
    var decoder = ChunkedDecoder(maxBodyBytes: maxBodyBytes)
    var body: [UInt8] = []
    var start = 0
    do {
        try bytes.withUnsafeBufferPointer { full throws(HTTPParseError) in
            for end in splits + [full.count] {
                start += try decoder.decode(UnsafeBufferPointer(rebasing: full[start..<end]), into: &body)
                if decoder.isComplete { return }
            }
        }
    } catch {
        return .failed(error)
    }
    let text = String(decoding: body, as: UTF8.self)
    #expect(decoder.bodyLength == body.count)
    return decoder.isComplete ? .complete(text, consumed: start) : .incomplete(text, consumed: start)
}
