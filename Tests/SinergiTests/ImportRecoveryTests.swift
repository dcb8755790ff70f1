import Foundation
import HTTPTestSupport
import Testing

/// An import survives its process: `kill -9` mid-import, a new process on the same database
/// resumes the job from its last committed batch, and each valid row is registered once.
@Suite struct ImportRecoveryTests {
    /// `count` valid BP rows with NIKs unique by district and serial, one family card each.
    static func file(rows count: Int) -> [UInt8] {
        var text = ImportTests.header + "\n"
        for index in 0..<count {
            let district = 1 + index / 9999, serial = 1 + index % 9999
            let nik = "3507" + String(format: "%02d", district) + "101081" + String(format: "%04d", serial)
            text += "\(nik),Santri \(index),1981-10-10,M,35070101\(String(format: "%08d", index)),head,BP,3,3507\n"
        }
        return Array(text.utf8)
    }

    static func job(_ client: RawClient, _ id: Int, key: String) throws -> [String: Any] {
        try MemberFixtures.object(try client.request("GET", "/v1/imports/\(id)", headers: ["Authorization": "Bearer \(key)"]))
    }

    @Test("kill -9 mid-import, then a restart: the job resumes and ends with every valid row registered exactly once")
    func killedMidImport() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var environment = try CLITests.paths(directory)
        // Small batches, so that the kill lands between many commits.
        environment["SINERGI_IMPORTS_BATCH_ROWS"] = "250"
        let rows = 20_000
        let (first, _, firstPort) = try CLITests.startServer(["serve", "--port", "0"], environment: environment, in: directory)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let created = try CLITests.run(["keys", "create", "--role", "officer", "--name", "importer"], environment: environment, in: directory)
        let key = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = try RawClient(port: firstPort, timeout: .seconds(30))
        let posted = try client.request(
            "POST", "/v1/imports", headers: ["Authorization": "Bearer \(key)", "Content-Type": "text/csv"], body: Self.file(rows: rows))
        #expect(posted.status == 202, "\(posted.text)")
        let id = try #require(try MemberFixtures.object(posted)["id"] as? Int)

        // Wait until some batches are committed and the job is still running, then kill.
        var seen: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        repeat {
            seen = try Self.job(client, id, key: key)
        } while (seen["rows_done"] as? Int ?? 0) < 1000 && seen["status"] as? String != "done" && ContinuousClock.now < deadline
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(seen["status"] as? String == "running", "the import ended before the kill: \(seen)")
        let doneBeforeKill = seen["rows_done"] as? Int ?? 0
        #expect(doneBeforeKill > 0 && doneBeforeKill < rows)

        let (second, _, secondPort) = try CLITests.startServer(["serve", "--port", "0"], environment: environment, in: directory)
        defer { if second.isRunning { second.terminate() } }
        let after = try RawClient(port: secondPort, timeout: .seconds(30))
        var job: [String: Any] = [:]
        let secondDeadline = ContinuousClock.now + .seconds(120)
        repeat {
            job = try Self.job(after, id, key: key)
            if job["status"] as? String == "done" { break }
            Thread.sleep(forTimeInterval: 0.05)
        } while ContinuousClock.now < secondDeadline
        #expect(job["status"] as? String == "done", "\(job)")
        #expect(job["rows_total"] as? Int == rows)
        #expect(job["rows_done"] as? Int == rows)
        #expect(job["accepted"] as? Int == rows)
        // A batch applied twice would show as duplicates.
        #expect(job["duplicates"] as? Int == 0)
        #expect(job["rejected"] as? Int == 0)

        // The registry holds each row once: page through every member.
        var members = 0
        var niks: Set<String> = []
        var cursor: String?
        repeat {
            let page = try MemberFixtures.object(try after.request(
                "GET", "/v1/members?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""), headers: ["Authorization": "Bearer \(key)"]))
            let data = page["data"] as? [[String: Any]] ?? []
            members += data.count
            for member in data { niks.insert(member["nik"] as? String ?? "") }
            cursor = page["next_cursor"] as? String
        } while cursor != nil
        #expect(members == rows)
        #expect(niks.count == rows)
        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
    }
}
