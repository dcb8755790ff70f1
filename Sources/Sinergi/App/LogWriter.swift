internal import Dispatch
internal import Foundation
internal import Glibc
internal import Synchronization

/// Writes log lines to a descriptor from a thread of its own, so an event loop never waits
/// on a write(2) per request: lines gather in a buffer and leave a few milliseconds later in
/// one write. If the descriptor cannot keep up, lines beyond `capacity` are counted and
/// dropped rather than stalling the server, and the count is reported in a line of its own.
final class LogWriter: Sendable {
    /// The process's standard error.
    static let standardError = LogWriter(descriptor: 2)

    private struct State {
        var buffer: [UInt8] = []
        var dropped = 0
        var isWriterWaiting = false
    }

    private let descriptor: Int32
    private let capacity = 8 << 20
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    init(descriptor: Int32) {
        self.descriptor = descriptor
        let thread = Thread { [self] in run() }
        thread.name = "log-writer"
        thread.start()
    }

    /// Queues one line (with its newline).
    func write(_ line: [UInt8]) {
        let wakeWriter = state.withLock { state in
            if state.buffer.count + line.count > capacity {
                state.dropped += 1
            } else {
                state.buffer.append(contentsOf: line)
            }
            defer { state.isWriterWaiting = false }
            return state.isWriterWaiting
        }
        if wakeWriter { wake.signal() }
    }

    /// Writes what is queued now, on the calling thread; for the last lines before exit.
    func flush() {
        writeAll(take())
    }

    private func take() -> [UInt8] {
        state.withLock { state in
            var taken: [UInt8] = []
            swap(&taken, &state.buffer)
            if state.dropped > 0 {
                taken.append(contentsOf: Array("{\"level\":\"warning\",\"msg\":\"log lines dropped\",\"count\":\(state.dropped)}\n".utf8))
                state.dropped = 0
            }
            if taken.isEmpty { state.isWriterWaiting = true }
            return taken
        }
    }

    private func run() {
        while true {
            let chunk = take()
            if chunk.isEmpty {
                wake.wait()
                continue
            }
            writeAll(chunk)
            // Let lines gather: a few milliseconds of delay turns thousands of writes into hundreds.
            usleep(2_000)
        }
    }

    private func writeAll(_ bytes: [UInt8]) {
        Self.writeAll(bytes, to: descriptor)
    }

    /// Writes every byte to `descriptor`, retrying after signals; gives up on an error.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
