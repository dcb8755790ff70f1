import Foundation
import HTTPServer
import HTTPTestSupport
import Logging
import Synchronization
import TLS
import Testing

/// HTTPS on the event loops, over real sockets, with certificates made for each test.
@Suite struct TLSTests {
    /// A server with TLS and the test certificates, for the duration of `body`.
    static func withTLSServer(
        clientAuthentication: ClientAuthentication = .none,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        observers: [any ServerObserver] = [],
        _ body: (Server, Int, TestCertificates) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificates = try TestCertificates(in: directory)
        let context = try TLSContext(
            certificateChainPath: certificates.serverCertificate, privateKeyPath: certificates.serverKey,
            clientCAPath: certificates.caCertificate, clientAuthentication: clientAuthentication)
        try await withTestServer(configure: { configuration in
            configuration.tls = context
            configure(&configuration)
        }, observers: observers, routes: { router in
            router.get("/hello") { _ in text("hello") }
            router.get("/whoami") { request in text(request.clientCertificateSHA256 ?? "anonymous") }
            router.post("/echo") { request in Response(status: .ok, body: request.body) }
            router.get("/export") { _ in
                // 8 MiB in 64 KiB pieces, each filled with its index: more than the socket
                // buffers hold, so writes over TLS wait for the client.
                let calls = Counter()
                return Response(status: .ok) {
                    let index = calls.next()
                    return index <= 128 ? [UInt8](repeating: UInt8(index), count: 64 * 1024) : nil
                }
            }
        }) { server, port in
            try await body(server, port, certificates)
        }
    }

    static func options(_ certificates: TestCertificates, min: Int32? = nil, max: Int32? = nil) -> RawClient.TLSOptions {
        RawClient.TLSOptions(caFile: certificates.caCertificate, minVersion: min, maxVersion: max)
    }

    @Test("GET over TLS 1.3 and over TLS 1.2")
    func versions() async throws {
        try await Self.withTLSServer { _, port, certificates in
            let modern = try RawClient(port: port, tls: Self.options(certificates))
            #expect(modern.tlsVersion == "TLSv1.3")
            #expect(try modern.request("GET", "/hello").text == "hello")

            let older = try RawClient(port: port, tls: Self.options(certificates, max: RawClient.TLSOptions.tls12))
            #expect(older.tlsVersion == "TLSv1.2")
            #expect(try older.request("GET", "/hello").text == "hello")
        }
    }

    @Test("a streamed body arrives whole over TLS, and the connection goes on")
    func streamedBody() async throws {
        try await Self.withTLSServer { _, port, certificates in
            let client = try RawClient(port: port, tls: Self.options(certificates))
            let response = try client.request("GET", "/export")
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.body == (1...128).flatMap { [UInt8](repeating: UInt8($0), count: 64 * 1024) })
            #expect(try client.request("GET", "/hello").text == "hello")
        }
    }

    @Test("TLS 1.1 and 1.0 are refused", arguments: [RawClient.TLSOptions.tls11, RawClient.TLSOptions.tls10])
    func oldVersionsRefused(version: Int32) async throws {
        let observer = HandshakeObserver()
        try await Self.withTLSServer(observers: [observer]) { _, port, certificates in
            #expect(throws: RawClient.Failure.self) {
                _ = try RawClient(port: port, tls: Self.options(certificates, min: version, max: version))
            }
        }
        #expect(observer.failures.contains("unsupported_protocol"))
    }

    @Test("plain HTTP to the HTTPS port gets a clear-text 400 and a close, never a hang")
    func plainHTTP() async throws {
        try await Self.withTLSServer { _, port, _ in
            let client = try RawClient(port: port, timeout: .seconds(3))
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.text.contains("HTTPS"))
            #expect(try client.waitForClose())
        }
    }

    @Test("keep-alive and pipelining work over TLS")
    func keepAliveAndPipelining() async throws {
        try await Self.withTLSServer { _, port, certificates in
            let client = try RawClient(port: port, tls: Self.options(certificates))
            #expect(try client.request("GET", "/hello").text == "hello")
            #expect(try client.request("GET", "/hello").text == "hello")
            try client.send(
                "GET /hello HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok"
                + "GET /whoami HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
            #expect(try client.readResponse().text == "ok")
            #expect(try client.readResponse().text == "anonymous")
        }
    }

    @Test("a 1 MiB body arrives intact over TLS, and Expect: 100-continue works")
    func largeBody() async throws {
        try await Self.withTLSServer { _, port, certificates in
            let client = try RawClient(port: port, tls: Self.options(certificates))
            let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(payload.count)\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send(payload)
            let response = try client.readResponse()
            #expect(response.body.count == payload.count)
            #expect(response.body == payload)
        }
    }

    @Test("client_auth=required refuses no certificate and one from another CA, accepts one from the CA")
    func requiredClientCertificate() async throws {
        try await Self.withTLSServer(clientAuthentication: .required) { _, port, certificates in
            // TLS 1.3 finishes the client's side before the server checks: the refusal may
            // show at the handshake or at the first exchange. Either way no answer comes.
            func refused(_ options: RawClient.TLSOptions) -> Bool {
                guard let client = try? RawClient(port: port, tls: options) else { return true }
                return (try? client.request("GET", "/hello")) == nil
            }
            #expect(refused(Self.options(certificates)))
            var other = Self.options(certificates)
            other.certificate = certificates.otherClientCertificate
            other.key = certificates.otherClientKey
            #expect(refused(other))

            var good = Self.options(certificates)
            good.certificate = certificates.clientCertificate
            good.key = certificates.clientKey
            let client = try RawClient(port: port, tls: good)
            let response = try client.request("GET", "/whoami")
            #expect(response.status == 200)
            #expect(response.text == (try TestCertificates.fingerprint(of: certificates.clientCertificate)))
        }
    }

    @Test("reloading switches the certificate for new connections while an old one still answers")
    func reload() async throws {
        try await Self.withTLSServer { server, port, certificates in
            let old = try RawClient(port: port, tls: Self.options(certificates))
            #expect(try old.request("GET", "/hello").status == 200)
            let firstFingerprint = try TestCertificates.fingerprint(of: certificates.serverCertificate)
            #expect(old.serverCertificateSHA256 == firstFingerprint)

            server.reloadTLS(try TLSContext(
                certificateChainPath: certificates.secondServerCertificate, privateKeyPath: certificates.secondServerKey))

            let fresh = try RawClient(port: port, tls: Self.options(certificates))
            #expect(fresh.serverCertificateSHA256 == (try TestCertificates.fingerprint(of: certificates.secondServerCertificate)))
            #expect(try fresh.request("GET", "/hello").status == 200)
            #expect(try old.request("GET", "/hello").status == 200)
            #expect(old.serverCertificateSHA256 == firstFingerprint)
        }
    }

    @Test("a silent half-open handshake is closed at the header timeout while others are served")
    func silentHandshake() async throws {
        let observer = HandshakeObserver()
        try await Self.withTLSServer(configure: { $0.headerTimeout = .milliseconds(300) }, observers: [observer]) { _, port, certificates in
            let silent = try RawClient(port: port, timeout: .seconds(3))
            try silent.send([0x16, 0x03, 0x01])  // the start of a ClientHello, then nothing
            let other = try RawClient(port: port, tls: Self.options(certificates))
            #expect(try other.request("GET", "/hello").status == 200)
            #expect(try silent.waitForClose())
        }
        #expect(observer.failures.contains("timeout"))
        #expect(observer.versions.contains("TLSv1.3"))
    }

    @Test("a missing, mismatched or wrong key or certificate is refused, naming the setting")
    func badConfiguration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificates = try TestCertificates(in: directory)
        #expect(throws: TLSError.self) {
            _ = try TLSContext(certificateChainPath: directory.appendingPathComponent("none.pem").path, privateKeyPath: certificates.serverKey)
        }
        do {
            _ = try TLSContext(certificateChainPath: certificates.serverCertificate, privateKeyPath: certificates.clientKey)
            Issue.record("a key of another certificate was accepted")
        } catch {
            #expect(error.setting == "key")
            #expect(!error.description.contains("BEGIN"))
        }
        do {
            _ = try TLSContext(certificateChainPath: certificates.serverKey, privateKeyPath: certificates.serverKey)
            Issue.record("a key file was accepted as a certificate")
        } catch {
            #expect(error.setting == "cert")
        }
    }
}

/// Records TLS handshake outcomes.
final class HandshakeObserver: ServerObserver {
    private let state = Mutex<(versions: [String], failures: [String])>(([], []))
    var versions: [String] { state.withLock { $0.versions } }
    var failures: [String] { state.withLock { $0.failures } }
    func connectionOpened() {}
    func connectionClosed() {}
    func requestCompleted(_ record: AccessRecord) {}
    func tlsHandshakeCompleted(version: String) { state.withLock { $0.versions.append(version) } }
    func tlsHandshakeFailed(reason: String) { state.withLock { $0.failures.append(reason) } }
}
