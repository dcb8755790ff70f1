import Foundation
import HTTPTestSupport
import Testing

/// The `sinergi` executable as operators run it: exit codes, messages, signals.
@Suite struct CLITests {
    /// The binary built beside this test bundle.
    static var executable: URL {
        get throws {
            let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            let binary = folder.appendingPathComponent("sinergi")
            try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the sinergi product first: \(binary.path)")
            return binary
        }
    }

    /// Runs the binary to completion (bounded), returning exit status and standard error.
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: TemporaryDirectory) throws -> (status: Int32, stderr: String, stdout: String) {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.currentDirectoryURL = directory.url
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let errorPipe = Pipe()
        let outputPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = outputPipe
        try process.run()
        let stderr = errorPipe.fileHandleForReading.readDataToEndOfFile()
        let stdout = outputPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self), String(decoding: stdout, as: UTF8.self))
    }

    /// The repository's migrations and spec, and a database: a file in `directory`, or on
    /// PostgreSQL (`PostgreSQLTestSettings.isApplicationEngine`) the directory's schema with
    /// its data key.
    static func paths(_ directory: TemporaryDirectory) throws -> [String: String] {
        var paths = [
            "SINERGI_DATABASE": directory.url.appendingPathComponent("cli.db").path,
            "SINERGI_MIGRATIONS": repositoryRoot.appendingPathComponent("migrations").path,
            "SINERGI_OPENAPI": repositoryRoot.appendingPathComponent("docs/openapi.yaml").path,
        ]
        if PostgreSQLTestSettings.isApplicationEngine {
            let schema = try directory.postgreSQLSchema()
            paths["SINERGI_DATABASE"] = schema.url
            paths["SINERGI_DATA_KEY"] = schema.dataKey
        }
        return paths
    }

    @Test("a bad setting exits 2 naming the key", arguments: [
        (["serve", "--port", "http"], [String: String](), "port"),
        (["serve"], ["SINERGI_PORT": "99999"], "SINERGI_PORT"),
        (["serve"], ["SINERGI_THREADS": "many"], "SINERGI_THREADS"),
        (["serve", "--config", "/nonexistent/sinergi.json"], [:], "--config"),
    ])
    func badSetting(arguments: [String], environment: [String: String], key: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try Self.run(arguments, environment: Self.paths(directory).merging(environment) { $1 }, in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains(key))
    }

    @Test("migrate applies once; a changed applied migration makes serve and migrate exit 2")
    func checksumRefusal() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let migrations = directory.url.appendingPathComponent("migrations")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        // The same file for both engines: PostgreSQL's migrations are in postgresql/.
        let files = [migrations, migrations.appendingPathComponent("postgresql")].map { $0.appendingPathComponent("0001_first.sql") }
        try FileManager.default.createDirectory(at: migrations.appendingPathComponent("postgresql"), withIntermediateDirectories: true)
        for file in files { try "CREATE TABLE first (id INTEGER PRIMARY KEY);".write(to: file, atomically: true, encoding: .utf8) }
        var environment = try Self.paths(directory)
        environment["SINERGI_MIGRATIONS"] = migrations.path

        let first = try Self.run(["migrate"], environment: environment, in: directory)
        #expect(first.status == 0)
        #expect(first.stdout.contains("applied 0001_first.sql"))
        #expect(try Self.run(["migrate"], environment: environment, in: directory).stdout.contains("database is current"))

        for file in files { try "CREATE TABLE first (id INTEGER PRIMARY KEY, changed TEXT);".write(to: file, atomically: true, encoding: .utf8) }
        for command in ["migrate", "serve"] {
            let refused = try Self.run([command], environment: environment, in: directory)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("0001_first.sql was changed"))
        }
    }

    @Test("keys create prints only the key on standard output, and serve --production refuses without a data key")
    func keysCreate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try Self.run(["keys", "create", "--role", "admin", "--name", "ops"], environment: Self.paths(directory), in: directory)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("snrg_") == true)
        #expect(!result.stderr.contains(String(lines.first ?? "-")))

        var withoutKey = try Self.paths(directory)
        withoutKey["SINERGI_DATA_KEY"] = nil
        let production = try Self.run(["serve", "--production"], environment: withoutKey, in: directory)
        #expect(production.status == 2)
        #expect(production.stderr.contains("SINERGI_DATA_KEY"))
        #expect(try Self.run(["keys", "create", "--role", "root", "--name", "x"], environment: Self.paths(directory), in: directory).status != 0)
        // A refusal names each bad field as the API's 422 does, not as a Swift value.
        let refused = try Self.run(["keys", "create", "--role", "partner", "--name", ""], environment: Self.paths(directory), in: directory)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot create the key: name must not be empty; organization_id is required for a partner key"))
        #expect(!refused.stderr.contains("FieldError"))
    }

    @Test("version prints the version")
    func version() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(try Self.run(["version"], in: directory).stdout.hasPrefix("sinergi "))
    }

    /// Starts `sinergi serve` and returns the process, its standard-error reader and its port.
    static func startServer(_ arguments: [String], environment: [String: String], in directory: TemporaryDirectory) throws -> (Process, FileHandle, Int) {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.currentDirectoryURL = directory.url
        process.environment = environment
        let errorPipe = Pipe()
        process.standardError = errorPipe
        try process.run()
        let reader = errorPipe.fileHandleForReading
        var log = ""
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }  // the process ended: no port will come
            log += String(decoding: chunk, as: UTF8.self)
            for line in log.split(separator: "\n") where line.contains(#""msg":"listening""#) {
                if let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let port = object["port"] as? Int {
                    return (process, reader, port)
                }
            }
        }
        throw HTTPTestSupport.RawClient.Failure(description: "no listening line in: \(log)")
    }

    @Test("two serve processes on one database accept keys made by keys create at once, and refuse a key revoked through the other")
    func keysAcrossServeProcesses() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var environment = try Self.paths(directory)
        environment["SINERGI_LOAD_REGIONS"] = "false"
        let (first, _, firstPort) = try Self.startServer(["serve", "--port", "0"], environment: environment, in: directory)
        defer { if first.isRunning { first.terminate() } }
        let (second, _, secondPort) = try Self.startServer(["serve", "--port", "0"], environment: environment, in: directory)
        defer { if second.isRunning { second.terminate() } }
        let clients = [try RawClient(port: firstPort), try RawClient(port: secondPort)]

        var keys: [String] = []
        for name in ["first", "second", "third"] {
            let created = try Self.run(["keys", "create", "--role", "admin", "--name", name], environment: environment, in: directory)
            #expect(created.status == 0, "\(created.stderr)")
            let key = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            for client in clients {
                #expect(try client.request("GET", "/v1/api-keys", headers: ["Authorization": "Bearer \(key)"]).status == 200, "\(name)")
            }
            keys.append(key)
        }
        let admin = ["Authorization": "Bearer \(keys[0])"]
        let list = try clients[0].request("GET", "/v1/api-keys", headers: admin)
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(list.body)) as? [String: Any])?["data"] as? [[String: Any]])
        let third = try #require(rows.first { $0["name"] as? String == "third" }?["id"] as? Int)
        #expect(try clients[0].request("DELETE", "/v1/api-keys/\(third)", headers: admin).status == 204)
        for client in clients {
            #expect(try client.request("GET", "/v1/api-keys", headers: ["Authorization": "Bearer \(keys[2])"]).status == 401)
        }
        for process in [first, second] {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    @Test("SIGHUP reloads the TLS certificate for new connections while an open one goes on")
    func sighupReloadsCertificate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificates = try TestCertificates(in: directory.url)
        let live = (cert: directory.url.appendingPathComponent("live.pem"), key: directory.url.appendingPathComponent("live.key"))
        try FileManager.default.copyItem(atPath: certificates.serverCertificate, toPath: live.cert.path)
        try FileManager.default.copyItem(atPath: certificates.serverKey, toPath: live.key.path)
        var environment = try Self.paths(directory)
        environment["SINERGI_LOAD_REGIONS"] = "false"
        let (process, reader, port) = try Self.startServer(
            ["serve", "--port", "0", "--tls-cert", live.cert.path, "--tls-key", live.key.path], environment: environment, in: directory)
        defer { if process.isRunning { process.terminate() } }
        let options = RawClient.TLSOptions(caFile: certificates.caCertificate)
        let old = try RawClient(port: port, tls: options)
        #expect(try old.request("GET", "/healthz").status == 200)
        let first = try TestCertificates.fingerprint(of: certificates.serverCertificate)
        #expect(old.serverCertificateSHA256 == first)

        try FileManager.default.removeItem(at: live.cert)
        try FileManager.default.removeItem(at: live.key)
        try FileManager.default.copyItem(atPath: certificates.secondServerCertificate, toPath: live.cert.path)
        try FileManager.default.copyItem(atPath: certificates.secondServerKey, toPath: live.key.path)
        kill(process.processIdentifier, SIGHUP)
        // The reload runs on a signal queue and says so in the log; wait for that line.
        var log = ""
        while !log.contains(#""msg":"tls reloaded""#) && !log.contains("tls reload failed") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
        }
        #expect(log.contains(#""msg":"tls reloaded""#))
        let second = try TestCertificates.fingerprint(of: certificates.secondServerCertificate)
        #expect(try RawClient(port: port, tls: options).serverCertificateSHA256 == second)
        #expect(try old.request("GET", "/healthz").status == 200)
        #expect(old.serverCertificateSHA256 == first)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("serve logs its port, answers, and exits 0 on SIGTERM after finishing")
    func serveAndTerminate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let process = Process()
        process.executableURL = try Self.executable
        process.arguments = ["serve", "--port", "0"]
        process.currentDirectoryURL = directory.url
        process.environment = try Self.paths(directory)
        let errorPipe = Pipe()
        process.standardError = errorPipe
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The startup line names the port; read lines until it arrives (bounded by the process
        // exiting, which closes the pipe).
        var port: Int?
        var log = ""
        let reader = errorPipe.fileHandleForReading
        while port == nil {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
            for line in log.split(separator: "\n") where line.contains(#""msg":"listening""#) {
                let data = Data(line.utf8)
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                port = object?["port"] as? Int
            }
        }
        let boundPort = try #require(port, "no listening line in: \(log)")
        let response = try HTTPTestSupport.RawClient(port: boundPort).request("GET", "/healthz")
        #expect(response.status == 200)

        kill(process.processIdentifier, SIGTERM)
        let rest = reader.readDataToEndOfFile()
        process.waitUntilExit()
        log += String(decoding: rest, as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(log.contains(#""msg":"stopped""#))
        // The access log has the route, never a query value.
        #expect(log.contains(#""route":"/healthz""#))
    }
}
