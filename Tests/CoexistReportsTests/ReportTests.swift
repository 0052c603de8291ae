import CoexistDiff
import CoexistModel
import CoexistRules
import Foundation
import Testing

@testable import CoexistReports

/// A small run with a finding of each severity and hostile text in tenant names and offers.
func sampleResult(failOn: Severity = .error) -> ReconcileResult {
    var direct = Scenario.subscription(1, quantity: 25)
    direct.offerName = "=HYPERLINK(\"http://evil.example\")"
    let moved = Scenario.subscription(2, tenant: 2)
    var baseline = Scenario.snapshot(partner: [direct, moved])
    var current = Scenario.snapshot(partner: [
        direct.with { $0.quantity = 30 }, moved.with { $0.channel = .csp },
        Scenario.subscription(3, channel: .csp, reseller: Scenario.partner),
    ])
    baseline.noteTenant(TenantInfo(id: Scenario.tenant(1), name: "<script>alert(1)</script> GmbH"))
    current.noteTenant(TenantInfo(id: Scenario.tenant(2), name: "Müller & Söhne | Co"))
    current.inputs = [
        InputFile(file: "current/partner.csv", sha256: "ab12", kind: .partnerSubscriptions, format: "canonical-csv", records: 3)
    ]
    return ReconcileResult.reconcile(
        baseline: baseline, current: current, configuration: RuleConfiguration(), partnerIDs: [Scenario.partner],
        failOn: failOn, runDay: ISODate(parsing: "2026-11-25")!, generatedAt: "2026-11-25T02:00:00Z", toolVersion: "test")
}

@Suite("Reports")
struct ReportTests {
    @Test func statusFollowsFailOnAndEvaluation() {
        #expect(sampleResult().status == .findings)
        let empty = ReconcileResult.reconcile(
            baseline: Scenario.snapshot(partner: [Scenario.subscription(1)]), current: Scenario.snapshot(partner: []),
            configuration: RuleConfiguration(), partnerIDs: [], failOn: .error, runDay: ISODate(day: 0), generatedAt: "", toolVersion: "")
        #expect(empty.status == .nothingAudited)
        let unchanged = ReconcileResult.reconcile(
            baseline: Scenario.snapshot(partner: [Scenario.subscription(1)]),
            current: Scenario.snapshot(partner: [Scenario.subscription(1)]),
            configuration: RuleConfiguration(), partnerIDs: [], failOn: .error, runDay: ISODate(day: 0), generatedAt: "", toolVersion: "")
        #expect(unchanged.status == .incomplete, "relationship rules had no input")
    }

    @Test func jsonReportHasTheSchemaAndNulls() throws {
        let text = JSONReport.render(sampleResult())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 1)
        #expect(object["status"] as? String == "findings")
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        for finding in findings {
            for key in ["rule", "severity", "tenantId", "subscriptionId", "message", "before", "after", "source", "baselineSource"] {
                #expect(finding.keys.contains(key), "finding lacks \(key)")
            }
        }
        let summary = try #require(object["summary"] as? [String: Any])
        let subscriptions = try #require(summary["subscriptions"] as? [String: Int])
        #expect(subscriptions["added"] == 1)
        #expect(subscriptions["changed"] == 2)
        #expect(text == JSONReport.render(sampleResult()), "byte-identical on rerun")
    }

    @Test func csvCellsAreNeutralizedButNumbersStayNumbers() {
        var writer = CSVWriter()
        writer.write([
            .text("=SUM(A1)"), .text("+1"), .text("-x"), .text("@cmd"), .text("\tx"), .number("-5"), .text("a,\"b\""), .text("plain"),
        ])
        #expect(writer.text == "'=SUM(A1),'+1,'-x,'@cmd,'\tx,-5,\"a,\"\"b\"\"\",plain\r\n")
        let findings = FindingsCSV.render(sampleResult())
        #expect(!findings.contains("\n=HYPERLINK"))
        #expect(!findings.contains(",=HYPERLINK"))
    }

    @Test func htmlEscapesExportValuesAndLoadsNothing() {
        let html = HTMLReport.render(sampleResult())
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("Content-Security-Policy"))
        #expect(!html.contains("http://") || !html.contains("src=\"http"))
        #expect(!html.contains("href=\"http"))
    }

    @Test func markdownCellsCannotBreakTables() {
        #expect(MarkdownSummary.cell("a|b\nc<d>") == "a\\|b c&lt;d&gt;")
    }

    @Test func writerReplacesFilesWhole() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-writer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = ReportWriter(directory: directory)
        try writer.write([("a.txt", "one"), ("b.txt", "two")])
        try writer.write([("a.txt", "three")])
        #expect(try String(contentsOfFile: directory + "/a.txt", encoding: .utf8) == "three")
        #expect(try String(contentsOfFile: directory + "/b.txt", encoding: .utf8) == "two")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}

@Suite("Golden reports")
struct GoldenReportTests {
    /// Set COEXIST_RECORD=1 to re-record the golden files after an intended change.
    static let record = ProcessInfo.processInfo.environment["COEXIST_RECORD"] == "1"

    @Test(arguments: ["report.json", "summary.md", "findings.csv", "changes.csv", "report.html"])
    func matchesGolden(name: String) throws {
        let rendered = try #require(sampleResult().renderAll().first { $0.name == name }).contents
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/sample-\(name)")
        if Self.record {
            try rendered.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(rendered == expected, "\(name) differs from its golden file; rerun with COEXIST_RECORD=1 if intended")
    }
}
