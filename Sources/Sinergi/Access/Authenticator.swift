internal import Crypto
internal import Foundation
public import HTTPServer
internal import Logging
internal import SQLite
internal import Synchronization

/// Turns a request's credentials into a `Principal`: `Authorization: Bearer snrg_…`, or the
/// BPJS bridging signature (`X-Cons-Id`, `X-Timestamp`, `X-Signature`) for keys that allow it.
///
/// Usable keys live in memory, loaded at start and updated by the key endpoints of this
/// process, so a check costs no database round trip and a revocation counts from the next
/// request.
public final class Authenticator: Sendable {
    private let database: DatabasePool
    private let protection: DataProtection
    private let logger: Logger
    private let keys = Mutex<[String: StoredKey]>([:])
    // Monotonic second a key's last_used_at was last written: written at most once a minute.
    private let touched = Mutex<[Int64: Int]>([:])

    /// Signed requests more than this many seconds from our clock are refused.
    static let signatureWindowSeconds = 300

    init(database: DatabasePool, protection: DataProtection, logger: Logger) {
        self.database = database
        self.protection = protection
        self.logger = logger
    }

    /// Loads every usable key.
    func load() throws {
        let rows = try database.readSync { connection in try APIKeyRepository.usable(connection) }
        let loaded = rows.map(stored)
        keys.withLock { keys in
            keys = Dictionary(uniqueKeysWithValues: loaded.map { ($0.keyID, $0) })
        }
    }

    /// Makes a newly created key usable.
    func add(_ row: StoredKeyRow) {
        let key = stored(row)
        keys.withLock { $0[key.keyID] = key }
    }

    /// Forgets a revoked key.
    func remove(keyID: String) {
        _ = keys.withLock { $0.removeValue(forKey: keyID) }
    }

    /// The caller, or `AppError.unauthenticated`.
    public func authenticate(_ request: Request) async throws(AppError) -> Principal {
        let key: StoredKey
        if let authorization = request.headers["Authorization"] {
            key = try await bearer(authorization)
        } else if let consumer = request.headers["X-Cons-Id"] {
            key = try await signed(consumer: consumer, request: request)
        } else {
            throw .unauthenticated
        }
        // A key bound to a client certificate is worth nothing without it.
        if let bound = key.clientCertificateSHA256, bound != request.clientCertificateSHA256 {
            throw .unauthenticated
        }
        noteUse(key.id)
        return key.principal
    }

    private func bearer(_ authorization: String) async throws(AppError) -> StoredKey {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let token = APIKeyToken(parsing: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let key = await key(token.keyID),
              ConstantTime.equals(token.secretHash, key.secretHash)
        else { throw .unauthenticated }
        return key
    }

    /// The key from memory, or from the database when another process (`sinergi keys
    /// create`) added it since this one loaded.
    private func key(_ keyID: String) async -> StoredKey? {
        if let key = keys.withLock({ $0[keyID] }) { return key }
        guard APIKeyToken.isKeyID(keyID),
              let row = try? await database.read({ connection in try APIKeyRepository.usable(connection, keyID: keyID) })
        else { return nil }
        let key = stored(row)
        keys.withLock { $0[keyID] = key }
        return key
    }

    // base64(HMAC-SHA256(secret, cons_id + "&" + timestamp)), as BPJS Kesehatan's bridging APIs.
    private func signed(consumer: String, request: Request) async throws(AppError) -> StoredKey {
        guard let timestampText = request.headers["X-Timestamp"], let timestamp = Int(timestampText),
              let signatureText = request.headers["X-Signature"], let signature = Data(base64Encoded: signatureText),
              let key = await key(consumer), let secret = key.signingSecret
        else { throw .unauthenticated }
        guard abs(Timestamp.epochSeconds() - timestamp) <= Self.signatureWindowSeconds else { throw .unauthenticated }
        let expected = HMAC.sha256(key: Array(secret.utf8), message: Array("\(consumer)&\(timestampText)".utf8))
        guard ConstantTime.equals(expected, Array(signature)) else { throw .unauthenticated }
        return key
    }

    private func noteUse(_ id: Int64) {
        let now = Int(ProcessInfo.processInfo.systemUptime)
        let isDue = touched.withLock { touched in
            if let last = touched[id], now - last < 60 { return false }
            touched[id] = now
            return true
        }
        guard isDue else { return }
        let stamp = Timestamp.now()
        Task { [database, logger] in
            do {
                try await database.write { connection in try APIKeyRepository.touch(connection, id: id, now: stamp) }
            } catch {
                logger.warning("cannot record api key use", metadata: ["api_key_id": "\(id)"])
            }
        }
    }

    private func stored(_ row: StoredKeyRow) -> StoredKey {
        StoredKey(
            id: row.id, keyID: row.keyID, role: row.role, organizationID: row.organizationID, secretHash: row.secretHash,
            signingSecret: row.sealedSecret.flatMap { try? protection.open($0) },
            clientCertificateSHA256: row.clientCertificateSHA256)
    }
}
