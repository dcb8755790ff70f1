import ArgumentParser
import Foundation
import Glibc
import Sinergi

/// `sinergi import FILE.csv --organization ID`: what `POST /v1/imports` does, from a shell, with
/// a progress bar on a terminal and plain progress lines otherwise.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a CSV member list (the columns of POST /v1/members), resumably, with progress.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The CSV file: UTF-8, a header row, ',' or ';' between fields.")
    var file: String

    @Option(help: "The organization rows that name no registered_via.organization_id are registered for.")
    var organization: Int64?

    func run() throws {
        guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let config = try global.loadConfig()
        let logger = makeLogger(config: config)
        let progress = ProgressDisplay(isTerminal: isatty(STDERR_FILENO) == 1)
        let figures = exitingOnError(code: 1, { "cannot import: \(Keys.Create.explain($0))" }) {
            let application = try Application(config: config, logger: logger)
            defer { application.close() }
            return try application.importFile(file, organizationID: organization) { progress.show($0) }
        }
        progress.finish(figures)
        JSONLogHandler.flush()
        if figures.status == "failed" { throw ExitCode(1) }
    }
}

/// Progress on standard error: a bar redrawn in place on a terminal, a line every few seconds
/// otherwise (a log file keeps every line). `@unchecked`: the import calls `show` from one
/// thread at a time, and `finish` after the last `show`.
final class ProgressDisplay: @unchecked Sendable {
    private let isTerminal: Bool
    private let started = ContinuousClock.now
    private var lastLine = ContinuousClock.now - .seconds(60)

    init(isTerminal: Bool) {
        self.isTerminal = isTerminal
    }

    func show(_ figures: ImportFigures) {
        let now = ContinuousClock.now
        if !isTerminal, now - lastLine < .seconds(5) { return }
        lastLine = now
        let elapsed = Self.seconds(now - started)
        let rate = elapsed > 0 ? Double(figures.rowsDone) / elapsed : 0
        let fraction = figures.bytesTotal > 0 ? Double(figures.bytesDone) / Double(figures.bytesTotal) : 1
        var text = String(format: "%5.1f%%  %@ rows  %@ rows/s", fraction * 100, Self.grouped(figures.rowsDone), Self.grouped(Int64(rate)))
        if let total = figures.rowsTotal, rate > 0, total > figures.rowsDone {
            text += "  ETA " + Self.clock(Double(total - figures.rowsDone) / rate)
        }
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(text)\u{1B}[K".utf8))
        } else {
            FileHandle.standardError.write(Data("import \(figures.id): \(text)\n".utf8))
        }
    }

    /// The summary, on standard output.
    func finish(_ figures: ImportFigures) {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        var summary = "import \(figures.id) \(figures.status): \(figures.rowsDone) rows, \(figures.accepted) accepted, "
            + "\(figures.rejected) rejected, \(figures.duplicates) duplicates, \(figures.warnings) with warnings"
        summary += String(format: " in %.1f s", Self.seconds(ContinuousClock.now - started))
        if let failure = figures.failure { summary += " (\(failure))" }
        print(summary)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func grouped(_ value: Int64) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}
