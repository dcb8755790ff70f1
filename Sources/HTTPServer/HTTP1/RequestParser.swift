/// Reads request heads from bytes, strictly as RFC 9112 allows, with limits checked while
/// reading. A value type without I/O: the connection feeds it the unread part of its buffer.
///
/// The contract is picohttpparser's: a call returns a head and how many bytes it used, nil
/// for "need more", or throws. The scan position is remembered between calls, so a head
/// sent one byte at a time is not rescanned from the start each time.
public struct RequestParser: Sendable {
    public let limits: ParserLimits

    // Progress of the search for the end of the head, relative to the bytes given.
    private var scanned = 0
    private var requestLineEnd: Int?  // index of the request line's LF
    private var lineStart = 0
    private var targetStart: Int?  // in the request line, after its first space
    private var targetEnded = false  // the request line's second space was seen
    private var fieldLines = 0

    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    /// Forgets progress; call after a head has been consumed.
    public mutating func reset() {
        scanned = 0
        requestLineEnd = nil
        lineStart = 0
        targetStart = nil
        targetEnded = false
        fieldLines = 0
    }

    /// Parses one head from the start of `bytes`, which must be the same bytes as in the
    /// previous call plus any that arrived since.
    public mutating func parseHead(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (head: RequestHead, consumed: Int)? {
        guard let headEnd = try findHeadEnd(bytes) else { return nil }
        let head = try Self.parse(UnsafeBufferPointer(rebasing: bytes[0..<headEnd]), limits: limits)
        reset()
        return (head, headEnd)
    }

    // Finds the index just past the empty line ending the head, checking the request line
    // and the limits byte by byte as they arrive. Every check depends only on the bytes up
    // to the one scanned, so a head sent whole, one byte at a time or in any other pieces
    // gets the same answer, and a head that can never be valid is refused without waiting.
    private mutating func findHeadEnd(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int? {
        // Method, target, version and two spaces, with any empty lines before them.
        let longestRequestLine = limits.maxTargetLength + 64
        var index = scanned
        while index < bytes.count {
            let byte = bytes[index]
            if let requestLineEnd {
                // The header section and its empty line, counted as they arrive.
                if index - requestLineEnd > limits.maxHeaderSectionBytes + 2 { throw .headerSectionTooLarge }
                if byte == ASCII.lf {
                    if isEmptyLine(bytes, endingAt: index) {
                        scanned = index + 1
                        return index + 1
                    }
                    // At most `maxHeaderCount` field lines: the one past it is refused.
                    fieldLines += 1
                    if fieldLines > limits.maxHeaderCount { throw .tooManyHeaders }
                    lineStart = index + 1
                }
            } else if byte == ASCII.lf {
                // RFC 9112 §2.2: ignore empty lines before the request line.
                if !isEmptyLine(bytes, endingAt: index) {
                    guard bytes[index - 1] == ASCII.cr else { throw .malformedRequestLine }  // bare LF
                    // Checked now, not once the header section is complete: a bad version
                    // or method gets its own answer, not a 431 for what follows it.
                    _ = try Self.parseRequestLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<(index - 1)]), limits: limits)
                    requestLineEnd = index
                }
                lineStart = index + 1
                targetStart = nil
                targetEnded = false
            } else {
                if index >= longestRequestLine { throw .malformedRequestLine }
                // Refuse early what can never become a request line (binary, TLS on a plain port).
                guard byte == ASCII.cr || byte == ASCII.space || ASCII.isTargetByte(byte) else { throw .malformedRequestLine }
                if byte == ASCII.space {
                    if targetStart == nil { targetStart = index + 1 } else { targetEnded = true }
                } else if let targetStart, !targetEnded, index - targetStart >= limits.maxTargetLength {
                    // RFC 9112 §3: 414 as soon as the target is longer than we accept.
                    throw .uriTooLong
                }
            }
            index += 1
        }
        scanned = bytes.count
        return nil
    }

    // A line is empty when only its LF, or CR LF, ends it.
    private func isEmptyLine(_ bytes: UnsafeBufferPointer<UInt8>, endingAt lf: Int) -> Bool {
        let length = lf - lineStart
        return length == 0 || (length == 1 && bytes[lineStart] == ASCII.cr)
    }

    // MARK: - Parsing a complete head

    static func parse(_ head: UnsafeBufferPointer<UInt8>, limits: ParserLimits) throws(HTTPParseError) -> RequestHead {
        // Leading empty lines, as `findHeadEnd` reads them: LF or CR LF. Not any run of CR
        // and LF, which could run past the end of "\r\r\n\r\n".
        var index = 0
        while index < head.count, head[index] == ASCII.lf || (head[index] == ASCII.cr && index + 1 < head.count && head[index + 1] == ASCII.lf) {
            index += head[index] == ASCII.lf ? 1 : 2
        }
        guard let lf = head[index...].firstIndex(of: ASCII.lf) else { throw .malformedRequestLine }
        guard lf > index, head[lf - 1] == ASCII.cr else { throw .malformedRequestLine }  // bare LF
        var head0 = try parseRequestLine(UnsafeBufferPointer(rebasing: head[index..<(lf - 1)]), limits: limits)

        var fields = HTTPHeaders()
        var lineStart = lf + 1
        while true {
            guard let end = head[lineStart...].firstIndex(of: ASCII.lf) else { throw .malformedHeader }
            guard end > lineStart, head[end - 1] == ASCII.cr else { throw .malformedHeader }  // bare LF
            if end - 1 == lineStart { break }  // the empty line
            // Room for this field only while fewer than `maxHeaderCount` are read, so exactly
            // that many pass. `findHeadEnd` has refused the one past it already; this keeps
            // `parse` right on its own, and `<` admits none for a limit of 0 or less where
            // `==` would have admitted any number.
            guard fields.count < limits.maxHeaderCount else { throw .tooManyHeaders }
            let (name, value) = try parseField(UnsafeBufferPointer(rebasing: head[lineStart..<(end - 1)]))
            fields.add(name, value)
            lineStart = end + 1
        }
        // The field lines with their CRLFs, as `findHeadEnd` counts them (it adds the empty line's 2).
        if lineStart - (lf + 1) > limits.maxHeaderSectionBytes { throw .headerSectionTooLarge }
        head0.headers = fields
        try applySemantics(to: &head0)
        return head0
    }

    private static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>, limits: ParserLimits) throws(HTTPParseError) -> RequestHead {
        guard let firstSpace = line.firstIndex(of: ASCII.space), firstSpace > 0 else { throw .malformedRequestLine }
        for byte in line[..<firstSpace] where !ASCII.isTokenByte(byte) { throw .malformedRequestLine }
        let targetStart = firstSpace + 1
        guard let secondSpace = line[targetStart...].firstIndex(of: ASCII.space) else {
            if line.count - targetStart > limits.maxTargetLength { throw .uriTooLong }
            throw .malformedRequestLine
        }
        let targetLength = secondSpace - targetStart
        if targetLength > limits.maxTargetLength { throw .uriTooLong }
        guard targetLength > 0 else { throw .malformedRequestLine }
        for byte in line[targetStart..<secondSpace] where !ASCII.isTargetByte(byte) { throw .malformedRequestLine }
        let minorVersion = try parseVersion(UnsafeBufferPointer(rebasing: line[(secondSpace + 1)...]))

        let method = HTTPMethod(String(decoding: UnsafeBufferPointer(rebasing: line[..<firstSpace]), as: UTF8.self))
        let target = String(decoding: UnsafeBufferPointer(rebasing: line[targetStart..<secondSpace]), as: UTF8.self)
        let (path, query) = try splitTarget(target, method: method)
        return RequestHead(
            method: method, target: target, path: path, query: query, minorVersion: minorVersion,
            headers: HTTPHeaders(), framing: .none, isKeepAlive: true, expectsContinue: false)
    }

    // HTTP-version = "HTTP/" DIGIT "." DIGIT; 1.0 and 1.1 are served, other well-formed
    // versions are 505, anything else 400.
    private static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        let prefix: [UInt8] = Array("HTTP/".utf8)
        guard bytes.count == 8, bytes.starts(with: prefix),
              ASCII.isDigit(bytes[5]), bytes[6] == UInt8(ascii: "."), ASCII.isDigit(bytes[7])
        else { throw .malformedRequestLine }
        guard bytes[5] == UInt8(ascii: "1"), bytes[7] == UInt8(ascii: "0") || bytes[7] == UInt8(ascii: "1") else {
            throw .unsupportedVersion
        }
        return Int(bytes[7] - UInt8(ascii: "0"))
    }

    // RFC 9112 §3.2: origin-form, absolute-form, or asterisk-form for OPTIONS.
    private static func splitTarget(_ target: String, method: HTTPMethod) throws(HTTPParseError) -> (String, String?) {
        // The usual origin-form target, split on bytes without String index walking.
        let utf8 = target.utf8
        if utf8.first == UInt8(ascii: "/") && !utf8.contains(UInt8(ascii: "#")) {
            guard let mark = utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, nil) }
            return (String(target[..<mark]), String(target[target.utf8.index(after: mark)...]))
        }
        var pathAndQuery = Substring(target)
        if target == "*" {
            guard method == .options else { throw .malformedRequestLine }
            return ("*", nil)
        }
        if !target.hasPrefix("/") {
            let lower = target.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { throw .malformedRequestLine }
            let afterScheme = target[target.index(target.firstIndex(of: ":")!, offsetBy: 3)...]
            // RFC 3986 §3.2: the authority ends at "/", "?" or "#", so the query of
            // "http://h?q=/a" is "q=/a" and its path is empty, read as "/".
            if let end = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
                pathAndQuery = afterScheme[end] == "/" ? afterScheme[end...] : Substring("/" + afterScheme[end...])
            } else {
                pathAndQuery = "/"
            }
        }
        guard !pathAndQuery.contains("#") else { throw .malformedRequestLine }
        if let mark = pathAndQuery.firstIndex(of: "?") {
            return (String(pathAndQuery[..<mark]), String(pathAndQuery[pathAndQuery.index(after: mark)...]))
        }
        return (String(pathAndQuery), nil)
    }

    // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). Also reads trailer fields.
    static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (String, String) {
        // A line starting with whitespace continues the previous one: obs-fold.
        if line[0] == ASCII.space || line[0] == ASCII.tab { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { throw .malformedHeader }
        // Whitespace or anything else that is not a token byte before the colon is refused
        // (RFC 9112 §5.1: "No whitespace is allowed between the field name and colon").
        for byte in line[..<colon] where !ASCII.isTokenByte(byte) { throw .malformedHeader }
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == ASCII.space || line[start] == ASCII.tab { start += 1 }
        while end > start, line[end - 1] == ASCII.space || line[end - 1] == ASCII.tab { end -= 1 }
        // field-vchar, SP and HTAB only: no NUL, no bare CR, no other control byte.
        for byte in line[start..<end] where !ASCII.isFieldValueByte(byte) { throw .malformedHeader }
        return (
            String(decoding: UnsafeBufferPointer(rebasing: line[..<colon]), as: UTF8.self),
            String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
        )
    }

    // Host, framing, persistence and expectations (RFC 9112 §3.2, §6, §9.3; RFC 9110 §10.1.1).
    private static func applySemantics(to head: inout RequestHead) throws(HTTPParseError) {
        var hosts: [String] = []
        // Whether the fields are present, even with empty values: "Content-Length:" must not
        // read as no Content-Length, or its body would be read as the next request.
        var hasContentLength = false
        var hasTransferEncoding = false
        var contentLengths: [String] = []
        var transferCodings: [String] = []
        var connectionTokens: [String] = []
        var expectations: [String] = []
        for field in head.headers {
            switch field.name.lowercased() {
            case "host": hosts.append(field.value)
            case "content-length":
                hasContentLength = true
                contentLengths.append(contentsOf: field.value.commaSeparated)
            case "transfer-encoding":
                hasTransferEncoding = true
                transferCodings.append(contentsOf: field.value.commaSeparated)
            case "connection": connectionTokens.append(contentsOf: field.value.commaSeparated.map { $0.lowercased() })
            case "expect": expectations.append(field.value.lowercased())  // every one, not the last
            default: break
            }
        }
        if hosts.count > 1 { throw .repeatedHost }
        if hosts.isEmpty && head.minorVersion == 1 { throw .missingHost }
        // RFC 9112 §3.2: 400 also for "a Host header field with an invalid field value".
        if let host = hosts.first, !host.utf8.allSatisfy(ASCII.isHostByte) { throw .malformedHeader }

        if hasTransferEncoding {
            if hasContentLength { throw .contentLengthWithTransferEncoding }
            if head.minorVersion == 0 { throw .invalidTransferEncoding }
            guard transferCodings.last?.lowercased() == "chunked" else { throw .invalidTransferEncoding }
            guard transferCodings.count == 1 else {
                // chunked twice is a framing error; any other coding before it we do not implement.
                if transferCodings.dropLast().contains(where: { $0.lowercased() == "chunked" }) { throw .invalidTransferEncoding }
                throw .unsupportedTransferCoding
            }
            head.framing = .chunked
        } else if hasContentLength {
            // Identical repeated values may be taken as one (RFC 9112 §6.3); differing ones may not.
            guard let first = contentLengths.first, contentLengths.allSatisfy({ $0 == first }),
                  let length = Self.parseContentLength(first) else {
                throw .invalidContentLength
            }
            head.framing = length == 0 ? .none : .length(length)
        }

        if head.minorVersion == 1 {
            head.isKeepAlive = !connectionTokens.contains("close")
        } else {
            head.isKeepAlive = connectionTokens.contains("keep-alive") && !connectionTokens.contains("close")
        }

        if !expectations.isEmpty {
            guard expectations.allSatisfy({ $0 == "100-continue" }) else { throw .unsupportedExpectation }
            head.expectsContinue = head.minorVersion == 1 && head.framing != .none
        }
    }

    // Content-Length = 1*DIGIT, no sign, no overflow.
    private static func parseContentLength(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy(ASCII.isDigit) else { return nil }
        return Int(text)
    }
}

extension String {
    /// The comma-separated list elements of a field value, trimmed, empty ones dropped.
    var commaSeparated: [String] {
        split(separator: ",").compactMap { element in
            let trimmed = element.trimmingASCIIWhitespace()
            return trimmed.isEmpty ? nil : String(trimmed)
        }
    }
}

extension Substring {
    func trimmingASCIIWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}

/// Byte classes of RFC 9110 and RFC 3986.
enum ASCII {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The value of a hex digit (HEXDIG, either case), or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// tchar (RFC 9110 §5.6.2).
    static func isTokenByte(_ byte: UInt8) -> Bool { tokenTable[Int(byte)] }

    /// Visible ASCII, the bytes a request target may hold.
    static func isTargetByte(_ byte: UInt8) -> Bool { byte >= 0x21 && byte <= 0x7E }

    /// The bytes of `uri-host [ ":" port ]` (RFC 3986 §3.2.2): unreserved, pct-encoded,
    /// sub-delims, and ":", "[" and "]" for the port and IP literals.
    static func isHostByte(_ byte: UInt8) -> Bool { hostTable[Int(byte)] }

    /// field-vchar, SP or HTAB (RFC 9110 §5.5), obs-text included.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || (byte >= 0x21 && byte != 0x7F)
    }

    private static let tokenTable: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        if isDigit(byte) { return true }
        if (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") { return true }
        return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }

    private static let hostTable: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        if isDigit(byte) { return true }
        if (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") { return true }
        return "-._~%!$&'()*+,;=:[]".utf8.contains(byte)
    }
}
