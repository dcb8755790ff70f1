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

extension SHA256 {
    /// A digest fed piece by piece, for data too large to hold at once (an uploaded file).
    public final class Hasher {
        private let context: OpaquePointer

        public init() {
            // Fails only on allocation failure inside OpenSSL.
            context = EVP_MD_CTX_new()!
            precondition(EVP_DigestInit_ex(context, Algorithms.sha256, nil) == 1, "EVP_DigestInit_ex(SHA-256) failed")
        }

        deinit { EVP_MD_CTX_free(context) }

        public func update(_ bytes: some Collection<UInt8>) {
            let ok = bytes.withByteBuffer { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
            precondition(ok == 1, "EVP_DigestUpdate failed")
        }

        /// The digest of everything given; the hasher is spent afterwards.
        public func finish() -> [UInt8] {
            var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            let ok = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
            precondition(ok == 1 && Int(length) == byteCount, "EVP_DigestFinal_ex failed")
            return Array(digest.prefix(byteCount))
        }
    }
}
