import Foundation
import Glibc

/// The write end of the pipe the signal handler writes to; set once, before any handler is
/// installed, so the handler only ever reads it.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Signals delivered as bytes on a pipe, read by a thread of its own that calls `body`.
///
/// The handler is installed with `sigaction` before `handle` returns, so a signal sent the moment
/// after (a script that sends SIGTERM once "listening" is logged) is never lost. A
/// `DispatchSource` signal source is not: on Linux its registration completes later, on
/// dispatch's manager thread, and a signal that arrives first meets the `SIG_IGN` it needs and
/// is dropped; under load that window lasted long enough to lose a test's SIGTERM. The handler
/// does the one async-signal-safe thing, `write`; everything else runs on the reading thread.
enum SignalPipe {
    static func handle(_ signals: [Int32], _ body: @escaping @Sendable (Int32) -> Void) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { fatalError("pipe failed: \(errno)") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }  // not inherited by child processes
        // The handler must never block: with 65,536 signals unread, the pipe drops the next.
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        signalPipeWriteEnd = ends[1]
        let readEnd = ends[0]
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 { body(Int32(byte)) } else if count < 0, errno == EINTR { continue } else { return }
            }
        }
        thread.name = "signals"
        thread.start()
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }
}
