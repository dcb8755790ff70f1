import Foundation
import HTTPTestSupport
import Logging
import Sinergi
import Synchronization
import Testing

/// TLS as configured through `tls.*`: HTTPS only, metrics, reload, and refusals naming the key.
@Suite struct TLSConfigurationTests {
    @Test("with tls.cert and tls.key the server speaks HTTPS, counts handshakes, and survives a bad reload")
    func servesHTTPS() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificates = try TestCertificates(in: directory.url)
        let key = directory.url.appendingPathComponent("live.key")
        let certificate = directory.url.appendingPathComponent("live.pem")
        try FileManager.default.copyItem(atPath: certificates.serverKey, toPath: key.path)
        try FileManager.default.copyItem(atPath: certificates.serverCertificate, toPath: certificate.path)
        try await withTestApplication(configure: { config in
            config.tlsCertificatePath = certificate.path
            config.tlsKeyPath = key.path
        }) { application, port in
            let options = RawClient.TLSOptions(caFile: certificates.caCertificate)
            let client = try RawClient(port: port, tls: options)
            #expect(try client.request("GET", "/healthz").status == 200)

            // A broken file on reload is logged and the old certificate kept.
            try "not a key".write(to: key, atomically: true, encoding: .utf8)
            application.reloadTLS()
            let after = try RawClient(port: port, tls: options)
            let metrics = try after.request("GET", "/metrics").text
            #expect(metrics.contains(#"tls_handshakes_total{version="TLSv1.3"} 2"#))
        }
    }

    @Test("a key file others can read gives a warning that names the file, not the key")
    func worldReadableKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificates = try TestCertificates(in: directory.url)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: certificates.serverKey)
        let store = CapturingLogHandler.Store()
        try await withTestApplication(configure: { config in
            config.tlsCertificatePath = certificates.serverCertificate
            config.tlsKeyPath = certificates.serverKey
        }, logger: Logger(label: "test") { _ in CapturingLogHandler(store: store) }) { _, _ in }
        let warnings = store.lines.withLock { $0.filter { $0.level == .warning }.map(\.message) }
        #expect(warnings.contains { $0.contains("private key file is readable by every user") })
        let keyText = try String(contentsOfFile: certificates.serverKey, encoding: .utf8)
        let body = keyText.split(separator: "\n").dropFirst().first.map(String.init) ?? "-"
        #expect(!store.text.contains(body))
    }

    @Test("a bad TLS setting is refused naming the key", arguments: [
        ("missing-cert", "tls.cert"), ("mismatched-key", "tls.key"), ("cert-without-key", "tls.key"),
        ("client-auth-without-ca", "tls.client_ca"),
    ])
    func refusals(_ situation: String, key: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificates = try TestCertificates(in: directory.url)
        var config = try testConfig(in: directory)
        switch situation {
        case "missing-cert":
            config.tlsCertificatePath = directory.url.appendingPathComponent("absent.pem").path
            config.tlsKeyPath = certificates.serverKey
        case "mismatched-key":
            config.tlsCertificatePath = certificates.serverCertificate
            config.tlsKeyPath = certificates.clientKey
        case "cert-without-key":
            config.tlsCertificatePath = certificates.serverCertificate
        default:
            config.tlsCertificatePath = certificates.serverCertificate
            config.tlsKeyPath = certificates.serverKey
            config.tlsClientAuthentication = "required"
        }
        do {
            let application = try Application(config: config, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            application.close()
            Issue.record("\(situation) was accepted")
        } catch let error as ConfigError {
            #expect(error.key == key)
            #expect(!error.description.contains("PRIVATE KEY"))
        }
    }
}
