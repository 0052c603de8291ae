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

        /// The environment of the tests with huge pages asked for (or not).
        static func environment(hugePages: Bool) -> [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["COEXIST_HUGE_PAGES"] = hugePages ? "1" : nil
            environment["GLIBC_TUNABLES"] = nil
            return environment
        }

        /// Whether the kernel backs huge pages only on request, where the restart applies.
        static let kernelOnRequest =
            (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8))?.contains("[madvise]") ?? false

        @Test("run through the dynamic loader with huge pages asked for, validate still reads the sample (no restart of the loader)")
        func throughTheLoader() throws {
            let loader = try #require(Self.loader)
            let outcome = try CLIRunner.execute(
                [loader, CLIRunner.binary.path, "validate", "SampleData/baseline"], environment: Self.environment(hugePages: true))
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains("partner-subscriptions"), "\(outcome.stdout)")
        }

        /// Starts `validate` on a FIFO, waits until it opens it (past any restart), and gives its name
        /// and environment as /proc shows them.
        static func heldValidate(hugePages: Bool) throws -> (name: String, environment: [String]) {
            let work = try CLIRunner.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: work) }
            let fifo = work.appendingPathComponent("held.csv").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let process = Process()
            process.executableURL = CLIRunner.binary
            process.arguments = ["validate", fifo]
            process.environment = environment(hugePages: hugePages)
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
            // Held open until /proc is read: at the writer's close, validate reads the end and exits.
            defer { close(writer) }
            let proc = "/proc/\(process.processIdentifier)"
            let name = try String(contentsOfFile: "\(proc)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let environ = try Data(contentsOf: URL(fileURLWithPath: "\(proc)/environ"))
            return (name, environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
        }

        @Test("asked for, the restart happens where the kernel backs huge pages on request, and keeps the process's name")
        func restartsWhenAskedKeepingItsName() throws {
            let held = try Self.heldValidate(hugePages: true)
            #expect(held.name == CLIRunner.binary.lastPathComponent)
            let restarted = held.environment.contains { $0.hasPrefix("GLIBC_TUNABLES=") && $0.contains("glibc.malloc.hugetlb=1") }
            #expect(restarted == Self.kernelOnRequest, "\(held.environment.filter { $0.hasPrefix("GLIBC") })")
        }

        @Test("without COEXIST_HUGE_PAGES=1 there is no restart")
        func noRestartByDefault() throws {
            let held = try Self.heldValidate(hugePages: false)
            #expect(held.name == CLIRunner.binary.lastPathComponent)
            #expect(!held.environment.contains { $0.hasPrefix("GLIBC_TUNABLES=") }, "\(held.environment.filter { $0.hasPrefix("GLIBC") })")
        }
    #endif
}
