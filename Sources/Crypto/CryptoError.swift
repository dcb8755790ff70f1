/// A failed cryptographic operation; it never carries key material, plaintext or ciphertext.
public enum CryptoError: Error, Sendable, Equatable {
    /// The key is not the length the algorithm needs (32 bytes for AES-256-GCM).
    case invalidKeyLength
    /// The nonce is not the length the algorithm needs (12 bytes for AES-256-GCM).
    case invalidNonceLength
    /// The box, tag, key or associated data does not authenticate; nothing was decrypted.
    case authenticationFailed
    /// OpenSSL refused a call; the string names the call, e.g. "EVP_EncryptInit_ex".
    case operationFailed(String)
}
