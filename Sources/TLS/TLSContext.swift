internal import CSSL
internal import Glibc

/// Whether clients must present a certificate.
public enum ClientAuthentication: String, Sendable, CaseIterable {
    /// No certificate is asked for.
    case none
    /// A certificate is asked for; one that is presented must verify against the client CA.
    case optional
    /// The handshake fails without a certificate that verifies against the client CA.
    case required
}

/// Why a TLS configuration could not be loaded. Names the file and OpenSSL's reason, never
/// key material.
public struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which setting is at fault: `cert`, `key` or `client_ca`.
    public let setting: String
    public let reason: String

    public var description: String { "\(setting): \(reason)" }
}

/// A server-side TLS configuration: certificate chain, private key, optional client CA,
/// protocol and cipher policy. Immutable once made, and shared by every connection that
/// starts while it is current (SSL_CTX is safe to use from several threads once set up).
public final class TLSContext: @unchecked Sendable {
    // @unchecked: the SSL_CTX is configured in init and only read afterwards.
    let context: OpaquePointer
    /// What this context asks of clients.
    public let clientAuthentication: ClientAuthentication

    /// Loads and checks the files.
    ///
    /// TLS 1.2 and 1.3 only; for 1.2, ECDHE key exchange with AEAD ciphers only; ALPN
    /// `http/1.1`; server-side session cache and TLS 1.3 tickets for resumption.
    ///
    /// - Throws: `TLSError` naming the setting whose file is missing, unreadable or does
    ///   not match.
    public init(
        certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil,
        clientAuthentication: ClientAuthentication = .none
    ) throws(TLSError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError(setting: "cert", reason: "OpenSSL could not create a context: \(Self.lastError())")
        }
        self.context = context
        self.clientAuthentication = clientAuthentication
        cssl_configure_server(context)
        guard cssl_set_protocol_range(context, TLS1_2_VERSION, TLS1_3_VERSION) == 1 else {
            throw TLSError(setting: "cert", reason: "cannot limit protocols to TLS 1.2-1.3: \(Self.lastError())")
        }
        // TLS 1.2: forward secrecy and AEAD only. TLS 1.3 suites are all AEAD already.
        guard SSL_CTX_set_cipher_list(context, "ECDHE+AESGCM:ECDHE+CHACHA20") == 1 else {
            throw TLSError(setting: "cert", reason: "cipher policy rejected: \(Self.lastError())")
        }
        _ = cssl_set_tmp_ecdh_auto(context)
        cssl_enable_alpn_http11(context)
        let sessionContext: [UInt8] = Array("sinergi".utf8)
        _ = SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count))

        try Self.requireReadable(certificateChainPath, setting: "cert")
        try Self.requireReadable(privateKeyPath, setting: "key")
        ERR_clear_error()
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainPath) == 1 else {
            throw TLSError(setting: "cert", reason: "\(certificateChainPath) is not a PEM certificate chain (\(Self.lastError()))")
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError(setting: "key", reason: "\(privateKeyPath) is not a PEM private key (\(Self.lastError()))")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSError(setting: "key", reason: "\(privateKeyPath) does not match the certificate in \(certificateChainPath)")
        }

        if clientAuthentication != .none {
            guard let clientCAPath else {
                throw TLSError(setting: "client_ca", reason: "client_auth \(clientAuthentication.rawValue) needs a client CA bundle")
            }
            try Self.requireReadable(clientCAPath, setting: "client_ca")
            guard SSL_CTX_load_verify_locations(context, clientCAPath, nil) == 1,
                  let names = SSL_load_client_CA_file(clientCAPath) else {
                throw TLSError(setting: "client_ca", reason: "\(clientCAPath) is not a PEM CA bundle (\(Self.lastError()))")
            }
            SSL_CTX_set_client_CA_list(context, names)
            let mode = clientAuthentication == .required ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER
            SSL_CTX_set_verify(context, mode, nil)
        }
    }

    deinit {
        SSL_CTX_free(context)
    }

    /// Whether the key file can be read by users other than its owner (a warning, not an error).
    public static func isWorldReadable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & S_IROTH != 0
    }

    private static func requireReadable(_ path: String, setting: String) throws(TLSError) {
        guard access(path, R_OK) == 0 else {
            throw TLSError(setting: setting, reason: "cannot read \(path)")
        }
    }

    /// OpenSSL's reason for the last failure on this thread, and clears the queue.
    static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0, let reason = ERR_reason_error_string(code) else { return "unknown error" }
        return String(cString: reason)
    }
}
