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

    /// What the run saw, asserted once it is back on the test's task.
    struct Outcome: Sendable {
        var postStatus = 0
        var statusAtKill = ""
        var doneAtKill = 0
        var finalJob: [String: Int] = [:]
        var finalStatus = ""
        var members = 0
        var distinctNIKs = 0
        var secondExitStatus: Int32 = -1
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let rows = 20_000

    @Test("kill -9 mid-import, then a restart: the job resumes and ends with every valid row registered exactly once")
    func killedMidImport() async throws {
        // Seconds of waiting on processes and sockets: on a thread of its own, so that the two
        // threads of the cooperative pool stay free for the tests running beside it (one that
        // awaits its database for a minute has its idle connection closed under it).
        let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcome, any Error>) in
            Thread { continuation.resume(with: Result { try Self.killAndResume() }) }.start()
        }
        #expect(outcome.postStatus == 202)
        #expect(outcome.statusAtKill == "running", "the import ended before the kill")
        #expect(outcome.doneAtKill > 0 && outcome.doneAtKill < Self.rows)
        #expect(outcome.finalStatus == "done")
        #expect(outcome.finalJob["rows_total"] == Self.rows)
        #expect(outcome.finalJob["rows_done"] == Self.rows)
        #expect(outcome.finalJob["accepted"] == Self.rows)
        // A batch applied twice would show as duplicates.
        #expect(outcome.finalJob["duplicates"] == 0)
        #expect(outcome.finalJob["rejected"] == 0)
        // The registry holds each row once.
        #expect(outcome.members == Self.rows)
        #expect(outcome.distinctNIKs == Self.rows)
        #expect(outcome.secondExitStatus == 0)
    }

    static func killAndResume() throws -> Outcome {
        var outcome = Outcome()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var environment = try CLITests.paths(directory)
        // Small batches, so that the kill lands between many commits.
        environment["SINERGI_IMPORTS_BATCH_ROWS"] = "250"
        let (first, _, firstPort) = try CLITests.startServer(["serve", "--port", "0"], environment: environment, in: directory)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let created = try CLITests.run(["keys", "create", "--role", "officer", "--name", "importer"], environment: environment, in: directory)
        let key = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = try RawClient(port: firstPort, timeout: .seconds(30))
        let posted = try client.request(
            "POST", "/v1/imports", headers: ["Authorization": "Bearer \(key)", "Content-Type": "text/csv"], body: file(rows: rows))
        outcome.postStatus = posted.status
        guard let id = (try JSONSerialization.jsonObject(with: Data(posted.body)) as? [String: Any])?["id"] as? Int else {
            throw Failure(description: "no job id in \(posted.text)")
        }

        // Wait until some batches are committed and the job is still running, then kill.
        var seen: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        repeat {
            seen = try job(client, id, key: key)
        } while (seen["rows_done"] as? Int ?? 0) < 1000 && seen["status"] as? String != "done" && ContinuousClock.now < deadline
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        outcome.statusAtKill = seen["status"] as? String ?? ""
        outcome.doneAtKill = seen["rows_done"] as? Int ?? 0

        let (second, _, secondPort) = try CLITests.startServer(["serve", "--port", "0"], environment: environment, in: directory)
        defer { if second.isRunning { second.terminate() } }
        let after = try RawClient(port: secondPort, timeout: .seconds(30))
        var finished: [String: Any] = [:]
        let secondDeadline = ContinuousClock.now + .seconds(120)
        repeat {
            finished = try job(after, id, key: key)
            if finished["status"] as? String == "done" { break }
            Thread.sleep(forTimeInterval: 0.05)
        } while ContinuousClock.now < secondDeadline
        outcome.finalStatus = finished["status"] as? String ?? ""
        for field in ["rows_total", "rows_done", "accepted", "duplicates", "rejected"] {
            outcome.finalJob[field] = finished[field] as? Int
        }

        // Page through every member.
        var niks: Set<String> = []
        var cursor: String?
        repeat {
            let page = try MemberFixtures.object(try after.request(
                "GET", "/v1/members?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""), headers: ["Authorization": "Bearer \(key)"]))
            let data = page["data"] as? [[String: Any]] ?? []
            outcome.members += data.count
            for member in data { niks.insert(member["nik"] as? String ?? "") }
            cursor = page["next_cursor"] as? String
        } while cursor != nil
        outcome.distinctNIKs = niks.count
        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()
        outcome.secondExitStatus = second.terminationStatus
        return outcome
    }
}
