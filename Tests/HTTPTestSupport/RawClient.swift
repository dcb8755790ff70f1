import CSSL
import Foundation
import Glibc

/// A blocking TCP client for tests that need exact bytes on the wire: malformed requests,
/// pipelining, partial heads. Every read is bounded by a receive timeout, so a server that
/// hangs fails the test instead of hanging it.
public final class RawClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// A parsed response.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// What a TLS client offers and checks.
    public struct TLSOptions: Sendable {
        public var caFile: String
        public var certificate: String?
        public var key: String?
        /// e.g. `TLSOptions.tls12`; nil leaves OpenSSL's default.
        public var minVersion: Int32?
        public var maxVersion: Int32?

        public init(caFile: String, certificate: String? = nil, key: String? = nil, minVersion: Int32? = nil, maxVersion: Int32? = nil) {
            self.caFile = caFile
            self.certificate = certificate
            self.key = key
            self.minVersion = minVersion
            self.maxVersion = maxVersion
        }

        public static var tls10: Int32 { TLS1_VERSION }
        public static var tls11: Int32 { TLS1_1_VERSION }
        public static var tls12: Int32 { TLS1_2_VERSION }
        public static var tls13: Int32 { TLS1_3_VERSION }
    }

    public let fd: Int32
    private var buffer: [UInt8] = []
    private var context: OpaquePointer?
    private var ssl: OpaquePointer?

    /// SHA-256 of the server's certificate (DER), lowercase hex, or nil for plain TCP.
    public var serverCertificateSHA256: String? {
        guard let ssl, let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        var cursor: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(certificate, &cursor)
        guard length > 0, let der = cursor else { return nil }
        defer { CRYPTO_free(der, #file, #line) }
        var digest = [UInt8](repeating: 0, count: 32)
        var digestLength: UInt32 = 0
        EVP_Digest(der, Int(length), &digest, &digestLength, EVP_sha256(), nil)
        return digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The negotiated TLS version (`TLSv1.3`), or nil for plain TCP.
    public var tlsVersion: String? { ssl.map { String(cString: SSL_get_version($0)) } }

    /// Connects to 127.0.0.1:`port`, with a TLS handshake when `tls` is given; reads wait at
    /// most `timeout`. A refused handshake throws `Failure` with OpenSSL's reason.
    /// `receiveBuffer` fixes the socket's receive buffer (SO_RCVBUF, which the kernel
    /// doubles), so a client that stops reading holds a known amount instead of what
    /// autotuning grows to.
    public init(port: Int, timeout: Duration = .seconds(5), tls: TLSOptions? = nil, receiveBuffer: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        if var size = receiveBuffer.map(Int32.init) {
            // Before connect, so the window offered in the handshake already fits it.
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect failed: errno \(code)")
        }
        let (seconds, attoseconds) = timeout.components
        var interval = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        if let tls { try handshake(tls) }
    }

    deinit {
        if let ssl { SSL_free(ssl) }
        if let context { SSL_CTX_free(context) }
        Glibc.close(fd)
    }

    private func handshake(_ options: TLSOptions) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw Failure(description: "SSL_CTX_new failed") }
        self.context = context
        // Let the client offer old versions when asked to, so the server is what refuses them.
        SSL_CTX_set_security_level(context, 0)
        _ = SSL_CTX_set_cipher_list(context, "DEFAULT:@SECLEVEL=0")
        if let minVersion = options.minVersion { _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(minVersion), nil) }
        if let maxVersion = options.maxVersion { _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, Int(maxVersion), nil) }
        guard SSL_CTX_load_verify_locations(context, options.caFile, nil) == 1 else { throw Failure(description: "cannot load CA") }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let certificate = options.certificate, let key = options.key {
            guard SSL_CTX_use_certificate_file(context, certificate, SSL_FILETYPE_PEM) == 1,
                  SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                throw Failure(description: "cannot load client certificate")
            }
        }
        guard let ssl = SSL_new(context) else { throw Failure(description: "SSL_new failed") }
        self.ssl = ssl
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1")
        SSL_set_fd(ssl, fd)
        ERR_clear_error()
        guard SSL_connect(ssl) == 1 else {
            let code = ERR_get_error()
            let reason = code == 0 ? "connection closed" : String(cString: ERR_reason_error_string(code))
            throw Failure(description: "TLS handshake failed: \(reason)")
        }
        // With TLS 1.3 a refused client certificate arrives as an alert on the first read.
    }

    /// recv or SSL_read: >0 bytes, 0 end of stream, -1 error with errno set.
    private func receive(_ chunk: inout [UInt8]) -> Int {
        guard let ssl else { return chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } }
        ERR_clear_error()
        let count = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        if count > 0 { return Int(count) }
        switch SSL_get_error(ssl, count) {
        case SSL_ERROR_ZERO_RETURN: return 0
        case SSL_ERROR_SYSCALL: return errno == 0 ? 0 : -1
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            errno = EAGAIN
            return -1
        default:
            // An alert from the server (a refused certificate, say) ends the stream too.
            errno = ECONNRESET
            return -1
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { pointer -> Int in
                if let ssl { return Int(SSL_write(ssl, pointer.baseAddress! + offset, Int32(pointer.count - offset))) }
                return Glibc.send(fd, pointer.baseAddress! + offset, pointer.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += written
        }
    }

    /// Reads one response; for a response to HEAD pass `isHead` so no body is expected.
    public func readResponse(isHead: Bool = false) throws -> Response {
        let headEnd = try readUntil { Self.find([13, 10, 13, 10], in: $0) }
        let headText = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(headText)")
        }
        let headers = lines.map { line -> (name: String, value: String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        var response = Response(status: status, headers: headers, body: [])
        if isHead || status < 200 || status == 204 || status == 304 { return response }
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            response.body = try readChunkedBody()
        } else if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText) else { throw Failure(description: "bad Content-Length \(lengthText)") }
            response.body = try read(count: length)
        } else {
            // RFC 9112 §6.3: neither framing field, so the body ends when the server closes.
            response.body = try readToEnd()
        }
        return response
    }

    /// Reads a chunked body to its last chunk; throws when the connection ends before it,
    /// so a truncated body cannot pass for a complete one.
    private func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try readUntil { Self.find([13, 10], in: $0) }
            let line = String(decoding: buffer[0..<lineEnd], as: UTF8.self)
            buffer.removeFirst(lineEnd + 2)
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText, radix: 16) else { throw Failure(description: "bad chunk size line \(line)") }
            if size == 0 {
                // No trailer fields expected: the empty line ends the body.
                let trailerEnd = try readUntil { Self.find([13, 10], in: $0) }
                guard trailerEnd == 0 else { throw Failure(description: "unexpected trailer fields") }
                buffer.removeFirst(2)
                return body
            }
            body += try read(count: size)
            guard try read(count: 2) == [13, 10] else { throw Failure(description: "chunk not followed by CRLF") }
        }
    }

    /// Reads exactly `count` bytes of the stream, whatever they are.
    public func read(count: Int) throws -> [UInt8] {
        _ = try readUntil { $0.count >= count ? count : nil }
        defer { buffer.removeFirst(count) }
        return Array(buffer[0..<count])
    }

    /// Reads everything until the server closes; a reset or a timeout throws, so only a clean
    /// end of stream counts as the end.
    public func readToEnd() throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = receive(&chunk)
            if count == 0 {
                defer { buffer = [] }
                return buffer
            }
            if count < 0 { throw Failure(description: "recv failed or timed out: errno \(errno)") }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Whether the server has sent something (or closed) that is not read yet, without waiting.
    public var hasPendingInput: Bool {
        if !buffer.isEmpty { return true }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    /// Whether the server closed the connection: a read returns end of stream before the
    /// timeout (a reset counts as closed too). Buffered bytes are discarded.
    public func waitForClose() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = receive(&chunk)
            if count == 0 { return true }
            if count < 0 {
                if errno == ECONNRESET { return true }
                if errno == EAGAIN || errno == EWOULDBLOCK { return false }
                throw Failure(description: "recv failed: errno \(errno)")
            }
        }
    }

    /// Sends a request with `Host` and returns the response, on this connection.
    public func request(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" { head += "Content-Length: \(body.count)\r\n" }
        try send(Array((head + "\r\n").utf8) + body)
        return try readResponse(isHead: method == "HEAD")
    }

    private func readUntil(_ found: ([UInt8]) -> Int?) throws -> Int {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let index = found(buffer) { return index }
            let count = receive(&chunk)
            if count == 0 { throw Failure(description: "connection closed with \(buffer.count) bytes unread") }
            if count < 0 { throw Failure(description: "recv failed or timed out: errno \(errno)") }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
