import Foundation
import Logging
import Sinergi
import Testing

/// Encryption at rest, blind indexes and where the data key comes from.
@Suite struct DataProtectionTests {
    static let key = Array(0..<32).map(UInt8.init)
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test("sealed text opens again, differs each time, and does not open when altered")
    func sealing() throws {
        let protection = DataProtection(masterKey: Self.key)
        let first = protection.seal("3507014501900001")
        let second = protection.seal("3507014501900001")
        #expect(first != second)
        #expect(try protection.open(first) == "3507014501900001")
        #expect(Data(first).range(of: Data("3507014501900001".utf8)) == nil)
        var altered = first
        altered[altered.count - 1] ^= 1
        #expect(throws: (any Error).self) { try protection.open(altered) }
        #expect(throws: (any Error).self) { try DataProtection(masterKey: Array(repeating: 7, count: 32)).open(first) }
    }

    @Test("blind indexes are stable under one key and differ under another")
    func blindIndex() {
        let one = DataProtection(masterKey: Self.key)
        let other = DataProtection(masterKey: Array(repeating: 9, count: 32))
        #expect(one.blindIndex("3507014501900001") == one.blindIndex("3507014501900001"))
        #expect(one.blindIndex("3507014501900001") != one.blindIndex("3507014501900002"))
        #expect(one.blindIndex("3507014501900001") != other.blindIndex("3507014501900001"))
        #expect(one.blindIndex("x").count == 32)
    }

    @Test("the data key: from SINERGI_DATA_KEY, refused when malformed, required in production, generated once in development")
    func keySources() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var config = Config()
        config.database = directory.url.appendingPathComponent("db/sinergi.db").path

        config.dataKey = Data(Self.key).base64EncodedString()
        let fromEnvironment = try DataProtection.load(config: config, logger: Self.logger)
        #expect(try fromEnvironment.open(DataProtection(masterKey: Self.key).seal("x")) == "x")

        config.dataKey = "c2hvcnQ="
        #expect(throws: ConfigError.self) { try DataProtection.load(config: config, logger: Self.logger) }

        config.dataKey = nil
        config.production = true
        do {
            _ = try DataProtection.load(config: config, logger: Self.logger)
            Issue.record("production started without a data key")
        } catch {
            #expect(error.key == "SINERGI_DATA_KEY")
        }

        config.production = false
        let generated = try DataProtection.load(config: config, logger: Self.logger)
        let file = directory.url.appendingPathComponent("db/data.key").path
        let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let again = try DataProtection.load(config: config, logger: Self.logger)
        #expect(try again.open(generated.seal("same key")) == "same key")
    }
}
