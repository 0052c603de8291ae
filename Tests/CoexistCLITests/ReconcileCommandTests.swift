import Foundation
import Testing

/// The CLI end to end: exit codes of SPEC §6, the reports of §5, the sample of the README.
@Suite("coexist reconcile", .serialized)
struct ReconcileCommandTests {
    private func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test("the README's sample run produces exactly the designed findings")
    func sampleData() throws {
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--out", out.path,
        ])
        #expect(result.status == 1, "findings at error severity: \(result.stderr)")
        #expect(result.stdout.contains("FINDINGS"))
        for name in ["report.json", "summary.md", "findings.csv", "changes.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        let report = try json(out.appendingPathComponent("report.json"))
        #expect(report["status"] as? String == "findings")
        let findings = try #require(report["findings"] as? [[String: Any]])
        func key(_ object: [String: Any]) -> String {
            ["rule", "tenantId", "subscriptionId", "skuId"].map { (object[$0] as? String) ?? "-" }.joined(separator: "|")
        }
        let expectedData = try Data(contentsOf: CLIRunner.root.appendingPathComponent("SampleData/expected-findings.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [[String: Any]])
        let actualKeys = findings.map(key).sorted()
        let expectedKeys = expected.map(key).sorted()
        #expect(
            actualKeys == expectedKeys,
            "unexpected: \(Set(actualKeys).subtracting(expectedKeys)); missing: \(Set(expectedKeys).subtracting(actualKeys))")
        let rules = try #require(report["rules"] as? [[String: Any]])
        #expect(rules.allSatisfy { $0["evaluated"] as? Bool == true }, "the sample evaluates every rule")
        // Every rule of SPEC §4 fires at least once in the sample.
        let fired = Set(findings.compactMap { $0["rule"] as? String })
        for rule in rules.compactMap({ $0["id"] as? String }) where rule != "duplicate-key" && rule != "invalid-value" {
            #expect(fired.contains(rule), "\(rule) never fires in SampleData")
        }
        #expect(result.stderr.contains("README.txt"), "the README in the export set is skipped with a notice")
    }

    @Test("reruns are byte-identical apart from the timestamp")
    func deterministic() throws {
        let first = try CLIRunner.temporaryDirectory()
        let second = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: first); try? FileManager.default.removeItem(at: second) }
        for out in [first, second] {
            _ = try CLIRunner.run([
                "reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--out", out.path, "-q",
            ])
        }
        for name in ["report.json", "summary.md", "findings.csv", "changes.csv", "report.html"] {
            let strip = { (url: URL) throws -> String in
                try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
                    .split(separator: "\n").filter { !$0.contains("generatedAt") && !$0.contains("Generated ") }.joined(separator: "\n")
            }
            #expect(try strip(first) == strip(second), "\(name) differs between runs")
        }
    }

    @Test("an empty current export set is nothing-audited, exit 3")
    func nothingAudited() throws {
        let work = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let current = work.appendingPathComponent("current")
        try FileManager.default.createDirectory(at: current, withIntermediateDirectories: true)
        try "TenantId,SubscriptionId,Channel,OfferId,Quantity,Status\n".write(
            to: current.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/baseline", "--current", current.path, "--out", work.appendingPathComponent("out").path,
        ])
        #expect(result.status == 3)
        let report = try json(work.appendingPathComponent("out/report.json"))
        #expect(report["status"] as? String == "nothing-audited")
    }

    @Test("a broken file is exit 2 with file:line:column, and earlier reports stay")
    func brokenInput() throws {
        let work = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let out = work.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "earlier".write(to: out.appendingPathComponent("report.json"), atomically: true, encoding: .utf8)
        let bad = work.appendingPathComponent("bad.csv")
        try "TenantId,SubscriptionId,Channel,OfferId,Quantity,Status\n0f1e0000-0000-0000-0000-000000000001,\"6c1a,Direct,X,1,active\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["reconcile", "--baseline", "SampleData/baseline", "--current", bad.path, "--out", out.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.csv:2:"), "names file and line: \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(try String(contentsOf: out.appendingPathComponent("report.json"), encoding: .utf8) == "earlier")
    }

    @Test("invalid values are findings and the rest is still reconciled")
    func invalidValues() throws {
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/broken", "--current", "SampleData/broken", "--out", out.path, "--partner-id", "4847383",
        ])
        #expect(result.status == 1)
        let report = try json(out.appendingPathComponent("report.json"))
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["rule"] as? String == "invalid-value" })
        #expect(findings.contains { $0["rule"] as? String == "duplicate-key" })
        #expect(!findings.contains { $0["rule"] as? String == "preexisting-missing" })
    }

    @Test(
        "usage errors exit 2 with one clear message",
        arguments: [
            ["reconcile", "--baseline", "SampleData/baseline"],
            ["reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--store", "unused.sqlite"],
            ["reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--fail-on", "fatal"],
            ["reconcile", "--baseline", "no/such/dir", "--current", "SampleData/current"],
            ["reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--as-of", "yesterday"],
            ["frobnicate"],
        ])
    func usageErrors(arguments: [String]) throws {
        let result = try CLIRunner.run(
            arguments + ["--out", FileManager.default.temporaryDirectory.appendingPathComponent("coexist-unused").path])
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test("--fail-on info fails on info findings; --allow-incomplete turns 5 into 0")
    func failOnAndIncomplete() throws {
        let work = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let file = work.appendingPathComponent("p.csv")
        try
            "TenantId,SubscriptionId,Channel,OfferId,Quantity,Status\n0f1e0000-0000-0000-0000-000000000001,6c1a0000-0000-0000-0000-000000000001,Direct,X,1,active\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let incomplete = try CLIRunner.run([
            "reconcile", "--baseline", file.path, "--current", file.path, "--out", work.appendingPathComponent("a").path,
        ])
        #expect(incomplete.status == 5, "relationship rules cannot run: \(incomplete.stdout)")
        let allowed = try CLIRunner.run([
            "reconcile", "--baseline", file.path, "--current", file.path, "--out", work.appendingPathComponent("b").path,
            "--allow-incomplete",
        ])
        #expect(allowed.status == 0)
        let failOn = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--out",
            work.appendingPathComponent("c").path, "--fail-on", "info", "--config", writeConfig(in: work),
        ])
        #expect(failOn.status == 1)
    }

    private func writeConfig(in directory: URL) throws -> String {
        let url = directory.appendingPathComponent("coexist.json")
        try #"{"rules": {"preexisting-missing": "off"}, "allowedInviterRoles": ["AdminAgent"]}"#.write(
            to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("a configuration mistake names the file and the key")
    func badConfig() throws {
        let work = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let url = work.appendingPathComponent("bad.json")
        try #"{"rules": {"no-such-rule": "off"}}"#.write(to: url, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--config", url.path, "--out", work.path,
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.json"))
        #expect(result.stderr.contains("no-such-rule"))
    }
}

@Suite("coexist validate and rules")
struct OtherCommandTests {
    @Test func validateJSON() throws {
        let result = try CLIRunner.run(["validate", "--json", "SampleData/current", "SampleData/broken"])
        #expect(result.status == 1, "broken has record problems")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(object["files"] as? [[String: Any]])
        let kinds = Set(files.compactMap { $0["kind"] as? String })
        #expect(
            kinds.isSuperset(of: ["partner-subscriptions", "customer-subscriptions", "customer-licenses", "relationships", "partner-users"])
        )
        let broken = files.filter { ($0["file"] as? String)?.contains("broken") == true }
        let problems = broken.flatMap { ($0["problems"] as? [[String: Any]]) ?? [] }
        #expect(problems.count >= 3)
        #expect(problems.allSatisfy { ($0["line"] as? Int ?? 0) > 1 && ($0["column"] as? Int ?? 0) >= 1 })
    }

    @Test func rulesListsEveryRule() throws {
        let result = try CLIRunner.run(["rules"])
        #expect(result.status == 0)
        for id in ["preexisting-missing", "advisor-changed", "license-mismatch", "subscription-added"] {
            #expect(result.stdout.contains(id))
        }
    }

    @Test func helpExitsZero() throws {
        let result = try CLIRunner.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("reconcile"))
    }
}

@Suite("Determinism")
struct DeterminismTests {
    /// The findings and changes without their evidence positions, which move when rows move.
    private func essence(_ directory: URL) throws -> [String] {
        let data = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]]).map { finding in
            ["rule", "severity", "tenantId", "subscriptionId", "skuId", "message", "before", "after"]
                .map { "\(finding[$0] ?? "-")" }.joined(separator: "|")
        }
        let changes = try #require(report["changes"] as? [[String: Any]]).map { change in
            let fields = (change["fields"] as? [[String: Any]] ?? []).map {
                "\($0["field"] ?? "")=\($0["before"] ?? "-")>\($0["after"] ?? "-")"
            }
            return "\(change["tenantId"] ?? "")|\(change["subscriptionId"] ?? "")|\(change["kind"] ?? "")|\(fields.joined(separator: ","))"
        }
        return findings + changes
    }

    @Test("shuffled rows and renamed files give the same findings and changes")
    func orderDoesNotMatter() throws {
        let work = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let shuffled = work.appendingPathComponent("current")
        try FileManager.default.createDirectory(at: shuffled, withIntermediateDirectories: true)
        let source = CLIRunner.root.appendingPathComponent("SampleData/current")
        for (index, name) in try FileManager.default.contentsOfDirectory(atPath: source.path).sorted().reversed().enumerated() {
            var text = try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8)
            if name == "partner-center-subscriptions.csv" {
                // Reverse the records (none of this file's quoted fields spans lines at a record start).
                var records: [String] = []
                var current = ""
                var quotes = 0
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    current += current.isEmpty ? String(line) : "\n" + line
                    quotes += line.filter { $0 == "\"" }.count
                    if quotes % 2 == 0 {
                        records.append(current)
                        current = ""
                    }
                }
                let header = records.removeFirst()
                text = ([header] + records.filter { !$0.isEmpty }.reversed()).joined(separator: "\n") + "\n"
            }
            // A new name changes the order in which files are read.
            try text.write(to: shuffled.appendingPathComponent("\(9 - index)-\(name)"), atomically: true, encoding: .utf8)
        }
        let first = work.appendingPathComponent("a")
        let second = work.appendingPathComponent("b")
        _ = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--out", first.path, "-q",
        ])
        _ = try CLIRunner.run(["reconcile", "--baseline", "SampleData/baseline", "--current", shuffled.path, "--out", second.path, "-q"])
        let expected = try essence(first)
        #expect(!expected.isEmpty)
        #expect(try essence(second) == expected)
    }

    @Test("an empty environment (cron) gives the same reports")
    func emptyEnvironment() throws {
        let work = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let first = work.appendingPathComponent("a")
        let second = work.appendingPathComponent("b")
        _ = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--out", first.path, "-q",
        ])
        let result = try CLIRunner.run(
            ["reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--out", second.path, "-q"],
            environment: [:])
        #expect(result.status == 1)
        #expect(try essence(second) == essence(first))
        let md = { (url: URL) in
            try String(contentsOf: url.appendingPathComponent("summary.md"), encoding: .utf8).split(separator: "\n").filter {
                !$0.contains("Generated")
            }
        }
        #expect(try md(second) == md(first))
    }
}
