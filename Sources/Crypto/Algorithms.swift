internal import COpenSSL

/// OpenSSL 3's algorithm objects, fetched once for the process.
///
/// `EVP_sha256()`, `EVP_aes_256_gcm()` and `EVP_Q_mac(…, "HMAC", …)` look the algorithm up
/// again on every call (an "implicit fetch": a locked search of the provider's method store),
/// which OpenSSL's performance guide (openssl-guide-libcrypto-introduction, "Performance")
/// advises against for repeated operations. Fetched objects are immutable and may be used
/// from any thread; they are never freed, as they live as long as the process.
enum Algorithms {
    nonisolated(unsafe) static let sha256: OpaquePointer = fetched(EVP_MD_fetch(nil, "SHA2-256", nil), "SHA2-256")
    nonisolated(unsafe) static let aes256GCM: OpaquePointer = fetched(EVP_CIPHER_fetch(nil, "AES-256-GCM", nil), "AES-256-GCM")
    nonisolated(unsafe) static let hmac: OpaquePointer = fetched(EVP_MAC_fetch(nil, "HMAC", nil), "HMAC")

    /// The default provider has all three; without them nothing here can work at all.
    private static func fetched(_ algorithm: OpaquePointer?, _ name: String) -> OpaquePointer {
        guard let algorithm else { fatalError("OpenSSL has no \(name) in its default provider") }
        return algorithm
    }
}
