internal import Crypto
internal import Foundation

/// The text of an API key, `snrg_<8-char id>_<secret>`: the id finds the key, the secret
/// (32 random bytes, base64url) proves possession. Only a SHA-256 of the secret is stored.
public struct APIKeyToken: Sendable, Equatable {
    public let keyID: String
    public let secret: String

    /// The whole key as given to its owner, once.
    public var text: String { "snrg_\(keyID)_\(secret)" }

    /// Parses a presented key; nil when it does not have the shape.
    public init?(parsing text: String) {
        guard text.hasPrefix("snrg_"), text.utf8.count < 200 else { return nil }
        let rest = text.dropFirst(5)
        guard let separator = rest.firstIndex(of: "_") else { return nil }
        let keyID = String(rest[..<separator])
        let secret = String(rest[rest.index(after: separator)...])
        guard Self.isKeyID(keyID), !secret.isEmpty else { return nil }
        self.keyID = keyID
        self.secret = secret
    }

    private init(keyID: String, secret: String) {
        self.keyID = keyID
        self.secret = secret
    }

    /// A new key with a random id and a 32-byte random secret.
    public static func generate() -> APIKeyToken {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")  // no 0/o, 1/l look-alikes
        let idBytes = SecureRandom.bytes(8)
        let keyID = String(idBytes.map { alphabet[Int($0) % alphabet.count] })
        let secret = Data(SecureRandom.bytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return APIKeyToken(keyID: keyID, secret: secret)
    }

    /// SHA-256 of the secret, as stored.
    public var secretHash: [UInt8] { SHA256.hash(Array(secret.utf8)) }

    static func isKeyID(_ text: String) -> Bool {
        text.utf8.count == 8 && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}
