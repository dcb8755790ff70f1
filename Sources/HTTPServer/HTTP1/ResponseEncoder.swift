/// Writes a response head and body into one buffer, so it leaves in one write; for a
/// streamed body, the head and then each piece as a chunk.
enum ResponseEncoder {
    static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    /// The last chunk of a chunked body, with no trailer fields (RFC 9112 §7.1).
    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// Appends `response` to `buffer`, adding `Date`, `Content-Length`, `X-Request-Id` and
    /// `Connection`. For HEAD, the length of the body that GET would send is given, but
    /// not the body.
    ///
    /// A streamed response gets only its head here: with `Transfer-Encoding: chunked` for
    /// HTTP/1.1 (HEAD included, as GET would send it), and no framing field for HTTP/1.0,
    /// whose body ends when the connection closes (the caller passes `closing`).
    static func encode(
        _ response: Response, requestID: String, isHead: Bool, minorVersion: Int, closing: Bool,
        date: [UInt8], into buffer: inout [UInt8]
    ) {
        let status = response.status
        buffer.reserveCapacity(buffer.count + 160 + response.body.count)
        buffer.append(contentsOf: minorVersion == 0 ? http10 : http11)
        buffer.append(contentsOf: String(status.code).utf8)
        buffer.append(space)
        buffer.append(contentsOf: status.reasonPhrase.utf8)
        buffer.append(contentsOf: crlf)
        var hasContentType = false
        for field in response.headers {
            // The server owns framing and persistence.
            let name = field.name
            if name.isEqualCaseInsensitive(to: "Content-Length") || name.isEqualCaseInsensitive(to: "Connection")
                || name.isEqualCaseInsensitive(to: "Transfer-Encoding") || name.isEqualCaseInsensitive(to: "X-Request-Id")
                || name.isEqualCaseInsensitive(to: "Date") {
                continue
            }
            if !hasContentType && name.isEqualCaseInsensitive(to: "Content-Type") { hasContentType = true }
            append(name, field.value, to: &buffer)
        }
        if !hasContentType && status.allowsBody {
            buffer.append(contentsOf: defaultContentType)
        }
        if status.allowsBody && response.stream != nil {
            if minorVersion == 1 { buffer.append(contentsOf: transferEncodingChunked) }
        } else if status.allowsBody {
            buffer.append(contentsOf: contentLength)
            buffer.append(contentsOf: String(response.body.count).utf8)
            buffer.append(contentsOf: crlf)
        }
        buffer.append(contentsOf: dateName)
        buffer.append(contentsOf: date)
        buffer.append(contentsOf: crlf)
        append("X-Request-Id", requestID, to: &buffer)
        // Every answer, errors included: browsers must not guess a JSON body is HTML.
        buffer.append(contentsOf: noSniff)
        if closing {
            buffer.append(contentsOf: connectionClose)
        } else if minorVersion == 0 {
            buffer.append(contentsOf: connectionKeepAlive)
        }
        buffer.append(contentsOf: crlf)
        if !isHead && status.allowsBody && response.stream == nil {
            buffer.append(contentsOf: response.body)
        }
    }

    /// Appends `piece` as one chunk: its size in hex, CRLF, the bytes, CRLF (RFC 9112 §7.1).
    /// An empty piece would read as the last chunk, so the caller never passes one.
    static func appendChunk(_ piece: [UInt8], to buffer: inout [UInt8]) {
        precondition(!piece.isEmpty, "an empty chunk ends the body")
        buffer.append(contentsOf: String(piece.count, radix: 16).utf8)
        buffer.append(contentsOf: crlf)
        buffer.append(contentsOf: piece)
        buffer.append(contentsOf: crlf)
    }

    private static func append(_ name: String, _ value: String, to buffer: inout [UInt8]) {
        // A handler must never be able to split the response: drop CR and LF from names
        // and values alike.
        appendWithoutLineBreaks(name, to: &buffer)
        buffer.append(contentsOf: colonSpace)
        appendWithoutLineBreaks(value, to: &buffer)
        buffer.append(contentsOf: crlf)
    }

    private static func appendWithoutLineBreaks(_ text: String, to buffer: inout [UInt8]) {
        let utf8 = text.utf8
        if !utf8.contains(0x0D) && !utf8.contains(0x0A) {
            buffer.append(contentsOf: utf8)  // the usual case, copied at once
            return
        }
        for byte in utf8 where byte != 0x0D && byte != 0x0A { buffer.append(byte) }
    }

    private static let http11 = Array("HTTP/1.1 ".utf8)
    private static let http10 = Array("HTTP/1.0 ".utf8)
    private static let space = UInt8(ascii: " ")
    private static let crlf = Array("\r\n".utf8)
    private static let colonSpace = Array(": ".utf8)
    private static let contentLength = Array("Content-Length: ".utf8)
    private static let transferEncodingChunked = Array("Transfer-Encoding: chunked\r\n".utf8)
    private static let dateName = Array("Date: ".utf8)
    private static let defaultContentType = Array("Content-Type: text/plain; charset=utf-8\r\n".utf8)
    private static let noSniff = Array("X-Content-Type-Options: nosniff\r\n".utf8)
    private static let connectionClose = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive = Array("Connection: keep-alive\r\n".utf8)
}
