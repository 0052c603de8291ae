import Foundation

/// The command layer's only way to talk to people: reports and summaries to stdout, diagnostics to stderr.
enum Terminal {
    /// Whether stderr is a terminal (interactive run) rather than a log file (cron).
    static let isInteractive = isatty(STDERR_FILENO) != 0

    /// Prints a line to stdout.
    static func out(_ line: String) {
        print(line)
    }

    /// Prints a note to stderr (advice that is not an error).
    static func note(_ message: String) {
        FileHandle.standardError.write(Data(("coexist: " + message + "\n").utf8))
    }

    /// Prints an error to stderr, prefixed so it stands out in cron mail.
    static func error(_ message: String) {
        let text = message.hasPrefix("Error:") ? message : "coexist: error: \(message)"
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
