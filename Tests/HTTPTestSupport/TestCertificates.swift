public import Foundation

/// Certificates made for a test with the `openssl` command: a test CA, a server certificate
/// for 127.0.0.1 signed by it, a client certificate from that CA and one from another CA.
public struct TestCertificates: Sendable {
    public let directory: URL
    public var caCertificate: String { path("ca.pem") }
    public var serverCertificate: String { path("server.pem") }
    public var serverKey: String { path("server.key") }
    public var clientCertificate: String { path("client.pem") }
    public var clientKey: String { path("client.key") }
    public var otherClientCertificate: String { path("other-client.pem") }
    public var otherClientKey: String { path("other-client.key") }
    /// A second server certificate from the same CA, to test reloading.
    public var secondServerCertificate: String { path("server2.pem") }
    public var secondServerKey: String { path("server2.key") }

    /// Makes every file in `directory` (about a second of `openssl` runs).
    public init(in directory: URL) throws {
        self.directory = directory
        let script = """
            set -e
            cd '\(directory.path)'
            ec() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
            ca() { ec "$1.key"; openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 2 -out "$1.pem" \\
                     -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null; }
            leaf() {  # name CN issuer extensions
              ec "$1.key"
              openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
              printf '%s\\n' "$4" > "$1.ext"
              openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 2 \\
                -extfile "$1.ext" -out "$1.pem" 2>/dev/null
            }
            ca ca "Sinergi Test CA"
            ca other-ca "Other Test CA"
            leaf server 127.0.0.1 ca "subjectAltName=IP:127.0.0.1
            extendedKeyUsage=serverAuth"
            leaf server2 127.0.0.1 ca "subjectAltName=IP:127.0.0.1
            extendedKeyUsage=serverAuth"
            leaf client "partner-his" ca "extendedKeyUsage=clientAuth"
            leaf other-client "intruder" other-ca "extendedKeyUsage=clientAuth"
            chmod 600 *.key
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RawClient.Failure(description: "openssl could not make the test certificates")
        }
    }

    /// SHA-256 of a certificate's DER bytes, lowercase hex, computed by `openssl` itself.
    public static func fingerprint(of certificate: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "openssl x509 -in '\(certificate)' -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}
