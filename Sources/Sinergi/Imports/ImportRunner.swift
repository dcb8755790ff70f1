internal import Foundation
internal import Glibc
internal import Logging
internal import Synchronization

/// Runs the import jobs of the database, one at a time, on a thread of its own: the jobs this
/// process was given, and any job left unfinished by a process that stopped (each resumes from
/// its last committed batch). Which process runs a job is settled by its `JobLock`.
final class ImportRunner: Sendable {
    struct Settings: Sendable {
        var directory: String
        var location: DatabaseLocation
        var batchRows = 1000
        /// How often jobs that other processes stored are looked for.
        var pollSeconds: TimeInterval = 5
    }

    private let store: Store
    private let repository: MemberRepository
    private let regions: KnownRegions
    private let clock: ServiceClock
    private let settings: Settings
    private let logger: Logger
    private let condition = NSCondition()
    private let state = Mutex((wakeups: 0, stopping: false, running: false))
    private let stopped = DispatchSemaphore(value: 0)

    init(store: Store, repository: MemberRepository, regions: KnownRegions, clock: ServiceClock, settings: Settings, logger: Logger) {
        self.store = store
        self.repository = repository
        self.regions = regions
        self.clock = clock
        self.settings = settings
        self.logger = logger
    }

    /// The file of `job`.
    func path(of job: ImportJob) -> String { settings.directory + "/" + job.fileName }

    func start() {
        state.withLock { $0.running = true }
        let thread = Thread { [self] in
            Self.yieldToRequests()
            loop()
            stopped.signal()
        }
        thread.name = "imports"
        thread.start()
    }

    /// Lowers the calling thread's priority (nice 10; Linux keeps it per thread), so that an
    /// import takes the cores the event loops leave: it runs beside the API, not ahead of it.
    static func yieldToRequests() {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
    }

    /// A job was stored: look now rather than at the next poll.
    func wake() {
        condition.lock()
        state.withLock { $0.wakeups += 1 }
        condition.signal()
        condition.unlock()
    }

    /// Stops after the batch in progress (committed, so the job resumes there) and waits.
    func stop() {
        let wasRunning = state.withLock { state in
            state.stopping = true
            return state.running
        }
        wake()
        if wasRunning { stopped.wait() }
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func loop() {
        while !isStopping {
            let seen = state.withLock { $0.wakeups }
            do {
                for id in try store.readSync({ try ImportRepository.unfinished(in: $0) }) where !isStopping {
                    _ = try runJob(id, onProgress: { _ in })
                }
            } catch {
                logger.error("import runner failed", metadata: ["error": "\(error)"])
            }
            condition.lock()
            if state.withLock({ $0.wakeups == seen && !$0.stopping }) {
                _ = condition.wait(until: Date(timeIntervalSinceNow: settings.pollSeconds))
            }
            condition.unlock()
        }
    }

    enum Outcome: Equatable {
        /// This call ran the job to its end (done or failed), or it had ended already.
        case finished
        /// Another process holds the job.
        case heldElsewhere
        /// Stopped between batches; the job resumes later.
        case interrupted
    }

    /// Runs job `id` here if no other process does; `onProgress` sees each committed batch.
    func runJob(_ id: Int64, onProgress: @escaping @Sendable (ImportJob) -> Void) throws -> Outcome {
        guard let job = try store.readSync({ try ImportRepository.find(id, scope: .all, in: $0) }) else { return .finished }
        guard !job.status.isFinished else { return .finished }
        let file = path(of: job)
        let lock: JobLock
        switch try JobLock.acquire(job, path: file, location: settings.location) {
        case .held: return .heldElsewhere
        case .fileMissing:
            try store.writeSync { [clock] in try ImportRepository.fail(id, reason: "the uploaded file is gone", now: clock.now, in: $0) }
            return .finished
        case .acquired(let acquired): lock = acquired
        }
        defer { lock.release() }
        // Read again under the lock: the process that held it may have finished the job.
        guard let current = try store.readSync({ try ImportRepository.find(id, scope: .all, in: $0) }),
              !current.status.isFinished
        else { return .finished }
        logger.info("import started", metadata: ["import_id": "\(id)", "resume_row": "\(current.rowsDone + 1)"])
        var run = ImportRun(
            job: current, path: file, store: store, repository: repository, regions: regions, clock: clock,
            batchRows: settings.batchRows)
        run.onProgress = onProgress
        run.shouldStop = { [self] in isStopping }
        do {
            try run.run()
        } catch is ImportRun.Interrupted {
            return .interrupted
        } catch is ImportRun.Superseded {
            return .heldElsewhere
        }
        if let ended = try store.readSync({ try ImportRepository.find(id, scope: .all, in: $0) }) {
            logger.info("import finished", metadata: [
                "import_id": "\(id)", "status": "\(ended.status.rawValue)", "accepted": "\(ended.accepted)",
                "rejected": "\(ended.rejected)", "duplicates": "\(ended.duplicates)",
            ])
            if ended.status.isFinished { unlink(file) }
        }
        return .finished
    }
}
