import Foundation

/// Runs the built `coexist` executable as a user would, capturing stdout, stderr and the exit code.
struct CLIRunner {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The repository root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `coexist` binary next to the test bundle (SwiftPM builds it first: the test target depends on it).
    static let binary: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("coexist")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/coexist")
    }()

    static func run(_ arguments: [String], in directory: URL = root, environment: [String: String]? = nil) throws -> Outcome {
        try launch(binary, arguments, in: directory, environment: environment)
    }

    /// Runs any program (`argv[0]`, a full path) with its arguments, as `run` does for coexist.
    static func execute(_ argv: [String], environment: [String: String]? = nil) throws -> Outcome {
        try launch(URL(fileURLWithPath: argv[0]), Array(argv.dropFirst()), in: root, environment: environment)
    }

    private static func launch(_ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]?) throws
        -> Outcome
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
