internal import Crypto
internal import Foundation
public import HTTPServer
internal import Logging
internal import Synchronization

/// Turns a request's credentials into a `Principal`: `Authorization: Bearer snrg_…`, or the
/// BPJS bridging signature (`X-Cons-Id`, `X-Timestamp`, `X-Signature`) for keys that allow it.
///
/// A key's row is read once (by `key_id`, a unique index, on the calling event loop's own read
/// connection) and kept while `changes` says no key changed, so a key created or revoked by any
/// process sharing the database counts from the next request of every process. A kept key is
/// read again after `recheckSeconds` anyway, for changes made behind sinergi's back (an
/// `UPDATE` in the sqlite3 shell). Keys that are not found are never kept: they cost a lookup.
public final class Authenticator: Sendable {
    private let store: Store
    private let protection: DataProtection
    private let changes: KeyChangeSignal
    private let logger: Logger
    private struct Kept {
        var stamp: KeyChangeSignal.Stamp?
        var keys: [String: Entry] = [:]
    }
    /// A key's row and, once a bearer secret matched its hash, that secret: the next request
    /// with it is compared with it (in constant time) instead of hashing it again. The process
    /// sees every secret anyway; none of them is ever written anywhere.
    private struct Entry {
        let key: StoredKey
        let readAt: Double
        var verifiedSecret: [UInt8]?
    }
    private let kept = Mutex(Kept())
    // Monotonic second a key's last_used_at was last written: written at most once a minute.
    private let touched = Mutex<[Int64: Int]>([:])

    /// Signed requests more than this many seconds from our clock are refused.
    static let signatureWindowSeconds = 300
    /// How long a kept key is trusted without the signal: the bound on a change made outside
    /// sinergi, not on one made through it.
    static let recheckSeconds = 5.0

    init(store: Store, protection: DataProtection, changes: KeyChangeSignal, logger: Logger) {
        self.store = store
        self.protection = protection
        self.changes = changes
        self.logger = logger
    }

    /// The caller, or `AppError.unauthenticated`; `AppError.unavailable` when the keys cannot
    /// be read (a 401 would tell a client its key is bad when the database is).
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
              let (key, verified) = try await key(token.keyID)
        else { throw .unauthenticated }
        let presented = Array(token.secret.utf8)
        if let verified, ConstantTime.equals(presented, verified) { return key }
        guard ConstantTime.equals(SHA256.hash(presented), key.secretHash) else { throw .unauthenticated }
        kept.withLock { kept in kept.keys[key.keyID]?.verifiedSecret = presented }
        return key
    }

    /// The usable (not revoked) key with this id. Text that is not a key id is refused
    /// before any read, so garbage costs no database work.
    private func key(_ keyID: String) async throws(AppError) -> (key: StoredKey, verifiedSecret: [UInt8]?)? {
        guard APIKeyToken.isKeyID(keyID) else { return nil }
        // The stamp before the read: a change committed after it shows as a new stamp next time.
        let stamp = changes.stamp()
        let now = ProcessInfo.processInfo.systemUptime
        let hit: Entry? = kept.withLock { kept in
            guard let stamp, kept.stamp == stamp else {
                kept = Kept(stamp: stamp)
                return nil
            }
            guard let entry = kept.keys[keyID], now - entry.readAt < Self.recheckSeconds else { return nil }
            return entry
        }
        if let hit { return (hit.key, hit.verifiedSecret) }
        let key: StoredKey?
        do {
            // A unique-index lookup: on SQLite on this thread, which saves two hand-offs (see
            // `readHere`); on PostgreSQL one statement on a pool connection.
            key = try await store.lookupOne { connection in try APIKeyRepository.usable(connection, keyID: keyID) }
        } catch {
            logger.error("cannot read api keys", metadata: ["reason": "\(error)"])
            throw .unavailable("API keys cannot be checked just now.")
        }
        guard let key else { return nil }
        if let stamp {
            kept.withLock { kept in
                if kept.stamp == stamp { kept.keys[keyID] = Entry(key: key, readAt: now) }
            }
        }
        return (key, nil)
    }

    // base64(HMAC-SHA256(secret, cons_id + "&" + timestamp)), as BPJS Kesehatan's bridging APIs.
    private func signed(consumer: String, request: Request) async throws(AppError) -> StoredKey {
        guard let timestampText = request.headers["X-Timestamp"], let timestamp = Int(timestampText),
              let signatureText = request.headers["X-Signature"], let signature = Data(base64Encoded: signatureText)
        else { throw .unauthenticated }
        // A range check, not abs(now - timestamp): any Int arrives here, and the subtraction
        // could overflow. Checked before the key is looked up, which reads the database.
        let now = Timestamp.epochSeconds()
        guard (now - Self.signatureWindowSeconds)...(now + Self.signatureWindowSeconds) ~= timestamp,
              let key = try await key(consumer)?.key, let sealed = key.sealedSecret,
              let secret = try? protection.open(sealed)
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
        Task { [store, logger] in
            do {
                try await store.write { connection in try APIKeyRepository.touch(connection, id: id, now: stamp) }
            } catch {
                logger.warning("cannot record api key use", metadata: ["api_key_id": "\(id)"])
            }
        }
    }
}
