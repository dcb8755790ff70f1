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
    /// Usable keys by key id. `generation` changes with every key added or revoked here, so
    /// a reload that read the table before such a change does not undo it.
    private struct Cache {
        var keys: [String: StoredKey] = [:]
        var generation = 0
        var lastReload = -Double.infinity
    }
    private let cache = Mutex(Cache())
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
        let loaded = keyMap(rows)
        cache.withLock { $0.keys = loaded }
    }

    /// Makes a newly created key usable.
    func add(_ row: StoredKeyRow) {
        let key = stored(row)
        cache.withLock { cache in
            cache.keys[key.keyID] = key
            cache.generation += 1
        }
    }

    /// Forgets a revoked key.
    func remove(keyID: String) {
        cache.withLock { cache in
            cache.keys.removeValue(forKey: keyID)
            cache.generation += 1
        }
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

    /// Without spaces and tabs (RFC 9110 OWS) at either end; Foundation's bridged trimming
    /// cost more than the rest of authentication, on every request.
    private static func trimmingWhitespace(_ text: Substring) -> Substring {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isWhitespace($0) }),
              let last = text.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return text[first...last]
    }

    private func bearer(_ authorization: String) async throws(AppError) -> StoredKey {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let token = APIKeyToken(parsing: String(Self.trimmingWhitespace(parts[1]))),
              let key = await key(token.keyID),
              ConstantTime.equals(token.secretHash, key.secretHash)
        else { throw .unauthenticated }
        return key
    }

    /// The key from memory. On a miss, the table is read again, at most once a second for
    /// all callers together: that finds keys another process made (`sinergi keys create`)
    /// and drops ones it revoked, while unknown keys cannot make every request a database read.
    private func key(_ keyID: String) async -> StoredKey? {
        if let key = cache.withLock({ $0.keys[keyID] }) { return key }
        guard APIKeyToken.isKeyID(keyID) else { return nil }
        let now = ProcessInfo.processInfo.systemUptime
        let generation: Int? = cache.withLock { cache in
            guard now - cache.lastReload >= 1 else { return nil }
            cache.lastReload = now
            return cache.generation
        }
        guard let generation, let rows = try? await database.read({ connection in try APIKeyRepository.usable(connection) })
        else { return nil }
        let loaded = keyMap(rows)
        return cache.withLock { cache in
            if cache.generation == generation { cache.keys = loaded }
            return cache.keys[keyID]
        }
    }

    // base64(HMAC-SHA256(secret, cons_id + "&" + timestamp)), as BPJS Kesehatan's bridging APIs.
    private func signed(consumer: String, request: Request) async throws(AppError) -> StoredKey {
        guard let timestampText = request.headers["X-Timestamp"], let timestamp = Int(timestampText),
              let signatureText = request.headers["X-Signature"], let signature = Data(base64Encoded: signatureText)
        else { throw .unauthenticated }
        // A range check, not abs(now - timestamp): any Int arrives here, and the subtraction
        // could overflow. Checked before the key is looked up, which may read the database.
        let now = Timestamp.epochSeconds()
        guard (now - Self.signatureWindowSeconds)...(now + Self.signatureWindowSeconds) ~= timestamp,
              let key = await key(consumer), let secret = key.signingSecret
        else { throw .unauthenticated }
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

    private func keyMap(_ rows: [StoredKeyRow]) -> [String: StoredKey] {
        Dictionary(uniqueKeysWithValues: rows.map(stored).map { ($0.keyID, $0) })
    }

    private func stored(_ row: StoredKeyRow) -> StoredKey {
        StoredKey(
            id: row.id, keyID: row.keyID, role: row.role, organizationID: row.organizationID, secretHash: row.secretHash,
            signingSecret: row.sealedSecret.flatMap { try? protection.open($0) },
            clientCertificateSHA256: row.clientCertificateSHA256)
    }
}
