import Foundation
import Testing

/// The nightly form end to end: import, nightly reconcile, accept, history, explain, staleness.
@Suite("coexist nightly mode", .serialized)
struct NightlyCommandTests {
    /// report.json without what differs by design between the two forms: the timestamp and the nightly keys.
    private func comparable(_ report: [String: Any]) throws -> String {
        var report = report
        report["generatedAt"] = nil
        report["nightly"] = nil
        if let findings = report["findings"] as? [[String: Any]] {
            report["findings"] = findings.map { finding in
                finding.filter { !["newSinceLastRun", "firstSeenRun", "accepted", "acceptanceExpired"].contains($0.key) }
            }
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    }

    @Test("a nightly run against stored baselines finds exactly what the file-to-file reconcile finds")
    func nightlyEqualsFileToFile() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        let imported = try work.run(["import", "SampleData/baseline", "--label", "onboarding"])
        #expect(imported.status == 0)
        #expect(imported.stdout.contains("recorded for 14 tenant(s) seen for the first time"), "\(imported.stdout)")
        let again = try work.run(["import", "SampleData/baseline"])
        #expect(again.stdout.contains("nothing new: these exports are snapshot 1 \"onboarding\""), "\(again.stdout)")
        let nightly = try work.run(["reconcile", "--current", "SampleData/current", "--out", work.path("nightly")])
        let files = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/baseline", "--current", "SampleData/current", "--out", work.path("files"),
        ])
        #expect(nightly.status == files.status)
        #expect(nightly.status == 1)
        let stored = try work.json("nightly/report.json")
        let direct = try work.json("files/report.json")
        #expect(try comparable(stored) == comparable(direct))
        #expect((stored["findings"] as? [Any])?.count == 33)
        let notes = try #require(stored["nightly"] as? [String: Any])
        #expect(notes["run"] as? Int == 1)
        #expect(notes["newSinceLastRun"] as? Int == 33)
        let baselines = try #require(notes["baselines"] as? [[String: Any]])
        #expect(baselines.count == 14)
        #expect(baselines.allSatisfy { $0["origin"] as? String == "import" && $0["recordedThisRun"] as? Bool == false })
        #expect(baselines.contains { $0["lateBaseline"] is String }, "SampleData has relationships established before the baseline")
    }

    @Test("the second run marks nothing new and says the inputs are unchanged; a tenant seen first gets a baseline")
    func secondRunAndFirstSeen() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        // No import: every tenant is seen for the first time and compared with itself.
        let first = try work.run(["reconcile", "--current", "SampleData/current", "--out", work.path("r1")])
        #expect(first.stdout.contains("recorded for 14 tenant(s) seen for the first time"), "\(first.stdout)")
        let report = try work.json("r1/report.json")
        let notes = try #require(report["nightly"] as? [String: Any])
        #expect((notes["baselines"] as? [[String: Any]])?.allSatisfy { $0["recordedThisRun"] as? Bool == true } == true)
        // Compared with itself, a first-seen tenant gets what a file-to-file run of the set against itself gives.
        let itself = try CLIRunner.run([
            "reconcile", "--baseline", "SampleData/current", "--current", "SampleData/current", "--out", work.path("itself"),
        ])
        #expect(itself.status == first.status)
        let keys = { (report: [String: Any]) in
            ((report["findings"] as? [[String: Any]]) ?? []).map {
                "\($0["rule"] ?? "")|\($0["tenantId"] ?? "")|\($0["subscriptionId"] ?? "")"
            }
        }
        #expect(keys(report) == keys(try work.json("itself/report.json")))
        let rules = Set(((report["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String })
        #expect(rules.isDisjoint(with: ["preexisting-changed", "advisor-changed", "subscription-added", "invitation-unauthorized"]))
        #expect(rules.contains("direct-not-read-only"), "state checks still run on a first-seen tenant")
        let summary = try String(contentsOf: work.root.appendingPathComponent("r1/summary.md"), encoding: .utf8)
        #expect(summary.contains("Baseline recorded this run"))

        let second = try work.run(["reconcile", "--current", "SampleData/current", "--out", work.path("r2")])
        #expect(second.status == first.status)
        #expect(second.stdout.contains("inputs unchanged since run 1"), "\(second.stdout)")
        let again = try #require(try work.json("r2/report.json")["nightly"] as? [String: Any])
        #expect(again["newSinceLastRun"] as? Int == 0)
        #expect(again["inputsUnchangedSinceRun"] as? Int == 1)
        #expect(again["previousRun"] as? Int == 1)
    }

    @Test("an accepted finding stops failing the run until its values change")
    func acceptAndExpiry() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        try work.writeSet("baseline")
        try work.writeSet("monthly", billingCycle: "monthly")
        try work.writeSet("triennial", billingCycle: "triennial")
        #expect(try work.run(["import", work.path("baseline"), "--as-of", "2026-10-01"]).status == 0)
        let failing = try work.run([
            "reconcile", "--current", work.path("monthly"), "--current-as-of", "2026-11-01", "--out", work.path("r1"),
        ])
        #expect(failing.status == 1, "\(failing.stderr)")
        let accepted = try work.run([
            "accept", "--rule", "preexisting-changed", "--tenant", "contoso.example", "--reason", "customer asked, ticket 42", "--by",
            "Petra",
        ])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("accepted preexisting-changed of run 1"))

        let passing = try work.run([
            "reconcile", "--current", work.path("monthly"), "--current-as-of", "2026-11-02", "--out", work.path("r2"),
        ])
        #expect(passing.status == 0, "the only error is accepted: \(passing.stdout)")
        #expect(passing.stdout.contains("accepted   1 finding(s) accepted by finance"), "\(passing.stdout)")
        #expect(!passing.stdout.contains("✗ preexisting-changed"), "an accepted finding is not listed as failing: \(passing.stdout)")
        #expect(failing.stdout.contains("✗ preexisting-changed (new):"), "the first night's finding is new: \(failing.stdout)")
        let finding = try #require(
            (try work.json("r2/report.json")["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "preexisting-changed" })
        let acceptance = try #require(finding["accepted"] as? [String: Any])
        #expect(acceptance["by"] as? String == "Petra")
        #expect(acceptance["reason"] as? String == "customer asked, ticket 42")
        #expect(try work.json("r2/report.json")["status"] as? String == "clean")

        let changed = try work.run([
            "reconcile", "--current", work.path("triennial"), "--current-as-of", "2026-11-03", "--out", work.path("r3"),
        ])
        #expect(changed.status == 1, "the values changed: the acceptance no longer holds")
        let expired = try #require(
            (try work.json("r3/report.json")["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "preexisting-changed" })
        #expect(expired["acceptanceExpired"] as? Bool == true)
        #expect(expired["accepted"] is NSNull)

        let history = try work.run(["history"])
        #expect(history.stdout.contains("Petra accepted preexisting-changed (run 1)"), "\(history.stdout)")
        #expect(history.stdout.contains("run 2"))
        let explain = try work.run(["explain", "--tenant", "Contoso GmbH"])
        #expect(explain.stdout.contains("billingCycle annual → monthly"), "\(explain.stdout)")
        #expect(explain.stdout.contains("first in run 1"))
        #expect(explain.stdout.contains("accepted by Petra"))
    }

    @Test("a stale current export set is refused unless --allow-stale")
    func staleInput() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        try work.writeSet("set")
        #expect(try work.run(["import", work.path("set"), "--as-of", "2026-10-01"]).status == 0)
        #expect(
            try work.run(["reconcile", "--current", work.path("set"), "--current-as-of", "2026-11-20", "--out", work.path("r1")]).status
                == 0)
        let stale = try work.run(["reconcile", "--current", work.path("set"), "--current-as-of", "2026-11-19", "--out", work.path("r2")])
        #expect(stale.status == 2)
        #expect(stale.stderr.contains("older than run 1's (2026-11-20)"), "\(stale.stderr)")
        let allowed = try work.run([
            "reconcile", "--current", work.path("set"), "--current-as-of", "2026-11-19", "--allow-stale", "--out", work.path("r2"),
        ])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    @Test("preflight: ready records the baseline, not ready exits 1 and records nothing")
    func preflightVerdicts() throws {
        let work = try NightlyWorkspace()
        defer { work.remove() }
        try work.writeSet("ready")
        try work.writeSet("nousers", users: false)
        let notReady = try work.run(["preflight", "--tenant", "contoso.example", work.path("nousers"), "--json"])
        #expect(notReady.status == 1)
        let verdict = try #require(try JSONSerialization.jsonObject(with: Data(notReady.stdout.utf8)) as? [String: Any])
        #expect(verdict["verdict"] as? String == "not-ready")
        let codes = ((verdict["problems"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("no-partner-users"))
        #expect((verdict["baseline"] as? [String: Any])?["recorded"] as? Bool == false)
        #expect(try work.run(["baseline", "list"]).stdout.contains("no baseline recorded"))

        let ready = try work.run(["preflight", "--tenant", WorkspaceIDs.tenant, work.path("ready"), "--as-of", "2026-10-01"])
        #expect(ready.status == 0, "\(ready.stdout + ready.stderr)")
        #expect(ready.stdout.contains("READY"))
        #expect(ready.stdout.contains("Microsoft 365 E3 [Direct] 10 seats, active, advisors POR:1234567"))
        #expect(ready.stdout.contains("alice@partner.example: AdminAgent"))
        #expect(ready.stdout.contains("recorded: snapshot 1"))
        #expect(try work.run(["baseline", "list"]).stdout.contains("recorded by preflight"))

        let sample = try work.run(["preflight", "--tenant", "muellersoehne.onmicrosoft.com", "SampleData/baseline", "--json"])
        #expect(sample.status == 0, "\(sample.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(sample.stdout.utf8)) as? [String: Any])
        #expect((report["protected"] as? [Any])?.count == 3)
        #expect((report["inviters"] as? [Any])?.count == 3, "Anna, Jonas and Léa, each once")
    }
}

/// Ids of the workspace's small export set.
enum WorkspaceIDs {
    static let tenant = NightlyWorkspace.tenant
}
