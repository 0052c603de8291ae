import Foundation
import Testing

/// `--limit NAME=VALUE` and the configuration's `limits`: every command that reads exports takes them.
@Suite("coexist --limit and configuration limits")
struct LimitOptionsTests {
    private let sample = ["--baseline", "SampleData/baseline", "--current", "SampleData/current"]

    @Test("--limit lowers a cap: exit 2 with file:line:column and the limit's name, no report written")
    func lowered() throws {
        let work = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let out = work.appendingPathComponent("reports").path
        let result = try CLIRunner.run(["reconcile"] + sample + ["--out", out, "--limit", "maxRecords=3"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.range(of: #"SampleData/baseline/[^:]+:\d+:\d+: .*limit maxRecords"#, options: .regularExpression) != nil,
            "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        // Raised far enough, the same run completes with its findings (exit 1).
        #expect(try CLIRunner.run(["reconcile"] + sample + ["--out", out, "--limit", "maxRecords=1000"]).status == 1)
    }

    @Test("an unknown limit or a bad value is a usage error naming the option")
    func badOption() throws {
        for argument in ["maxRecordz=3", "maxRecords=many", "maxXMLDepth=1000", "maxFields=0"] {
            let result = try CLIRunner.run(["validate", "SampleData/current", "--limit", argument])
            #expect(result.status == 2, "\(argument): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("--limit"), "\(argument): \(result.stderr)")
        }
    }

    @Test("the configuration's limits apply, and --limit wins over them")
    func configuration() throws {
        let work = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let config = work.appendingPathComponent("coexist.json")
        try #"{"limits": {"maxFieldBytes": 4}}"#.write(to: config, atomically: true, encoding: .utf8)
        let out = work.appendingPathComponent("reports").path
        let limited = try CLIRunner.run(["reconcile"] + sample + ["--out", out, "--config", config.path])
        #expect(limited.status == 2)
        #expect(limited.stderr.contains("limit maxFieldBytes"), "\(limited.stderr)")
        let raised = try CLIRunner.run(["reconcile"] + sample + ["--out", out, "--config", config.path, "--limit", "maxFieldBytes=1000"])
        #expect(raised.status == 1, "\(raised.stderr)")

        try #"{"limits": {"maxXMLDepth": 300}}"#.write(to: config, atomically: true, encoding: .utf8)
        let refused = try CLIRunner.run(["reconcile"] + sample + ["--out", out, "--config", config.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("coexist.json: limits: maxXMLDepth may be at most 255"), "\(refused.stderr)")
    }

    @Test("import takes --limit, and refuses before storing anything")
    func importLimit() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        try work.writeLargeSet("large", tenants: 2, perTenant: 5)
        let refused = try work.run(["import", work.path("large"), "--limit", "maxRecords=9"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("partner.csv:11:1:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("the store is unchanged"))
        #expect(try work.run(["import", work.path("large"), "--limit", "maxRecords=10"]).status == 0)
    }
}
