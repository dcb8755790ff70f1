internal import CSSL
internal import Glibc

/// One server-side TLS connection over a non-blocking socket. OpenSSL does the system calls
/// itself (`SSL_set_fd`); every call returns at once, saying whether it needs the socket
/// readable or writable to go on. Confined to one thread, like the connection that owns it.
public final class TLSSession {
    /// What a read or write did.
    public enum Outcome: Equatable {
        /// This many bytes were read or written.
        case bytes(Int)
        /// Try again once the socket is readable (even when writing: TLS may need to read).
        case wantRead
        /// Try again once the socket is writable (even when reading).
        case wantWrite
        /// The peer closed the connection, with or without close_notify.
        case closed
        /// A protocol or socket error; the connection is unusable.
        case failed
    }

    /// What a handshake step did.
    public enum HandshakeOutcome: Equatable {
        case complete
        case wantRead
        case wantWrite
        /// The handshake failed; `reason` is a metric label such as `plain_http`,
        /// `unsupported_protocol` or `peer_did_not_return_a_certificate`.
        case failed(reason: String)
    }

    private let ssl: OpaquePointer

    /// A session for the accepted socket `descriptor`; nil when OpenSSL cannot allocate one.
    public init?(context: TLSContext, descriptor: Int32) {
        guard let ssl = SSL_new(context.context) else { return nil }
        guard SSL_set_fd(ssl, descriptor) == 1 else {
            SSL_free(ssl)
            return nil
        }
        SSL_set_accept_state(ssl)
        self.ssl = ssl
    }

    deinit {
        SSL_free(ssl)
    }

    /// Advances the handshake.
    public func handshake() -> HandshakeOutcome {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .complete }
        let error = SSL_get_error(ssl, result)
        switch error {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_SYSCALL:
            ERR_clear_error()
            return .failed(reason: errno == 0 || errno == ECONNRESET || errno == EPIPE ? "eof" : "socket_error")
        default:
            let code = ERR_peek_last_error()
            ERR_clear_error()
            if cssl_error_reason(code) == cssl_reason_http_request() { return .failed(reason: "plain_http") }
            guard code != 0, let text = ERR_reason_error_string(code) else { return .failed(reason: "protocol_error") }
            return .failed(reason: Self.label(String(cString: text)))
        }
    }

    /// Reads decrypted bytes into `buffer`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Outcome {
        ERR_clear_error()
        errno = 0
        let result = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        if result > 0 { return .bytes(Int(result)) }
        return outcome(of: result)
    }

    /// Encrypts and sends bytes from `buffer`; partial writes are allowed.
    public func write(_ buffer: UnsafeRawBufferPointer) -> Outcome {
        ERR_clear_error()
        errno = 0
        let result = SSL_write(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        if result > 0 { return .bytes(Int(result)) }
        return outcome(of: result)
    }

    /// Whether decrypted bytes wait inside OpenSSL: the socket may report nothing to read
    /// while they do, so the caller must read again without waiting for epoll.
    public var hasBufferedInput: Bool { SSL_pending(ssl) > 0 }

    /// Sends close_notify once, without waiting for the peer's.
    public func sendCloseNotify() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// The negotiated protocol, e.g. `TLSv1.3`.
    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// Lowercase hex SHA-256 of the client certificate's DER bytes, when one was presented
    /// and verified against the client CA; else nil.
    public var peerCertificateSHA256: String? {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        guard SSL_get_verify_result(ssl) == X509_V_OK else { return nil }
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_X509(certificate, &cursor)
        }
        guard written == length else { return nil }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var digestLength: UInt32 = 0
        guard EVP_Digest(der, der.count, &digest, &digestLength, EVP_sha256(), nil) == 1 else { return nil }
        return digest.prefix(Int(digestLength)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    private func outcome(of result: Int32) -> Outcome {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        case SSL_ERROR_SYSCALL:
            // OpenSSL 3 reports an EOF without close_notify as SSL_ERROR_SSL with
            // SSL_R_UNEXPECTED_EOF_WHILE_READING; older paths report SYSCALL with errno 0.
            ERR_clear_error()
            return errno == 0 || errno == ECONNRESET ? .closed : .failed
        default:
            // A peer gone without close_notify is an end of stream, as over plain TCP, so a
            // half-closed client still gets its answer.
            let isEOF = cssl_error_reason(ERR_peek_error()) == cssl_reason_unexpected_eof()
            ERR_clear_error()
            return isEOF ? .closed : .failed
        }
    }

    // "peer did not return a certificate" → "peer_did_not_return_a_certificate"
    private static func label(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
