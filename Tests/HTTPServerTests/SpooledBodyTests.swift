import Foundation
import Glibc
import HTTPTestSupport
@testable import HTTPServer
import Testing

/// Routes that spool their bodies get them as files, whatever the framing, and no file is left
/// behind once the handler returns, the body is refused or the client goes.
@Suite struct SpooledBodyTests {
    /// The spool directory's files, for checking that none is left.
    static func files(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
    }

    static func routes(_ router: inout Router) {
        // Answers with what the file holds, and keeps nothing.
        router.add(.post, "/upload", maxBodyBytes: 1 << 20, spoolsBody: true) { request in
            guard let spooled = request.spooledBody else { return text("no file") }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: spooled.path))
            #expect(request.body.isEmpty)
            return text("\(spooled.byteCount) \(bytes.count) \(String(decoding: bytes.prefix(16), as: UTF8.self))")
        }
        // Keeps the file by moving it, as the import route does.
        router.add(.post, "/keep", spoolsBody: true) { request in
            let target = URL(fileURLWithPath: request.spooledBody!.path).deletingLastPathComponent().appendingPathComponent("kept.csv")
            rename(request.spooledBody!.path, target.path)
            return text("kept")
        }
    }

    static func withSpoolServer(_ body: (URL, Int) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withTestServer(configure: { $0.spoolDirectory = directory.path }, routes: routes) { _, port in
            try await body(directory, port)
        }
    }

    @Test("a Content-Length body larger than the read buffer arrives whole in the file, and the file goes afterwards")
    func lengthBody() async throws {
        try await Self.withSpoolServer { directory, port in
            let payload = String(repeating: "0123456789abcdef", count: 20_000)  // 320,000 bytes
            let client = try RawClient(port: port)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: \(payload.utf8.count)\r\n\r\n" + payload)
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "320000 320000 0123456789abcdef")
            #expect(try Self.files(directory).isEmpty)
        }
    }

    @Test("a chunked body is decoded into the file")
    func chunkedBody() async throws {
        try await Self.withSpoolServer { directory, port in
            let client = try RawClient(port: port)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "11 11 hello world")
            #expect(try Self.files(directory).isEmpty)
        }
    }

    @Test("a handler that moves the file keeps it")
    func keptFile() async throws {
        try await Self.withSpoolServer { directory, port in
            let client = try RawClient(port: port)
            try client.send("POST /keep HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\na,b")
            #expect(try client.readResponse().text == "kept")
            #expect(try Self.files(directory) == ["kept.csv"])
            #expect(try String(contentsOf: directory.appendingPathComponent("kept.csv"), encoding: .utf8) == "a,b")
        }
    }

    @Test("a body over the limit leaves no file")
    func refused() async throws {
        try await Self.withSpoolServer { directory, port in
            let tooLarge = try RawClient(port: port)
            try tooLarge.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: \(2 << 20)\r\n\r\n")
            #expect(try tooLarge.readResponse().status == 413)

            let chunkedTooLarge = try RawClient(port: port)
            let chunk = String(repeating: "x", count: 0x10000)
            try chunkedTooLarge.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            for _ in 0..<17 { try chunkedTooLarge.send("10000\r\n\(chunk)\r\n") }
            #expect(try chunkedTooLarge.readResponse().status == 413)
            #expect(try Self.files(directory).isEmpty)
        }
    }

    @Test("a client that leaves mid-body leaves no file")
    func abandoned() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let observer = RecordingObserver()
        try await withTestServer(configure: { $0.spoolDirectory = directory.path }, observers: [observer], routes: Self.routes) { _, port in
            do {
                let leaving = try RawClient(port: port)
                try leaving.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + String(repeating: "y", count: 70_000))
            }  // closed here
            await observer.connectionClosedGate.wait()
            #expect(try Self.files(directory).isEmpty)
        }
    }

    @Test("a spool directory that cannot be written is a 507, not a crash")
    func unwritableDirectory() async throws {
        try await withTestServer(configure: { $0.spoolDirectory = "/nonexistent-\(UUID().uuidString)" }, routes: Self.routes) { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
            #expect(try client.readResponse().status == 507)
        }
    }
}
