import CoexistIngest
import Foundation
import Testing

@testable import coexist

/// The terminal's progress line: what it says, and that cron never sees it.
@Suite("progress line", .serialized)
struct ProgressLineTests {
    private func file(_ path: String, total: Int64, read: Int64, finished: Bool = false) -> ReadProgress.File {
        ReadProgress.File(path: path, total: total, read: read, finished: finished)
    }

    @Test("files being read show their share and size, named with their directory")
    func filesBeingRead() {
        let line = ProgressLine.reading(
            [
                file("/data/baseline/partner-subscriptions.csv", total: 384_000_000, read: 172_800_000),
                file("/data/current/partner-subscriptions.csv", total: 389_000_000, read: 155_600_000),
                file("/data/current/licenses.csv", total: 2_000_000, read: 2_000_000, finished: true),
            ], width: 200)
        #expect(
            line
                == "reading · baseline/partner-subscriptions.csv 45% of 384 MB · current/partner-subscriptions.csv 40% of 389 MB")
    }

    @Test("when every file is read, how much was read")
    func allRead() {
        let line = ProgressLine.reading(
            [
                file("a/b.csv", total: 1_500_000, read: 1_500_000, finished: true),
                file("a/c.csv", total: 2_500_000, read: 2_500_000, finished: true),
            ],
            width: 200)
        #expect(line == "reading · read 2 files (4.0 MB)")
    }

    @Test("small files (built-in data, a small export) are not worth a line")
    func smallFilesHidden() {
        #expect(ProgressLine.reading([file("Resources/offer-catalogue.csv", total: 40_000, read: 0)], width: 200) == nil)
        let line = ProgressLine.reading(
            [file("Resources/offer-catalogue.csv", total: 40_000, read: 0), file("x/current/big.csv", total: 20_000_000, read: 0)],
            width: 200)
        #expect(line == "reading · current/big.csv 0% of 20 MB")
    }

    @Test("a long line is cut to the terminal's width")
    func cutToWidth() {
        let line = ProgressLine.reading([file("/x/" + String(repeating: "n", count: 200) + ".csv", total: 10_000_000, read: 5)], width: 40)
        #expect(line?.count == 39)
        #expect(line?.hasSuffix("…") == true)
    }

    @Test("no progress line under cron, with --quiet or on a dumb terminal")
    func notShown() {
        // Under `swift test` stderr is not a terminal, as under cron.
        #expect(!ProgressLine.shouldShow(quiet: false))
        #expect(!ProgressLine.shouldShow(quiet: true, environment: ["TERM": "xterm"]))
    }

    @Test("a reconcile whose stderr is a pipe writes no carriage return or escape")
    func silentInLogs() throws {
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--out", out.path, "--verbose",
        ])
        #expect(result.status == 1)
        #expect(!result.stderr.contains("\r") && !result.stderr.contains("\u{1B}"))
        #expect(result.stderr.contains("time: read"), "--verbose reports the wall time per phase")
    }
}
