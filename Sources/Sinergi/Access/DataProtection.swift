internal import Crypto
internal import Foundation
public import Logging

/// Encryption of personal data at rest (NIK, phone numbers, signing secrets) under a data
/// key, and blind indexes for exact lookup without decrypting.
///
/// Two keys are derived from the 32-byte master key (`SINERGI_DATA_KEY`): one for
/// AES-256-GCM, one for HMAC-SHA256 blind indexes, so neither use weakens the other.
public struct DataProtection: Sendable {
    private let encryptionKey: [UInt8]
    private let indexKey: [UInt8]

    /// Keys derived from a 32-byte master key.
    public init(masterKey: [UInt8]) {
        precondition(masterKey.count == 32, "the data key must be 32 bytes")
        encryptionKey = KeyDerivation.hmacSHA256Derive(key: masterKey, label: "sinergi/personal-data/aes-256-gcm/v1")
        indexKey = KeyDerivation.hmacSHA256Derive(key: masterKey, label: "sinergi/personal-data/blind-index/v1")
    }

    /// Encrypts `text`; the result holds nonce, ciphertext and tag.
    public func seal(_ text: String) -> [UInt8] {
        // Cannot fail: the key is 32 bytes and the nonce is generated.
        (try? AES256GCM.seal(Array(text.utf8), key: encryptionKey)) ?? []
    }

    /// Decrypts what `seal` made; throws when it was altered or sealed under another key.
    public func open(_ box: [UInt8]) throws -> String {
        String(decoding: try AES256GCM.open(box, key: encryptionKey), as: UTF8.self)
    }

    /// Encrypts bytes, such as a stored response that holds personal data.
    public func seal(bytes: [UInt8]) -> [UInt8] {
        (try? AES256GCM.seal(bytes, key: encryptionKey)) ?? []
    }

    /// Decrypts what `seal(bytes:)` made.
    public func open(bytes box: [UInt8]) throws -> [UInt8] {
        try AES256GCM.open(box, key: encryptionKey)
    }

    /// HMAC of bytes under the index key, for digests of requests that may hold personal data.
    public func digest(_ bytes: [UInt8]) -> [UInt8] {
        HMAC.sha256(key: indexKey, message: bytes)
    }

    /// HMAC of a normalised value, for uniqueness and exact lookup.
    public func blindIndex(_ normalizedValue: String) -> [UInt8] {
        HMAC.sha256(key: indexKey, message: Array(normalizedValue.utf8))
    }

    /// The data key from `SINERGI_DATA_KEY` (base64 of 32 bytes). Without one, `--production`
    /// refuses to start, and so does a PostgreSQL database; otherwise a key is generated once
    /// into `data.key` beside the SQLite database, with a warning, so development needs no setup.
    public static func load(config: Config, logger: Logger) throws(ConfigError) -> DataProtection {
        if let encoded = config.dataKey {
            guard let key = Data(base64Encoded: encoded), key.count == 32 else {
                throw ConfigError(key: "SINERGI_DATA_KEY", reason: "must be the base64 of exactly 32 bytes")
            }
            return DataProtection(masterKey: Array(key))
        }
        if config.production {
            throw ConfigError(key: "SINERGI_DATA_KEY", reason: "is required with --production (base64 of 32 random bytes)")
        }
        guard case .sqlite(let path) = config.databaseLocation else {
            // A key generated per node would encrypt each node's rows under a different key.
            throw ConfigError(key: "SINERGI_DATA_KEY", reason: "is required with a PostgreSQL database: every node must use the same key")
        }
        let file = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("data.key")
        if let existing = try? Data(contentsOf: file), let key = Data(base64Encoded: existing), key.count == 32 {
            logger.warning("using the development data key; set SINERGI_DATA_KEY in production", metadata: ["file": "\(file.path)"])
            return DataProtection(masterKey: Array(key))
        }
        let key = SecureRandom.bytes(32)
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(Data(key).base64EncodedString().utf8).write(to: file, options: .withoutOverwriting)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        } catch {
            throw ConfigError(key: "SINERGI_DATA_KEY", reason: "none given and \(file.path) cannot be written")
        }
        logger.warning("generated a development data key; set SINERGI_DATA_KEY in production", metadata: ["file": "\(file.path)"])
        return DataProtection(masterKey: key)
    }
}
