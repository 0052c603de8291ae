import Foundation
import Testing

@testable import coexist

@Suite("huge-pages restart")
struct HugePagesTests {
    @Test("only the commands that read export sets restart for huge pages")
    func onlyExportReadingCommands() {
        for command in ["reconcile", "validate", "import", "preflight"] {
            #expect(Coexist.readsExportSets(["coexist", command, "--help"]), "\(command)")
        }
        for arguments in [["coexist"], ["coexist", "--version"], ["coexist", "rules"], ["coexist", "history"], ["coexist", "baseline"]] {
            #expect(!Coexist.readsExportSets(arguments), "\(arguments)")
        }
    }

    #if os(Linux)
        /// The dynamic loader of this machine, where it is at one of the usual places.
        static let loader = ["/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }

        @Test("run through the dynamic loader, validate still reads the sample (no restart of the loader)")
        func throughTheLoader() throws {
            let loader = try #require(Self.loader)
            let outcome = try CLIRunner.execute([loader, CLIRunner.binary.path, "validate", "SampleData/baseline"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains("partner-subscriptions"), "\(outcome.stdout)")
        }

        @Test("the restarted process keeps the name it was started under")
        func keepsItsName() throws {
            let work = try CLIRunner.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: work) }
            // A FIFO holds validate at its first read, long enough to read its name.
            let fifo = work.appendingPathComponent("held.csv").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let process = Process()
            process.executableURL = CLIRunner.binary
            process.arguments = ["validate", fifo]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            // The restart (if any) happens before the FIFO is opened: once it has a reader, the process
            // is past it. A writer that does not block polls for that reader, for ten seconds at most.
            var writer: Int32 = -1
            for _ in 0..<1000 where writer < 0 && process.isRunning {
                writer = open(fifo, O_WRONLY | O_NONBLOCK)
                if writer < 0 { usleep(10_000) }
            }
            try #require(writer >= 0, "validate never opened its input")
            close(writer)
            let name = try String(contentsOfFile: "/proc/\(process.processIdentifier)/comm", encoding: .utf8)
            #expect(name.trimmingCharacters(in: .whitespacesAndNewlines) == CLIRunner.binary.lastPathComponent)
        }
    #endif
}
