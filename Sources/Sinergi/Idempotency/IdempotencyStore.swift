internal import Crypto
internal import Foundation
public import HTTPServer
internal import SQLite

/// `Idempotency-Key` on every POST (API.md, retries): the first response under a key is kept
/// in the database for `retention` seconds, so a retry with the same key and body gets it
/// again from any process, after a restart too; the same key with another request is 422,
/// and a retry while the first still runs is 409.
///
/// The key is taken in one transaction and the response stored in another, around the
/// handler's own. A key whose request never stored its answer (the process died, or the
/// last write failed) stays running until it expires: the handler may have committed, so
/// running it again could do its work twice; such a retry is 409 and needs a new key.
public struct IdempotencyStore: Sendable {
    let store: Store
    let protection: DataProtection
    /// How long a key and its response are kept (24 h by default).
    let retention: Int

    /// Runs `handler` under `key`, or answers as the first request under it did.
    func respond(
        to request: Request, key: String, context: RequestContext,
        handler: @Sendable () async throws -> Response
    ) async throws -> Response {
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw AppError.invalid([.init(
                field: "Idempotency-Key", code: "invalid_format", message: "must be 1 to 255 visible ASCII characters")])
        }
        let apiKeyID = context.principal.apiKeyID
        let hash = Self.hash(request, protection: protection)
        let now = context.clock.epochSeconds
        let retention = retention
        let claimed = try await store.write { connection in
            try IdempotencyRepository.purge(expiredBefore: now - retention, in: connection)
            return try IdempotencyRepository.claim(
                apiKeyID: apiKeyID, key: key, requestHash: hash, now: now, expiredBefore: now - retention, in: connection)
        }
        guard claimed else { return try await replay(apiKeyID: apiKeyID, key: key, hash: hash) }

        let response: Response
        do {
            response = try await handler()
        } catch let error as any ProblemConvertible {
            response = error.problem.response(instance: request.path)
        } catch {
            try? await store.write { try IdempotencyRepository.release(apiKeyID: apiKeyID, key: key, in: $0) }
            throw error
        }
        // A server failure is worth retrying for real; anything else is the answer.
        guard response.status.code < 500 else {
            try await store.write { try IdempotencyRepository.release(apiKeyID: apiKeyID, key: key, in: $0) }
            return response
        }
        let headers = response.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        let sealed = protection.seal(bytes: response.body)
        let status = response.status.code
        try await store.write { connection in
            try IdempotencyRepository.complete(
                apiKeyID: apiKeyID, key: key, status: status, headers: headers, sealedBody: sealed, in: connection)
        }
        return response
    }

    private func replay(apiKeyID: Int64, key: String, hash: [UInt8]) async throws -> Response {
        guard let record = try await store.read({ try IdempotencyRepository.find(apiKeyID: apiKeyID, key: key, in: $0) }) else {
            // Taken and released between the two statements: the first request failed.
            throw AppError.idempotencyKeyInFlight
        }
        guard ConstantTime.equals(record.requestHash, hash) else { throw AppError.idempotencyKeyReused }
        guard record.isDone else { throw AppError.idempotencyKeyInFlight }
        var headers = HTTPHeaders()
        for line in record.headers.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst()))
        }
        headers.add("Idempotent-Replayed", "true")
        return Response(status: HTTPStatus(record.status), headers: headers, body: try protection.open(bytes: record.sealedBody))
    }

    /// A keyed digest (HMAC-SHA256 under the data key's index key) of method, path, query and
    /// body, each length-prefixed so no two requests share an encoding. Keyed, because a body
    /// can be a NIK and little else: a plain hash could be reversed by trying every NIK.
    /// A spooled body counts by its SHA-256, read from its file.
    public static func hash(_ request: Request, protection: DataProtection) -> [UInt8] {
        var bytes: [UInt8] = []
        let body = request.spooledBody.map { Self.fileDigest($0.path) } ?? request.body
        for part in [Array(request.method.rawValue.utf8), Array(request.path.utf8), Array((request.query ?? "").utf8), body] {
            bytes.append(contentsOf: "\(part.count):".utf8)
            bytes.append(contentsOf: part)
        }
        return protection.digest(bytes)
    }

    /// SHA-256 of a file's bytes, read a megabyte at a time.
    private static func fileDigest(_ path: String) -> [UInt8] {
        let hasher = SHA256.Hasher()
        guard let file = FileHandle(forReadingAtPath: path) else { return hasher.finish() }
        defer { try? file.close() }
        while true {
            let chunk = file.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            hasher.update(chunk)
        }
        return hasher.finish()
    }
}
