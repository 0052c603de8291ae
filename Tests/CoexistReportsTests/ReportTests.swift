import CoexistDiff
import CoexistModel
import CoexistRules
import Foundation
import Testing

@testable import CoexistReports

/// A subscription with a UnitPrice and Currency column, as a priced export carries it.
func priced(_ record: Subscription, _ price: String, _ currency: String) -> Subscription {
    var copy = record
    copy.carried.insert(.unitPrice)
    copy.carried.insert(.currency)
    copy.unitPrice = parseCanonicalDecimal(price)
    copy.currency = currency
    return copy
}

/// A small run with a finding of each severity, hostile text in tenant names and offers, and money
/// in three currencies: +5 seats at 264.00 EUR a year, −3 seats at 12.50 USD a month (a decrease),
/// and a new subscription of 10 seats at 3000 JPY a month (a currency without minor unit).
func sampleResult(failOn: Severity = .error) -> ReconcileResult {
    var direct = priced(Scenario.subscription(1, quantity: 25), "264.00", "EUR")
    direct.offerName = "=HYPERLINK(\"http://evil.example\")"
    let moved = Scenario.subscription(2, tenant: 2)
    let shrinking = priced(Scenario.subscription(4, tenant: 2, quantity: 10, billingCycle: .monthly), "12.50", "USD")
    let added = priced(Scenario.subscription(3, channel: .csp, reseller: Scenario.partner, billingCycle: .monthly), "3000", "JPY")
    var baseline = Scenario.snapshot(partner: [direct, moved, shrinking])
    var current = Scenario.snapshot(partner: [
        direct.with { $0.quantity = 30 }, moved.with { $0.channel = .csp }, shrinking.with { $0.quantity = 7 }, added,
    ])
    baseline.noteTenant(TenantInfo(id: Scenario.tenant(1), name: "<script>alert(1)</script> GmbH"))
    current.noteTenant(TenantInfo(id: Scenario.tenant(2), name: "Müller & Söhne | Co"))
    current.inputs = [
        InputFile(file: "current/partner.csv", sha256: "ab12", kind: .partnerSubscriptions, format: "canonical-csv", records: 4)
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
        #expect(subscriptions["changed"] == 3)
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

    @Test func markdownListsTheTenantsWithTheMostSevereFindingsWhenThereAreMany() {
        let text = MarkdownSummary.render(sampleResult(), tenantSections: 1)
        #expect(text.contains("The 1 tenants with the most severe findings of 2; `findings.csv` has all."))
        #expect(text.contains("### Müller &amp; Söhne \\| Co"), "the tenant with the error finding")
        #expect(!text.contains("### &lt;script&gt;"))
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

    @Test("a write removes the temporaries a killed writer left, not a live writer's nor other files")
    func writerRemovesStaleTemporaries() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coexist-writer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A process that has exited: its pid names no live process (until the system reuses it).
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = ".a.txt.\(finished.processIdentifier).tmp"
        let live = ".a.txt.\(getppid()).tmp"
        let names = [dead, live, ".other.txt.\(finished.processIdentifier).tmp", ".a.txt.notapid.tmp", "notes.tmp"]
        for name in names { try "partial".write(toFile: directory + "/" + name, atomically: false, encoding: .utf8) }
        try ReportWriter(directory: directory).write([("a.txt", "one")])
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        #expect(left == Set(names + ["a.txt"]).subtracting([dead]))
    }
}

@Suite("Golden reports")
struct GoldenReportTests {
    /// Set COEXIST_RECORD=1 to re-record the golden files after an intended change.
    static let record = ProcessInfo.processInfo.environment["COEXIST_RECORD"] == "1"

    static func compare(_ rendered: String, golden name: String) throws {
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/\(name)")
        if record {
            try rendered.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        // Decoded by hand: Foundation's String(contentsOf:) drops a byte order mark, which excel-de files start with.
        let expected = String(decoding: try Data(contentsOf: golden), as: UTF8.self)
        #expect(rendered == expected, "\(name) differs from its golden file; rerun with COEXIST_RECORD=1 if intended")
    }

    @Test(arguments: ReconcileResult.reportFiles)
    func matchesGolden(name: String) throws {
        let rendered = try #require(sampleResult().renderAll().first { $0.name == name }).contents
        try Self.compare(rendered, golden: "sample-\(name)")
    }

    @Test(arguments: ["findings.csv", "changes.csv", "costs.csv"])
    func excelGermanMatchesGolden(name: String) throws {
        let rendered = try #require(sampleResult().renderAll(csvDialect: .excelGerman).first { $0.name == name }).contents
        try Self.compare(rendered, golden: "sample-excel-de-\(name)")
    }
}
