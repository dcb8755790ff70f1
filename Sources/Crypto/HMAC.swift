internal import COpenSSL

/// HMAC (RFC 2104) over OpenSSL's EVP_MAC interface.
public enum HMAC {
    /// HMAC-SHA256 of `message` under `key`: 32 bytes. Keys of any length work, including empty.
    ///
    /// Compare tags with `ConstantTime.equals`, never `==`.
    public static func sha256(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        // EVP_MAC_init reads a NULL key as "no key given" rather than "empty key", so an empty
        // key still goes in as a real pointer (to one unused byte) with length 0.
        let keyStorage = key.isEmpty ? [0] : key
        var mac = [UInt8](repeating: 0, count: SHA256.byteCount)
        var length = 0
        let context = EVP_MAC_CTX_new(Algorithms.hmac)
        defer { EVP_MAC_CTX_free(context) }
        let ok = "digest".withCString { name in
            "SHA2-256".withCString { digest in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return keyStorage.withUnsafeBufferPointer { keyBuffer in
                    EVP_MAC_init(context, keyBuffer.baseAddress, key.count, &parameters)
                }
            }
        } == 1
            && message.withByteBuffer { EVP_MAC_update(context, $0.baseAddress, $0.count) } == 1
            && mac.withUnsafeMutableBufferPointer { EVP_MAC_final(context, $0.baseAddress, &length, $0.count) } == 1
        // With a built-in digest and a large enough buffer, these fail only when OpenSSL
        // cannot allocate, and a MAC that silently came back short would be a security bug.
        precondition(context != nil && ok && length == SHA256.byteCount, "HMAC-SHA256 failed")
        return mac
    }
}
