import Foundation
import Logging

/// swift-log handler for stderr: a readable line on a terminal, one logfmt line per event under cron
/// so that log collectors can parse it.
struct StderrLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let interactive: Bool

    init(level: Logger.Level, interactive: Bool) {
        self.logLevel = level
        self.interactive = interactive
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let line: String
        if interactive {
            let details = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "coexist: \(event.level): \(event.message)" + (details.isEmpty ? "" : " (\(details))")
        } else {
            let fields =
                [("ts", ISO8601DateFormatter().string(from: Date())), ("level", "\(event.level)"), ("msg", "\(event.message)")]
                + merged.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
            line = fields.map { "\($0.0)=\(logfmt($0.1))" }.joined(separator: " ")
        }
        ProgressLine.clearForMessage()
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private func logfmt(_ value: String) -> String {
        guard value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) || value.isEmpty else { return value }
        return "\""
            + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// A logger for the command layer to hand to the libraries.
    static func logger(verbose: Bool, quiet: Bool) -> Logger {
        let level: Logger.Level = quiet ? .warning : (verbose ? .debug : .notice)
        let interactive = Terminal.isInteractive
        return Logger(label: "coexist") { _ in StderrLogHandler(level: level, interactive: interactive) }
    }
}

/// Wall time per phase of a run, for `--verbose` ("read 3.1 s, rules and diff 1.2 s, …").
struct PhaseTimer: CustomStringConvertible {
    private let clock = ContinuousClock()
    private var started: ContinuousClock.Instant
    private var phases: [(name: String, duration: Duration)] = []

    init() { started = clock.now }

    /// Ends the running phase under `name` and starts the next.
    mutating func end(_ name: String) {
        let now = clock.now
        phases.append((name, now - started))
        started = now
    }

    var description: String {
        phases.map { "\($0.name) \(Self.seconds($0.duration))" }.joined(separator: ", ")
    }

    /// The five longest of named durations, longest first: "diff 3.10 s, license-mismatch 1.20 s, …".
    static func slowest(_ durations: [(id: String, duration: Duration)]) -> String {
        durations.sorted { $0.duration > $1.duration }.prefix(5).map { "\($0.id) \(seconds($0.duration))" }.joined(separator: ", ")
    }

    private static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return "\(String(format: "%.2f", seconds)) s"
    }
}

/// Values a command keeps alive until the process exits.
///
/// A run holds millions of records; releasing them one by one after the reports are written takes a
/// noticeable share of the run and changes nothing, since the process ends right after.
enum RunResources {
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keepUntilExit(_ values: Any...) {
        kept.append(contentsOf: values)
    }
}
