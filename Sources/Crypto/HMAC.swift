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
        let result = keyStorage.withUnsafeBufferPointer { keyBuffer in
            message.withByteBuffer { messageBuffer in
                mac.withUnsafeMutableBufferPointer { output in
                    EVP_Q_mac(
                        nil, "HMAC", nil, "SHA256", nil,
                        keyBuffer.baseAddress, key.count,
                        messageBuffer.baseAddress, messageBuffer.count,
                        output.baseAddress, output.count, &length
                    )
                }
            }
        }
        // With a built-in digest and a large enough buffer, EVP_Q_mac fails only when OpenSSL
        // cannot allocate, and a MAC that silently came back short would be a security bug.
        precondition(result != nil && length == SHA256.byteCount, "EVP_Q_mac(HMAC-SHA256) failed")
        return mac
    }
}
