/// Derives independent sub-keys from one master key.
public enum KeyDerivation {
    /// HMAC-SHA256(`key`, UTF-8 `label`): a 32-byte sub-key, distinct for each label.
    ///
    /// A simple KDF, sound only because the master `key` is already 32 uniformly random bytes
    /// (HKDF's expand step with one block and no salt). Do not feed it passwords or short keys.
    public static func hmacSHA256Derive(key: [UInt8], label: String) -> [UInt8] {
        HMAC.sha256(key: key, message: Array(label.utf8))
    }
}
