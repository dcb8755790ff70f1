internal import COpenSSL

/// SHA-256 over OpenSSL's EVP interface.
public enum SHA256 {
    /// The length of a digest in bytes.
    public static let byteCount = 32

    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withByteBuffer { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, Algorithms.sha256, nil)
            }
        }
        // EVP_Digest fails only on allocation failure inside OpenSSL.
        precondition(ok == 1 && Int(length) == byteCount, "EVP_Digest(SHA-256) failed")
        return Array(digest.prefix(byteCount))
    }

    /// The digest of `bytes` as lowercase hex.
    public static func hexDigest(_ bytes: some Collection<UInt8>) -> String {
        hash(bytes).hexString
    }
}
