import CoexistIngest
import Foundation

/// One line on stderr that says how far a long run has come, redrawn in place:
///
///     reading · baseline/partner-subscriptions.csv 45% of 384 MB · current/partner-subscriptions.csv 41% of 389 MB
///
/// Shown only on a terminal: under cron (stderr a file or a pipe), with `--quiet` and with `TERM=dumb`
/// nothing is drawn, so logs never fill with carriage returns.
enum ProgressLine {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var visible = false
    nonisolated(unsafe) private static var enabled = false

    /// Whether a progress line may be drawn at all.
    static func shouldShow(quiet: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !quiet && Terminal.isInteractive && environment["TERM"] != "dumb"
    }

    /// Starts drawing the reading progress of input files, when ``shouldShow(quiet:environment:)``.
    static func start(quiet: Bool) {
        guard shouldShow(quiet: quiet) else { return }
        lock.withLock { enabled = true }
        ReadProgress.install { files in
            if let line = reading(files, width: terminalWidth()) { draw(line) }
        }
    }

    /// Replaces the line with the name of the phase that follows reading (`checking the rules`).
    static func phase(_ text: String) {
        ReadProgress.uninstall()
        draw(text + "…")
    }

    /// A counter for a phase of known length: `storing records 120000/1000000 (12%)`.
    static func counter(_ label: String) -> @Sendable (Int, Int) -> Void {
        ReadProgress.uninstall()
        return { done, total in
            guard total > 0 else { return }
            draw("\(label) \(done)/\(total) (\(done * 100 / total)%)")
        }
    }

    /// Removes the line, before the summary is printed or an error reported.
    static func stop() {
        ReadProgress.uninstall()
        clearForMessage()
        lock.withLock { enabled = false }
    }

    /// Clears the line so a log message starts at the left; the next update draws it again.
    static func clearForMessage() {
        lock.withLock {
            if visible { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            visible = false
        }
    }

    private static func draw(_ text: String) {
        lock.withLock {
            guard enabled else { return }
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            visible = true
        }
    }

    /// Files smaller than this are read in a blink and not shown (built-in data, small exports).
    static let smallestShown: Int64 = 1_000_000

    /// The line for the files read so far, cut to `width` characters: the files still being read,
    /// each with its share and size; when none is, how much was read. Nil when every file is small.
    static func reading(_ files: [ReadProgress.File], width: Int) -> String? {
        let files = files.filter { $0.total >= smallestShown }
        guard !files.isEmpty else { return nil }
        let open = files.filter { !$0.finished }
        let parts: [String]
        if open.isEmpty {
            let total = files.reduce(Int64(0)) { $0 + $1.total }
            parts = ["read \(files.count) file\(files.count == 1 ? "" : "s") (\(megabytes(total)))"]
        } else {
            parts = open.map { file in
                let percent = file.total > 0 ? min(100, file.read * 100 / file.total) : 0
                return "\(shortName(file.path)) \(percent)% of \(megabytes(file.total))"
            }
        }
        let line = (["reading"] + parts).joined(separator: " · ")
        guard width > 1, line.count >= width else { return line }
        return String(line.prefix(width - 2)) + "…"
    }

    /// The file name with its directory (`baseline/partner-subscriptions.csv`): baseline and current
    /// files often share a name.
    static func shortName(_ path: String) -> String {
        path.split(separator: "/").suffix(2).joined(separator: "/")
    }

    static func megabytes(_ bytes: Int64) -> String {
        bytes >= 10_000_000 ? "\(bytes / 1_000_000) MB" : String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 100 }
        return Int(size.ws_col)
    }
}
