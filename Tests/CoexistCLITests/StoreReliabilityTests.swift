import CoexistStore
import Foundation
import Logging
import Testing

/// The store's promises under stress, with real processes: the lock, kill -9, a full disk, a read-only directory.
@Suite("coexist store reliability", .serialized)
struct StoreReliabilityTests {
    private func check(_ path: String) throws -> (problems: [String], snapshots: [SnapshotSummary]) {
        let store = try Store(path: path, access: .read, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        return (try store.check(), try store.read { try $0.snapshots() })
    }

    @Test("a second run exits 75 at once and names the holder's pid; a released lock lets it run")
    func lockedStore() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        try work.writeSet("set")
        var holder: StoreLock? = try StoreLock(store: work.store)
        let refused = try work.run(["import", work.path("set")])
        #expect(refused.status == 75)
        #expect(refused.stderr.contains("locked by process \(getpid())"), "\(refused.stderr)")
        holder?.release()
        holder = nil
        #expect(try work.run(["import", work.path("set")]).status == 0)
    }

    @Test("kill -9 in the middle of an import leaves a consistent store, the import whole or absent")
    func killedImport() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        try work.writeSet("small")
        try work.writeLargeSet("large", tenants: 800, perTenant: 25)
        #expect(try work.run(["import", work.path("small")]).status == 0)
        for delay in [0.3, 1.0] {
            let process = Process()
            process.executableURL = CLIRunner.binary
            process.arguments = ["import", work.path("large"), "--store", work.store]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Wait until it is storing (the transaction is open), then kill it without warning.
            var seen = Data()
            while !String(decoding: seen, as: UTF8.self).contains("storing snapshot") {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen.append(chunk)
            }
            Thread.sleep(forTimeInterval: delay)
            let wasRunning = process.isRunning
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let (problems, snapshots) = try check(work.store)
            #expect(problems.isEmpty, "integrity after kill -9: \(problems)")
            // Either the large import is entirely there or not at all: never a partial snapshot.
            #expect(snapshots.count == 1 || snapshots.count == 2)
            if snapshots.count == 2 { #expect(snapshots[1].subscriptions == 20_000) }
            #expect(wasRunning || snapshots.count == 2)
        }
        // The killed holder released its lock: the next import runs and completes.
        let finished = try work.run(["import", work.path("large")])
        #expect(finished.status == 0, "\(finished.stderr)")
        let (problems, snapshots) = try check(work.store)
        #expect(problems.isEmpty)
        #expect(snapshots.last?.subscriptions == 20_000)
    }

    @Test("kill -9 during a nightly run leaves the previous reports and the store intact")
    func killedRun() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        try work.writeSet("small")
        try work.writeLargeSet("large", tenants: 800, perTenant: 25)
        let reports = work.path("reports")
        #expect(try work.run(["reconcile", "--current", work.path("small"), "--out", reports]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: reports).appendingPathComponent("report.json"))
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["reconcile", "--current", work.path("large"), "--store", work.store, "--out", reports]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let after = try Data(contentsOf: URL(fileURLWithPath: reports).appendingPathComponent("report.json"))
        let (problems, _) = try check(work.store)
        #expect(problems.isEmpty)
        let history = try work.run(["history", "--json"])
        let runs = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])?["runs"] as? [Any]
        // Either the run finished before the kill (and its reports replaced the old ones whole) or it left no trace.
        #expect(runs?.count == 1 ? after == before : runs?.count == 2)
    }

    @Test("a full disk is exit 4 with a clear message, and the store is left as it was")
    func diskFull() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        try work.writeSet("small")
        try work.writeLargeSet("large", tenants: 200, perTenant: 25)
        #expect(try work.run(["import", work.path("small")]).status == 0)
        // A file-size limit (util-linux prlimit) makes every write past it fail the way a full disk does.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") else { return }
        let limited = try CLIRunner.execute([
            "/usr/bin/prlimit", "--fsize=300000", CLIRunner.binary.path, "import", work.path("large"), "--store", work.store,
        ])
        #expect(limited.status == 4, "\(limited.stderr)")
        #expect(limited.stderr.contains("the store is unchanged"), "\(limited.stderr)")
        let (problems, snapshots) = try check(work.store)
        #expect(problems.isEmpty)
        #expect(snapshots.count == 1)
    }

    @Test("a store in a read-only directory is exit 4 with a clear message")
    func readOnlyDirectory() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        try work.writeSet("small")
        let locked = work.root.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work.root.path)
        let store = locked.appendingPathComponent("coexist.sqlite").path
        var program = [CLIRunner.binary.path]
        if getuid() == 0 {
            // As root, permissions do not stop writes: run as nobody, as cron runs an unprivileged job, from a
            // copy of the binary that nobody can reach wherever the repository is checked out.
            let copy = work.root.appendingPathComponent("coexist").path
            try FileManager.default.copyItem(atPath: CLIRunner.binary.path, toPath: copy)
            program = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", copy]
            guard try CLIRunner.execute(program + ["--version"]).status == 0 else { return }  // no setpriv here: nothing to prove
        }
        let result = try CLIRunner.execute(program + ["import", work.path("small"), "--store", store])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("cannot"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: store))
    }
}
