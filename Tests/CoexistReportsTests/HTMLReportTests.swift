import CoexistDiff
import CoexistModel
import CoexistRules
import Crypto
import Foundation
import Testing

@testable import CoexistReports

/// The structure of report.html that the browser check (scripts/check-html-report) relies on.
@Suite("HTML report")
struct HTMLReportTests {
    /// The text between the first `open` and the next `close` after it.
    private func between(_ html: String, _ open: String, _ close: String) -> String? {
        guard let start = html.range(of: open), let end = html.range(of: close, range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
    }

    @Test func policyAllowsExactlyTheInlineScriptAndStyle() throws {
        let html = HTMLReport.render(sampleResult())
        let script = try #require(between(html, "<script>", "</script>"))
        let style = try #require(between(html, "<style>", "</style>"))
        let policy = try #require(between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\""))
        let hash = { (text: String) in "'sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString() + "'" }
        #expect(policy.hasPrefix("default-src 'none'; script-src \(hash(script)); style-src \(hash(style));"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(html.components(separatedBy: "<script").count == 2, "one script element")
        #expect(!html.contains(" style=\""), "no style attribute: the policy would refuse it")
    }

    @Test func exportValuesAreTextNeverMarkupOrURLs() {
        let html = HTMLReport.render(sampleResult())
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(html.contains("<h3 id=\"t1-h\">&lt;script&gt;alert(1)&lt;/script&gt; GmbH</h3>"))
        #expect(html.contains("=HYPERLINK(&quot;http://evil.example&quot;)"))
        #expect(html.contains("Müller &amp; Söhne | Co"))
        for reference in ["src=", "href=\"http", "href=\"//", "url(", "@import", "javascript:"] {
            #expect(!html.contains(reference), "\(reference) in the page")
        }
        #expect(HTMLReport.escape("\"'<>&\u{0}") == "&quot;&#39;&lt;&gt;&amp;\u{FFFD}")
    }

    @Test func everyTenantFindingAndChangeIsListedWithFilterKeys() {
        let result = sampleResult()
        let html = HTMLReport.render(result)
        for (index, _) in result.tenantIDs.enumerated() {
            #expect(html.contains("<article class=\"tenant\" id=\"t\(index + 1)\" data-t=\"t\(index + 1)\""))
        }
        #expect(html.components(separatedBy: "<tr class=\"finding\"").count - 1 == result.run.findings.count)
        for finding in result.run.findings {
            #expect(html.contains("data-s=\"\(finding.severity)\" data-r=\"\(finding.rule)\""))
        }
        for change in result.diff.changes {
            #expect(html.contains("<code class=\"muted\">\(change.subscription)</code>"))
        }
        #expect(html.contains("<del>25</del><span class=\"arrow\">→</span><ins>30</ins>"), "before → after highlighted")
        #expect(html.contains("<nav id=\"filters\" class=\"filters\" hidden"), "filters appear only when the script runs")
    }

    @Test("a nightly run marks findings new, accepted (by whom, why) or with an expired acceptance")
    func nightlyMarksOnFindings() throws {
        var result = sampleResult()
        let count = result.run.findings.count
        try #require(count >= 3)
        var notes = (0..<count).map { _ in
            NightlyNotes.FindingNote(newSinceLastRun: false, firstSeenRun: 1, accepted: nil, acceptanceExpired: false)
        }
        notes[0].newSinceLastRun = true
        notes[1].accepted = NightlyNotes.Acceptance(by: "Petra <finance>", at: "2026-11-02", reason: "ticket 42")
        notes[2].acceptanceExpired = true
        result.annotate(NightlyNotes(store: "s", run: 2, previousRun: 1, inputsUnchangedSinceRun: nil, baselines: [], findings: notes))
        let html = HTMLReport.render(result)
        #expect(html.components(separatedBy: "new since the last run</span>").count - 1 == 1)
        #expect(html.contains("accepted by Petra &lt;finance&gt;: ticket 42"), "escaped, with the reason")
        #expect(html.components(separatedBy: "acceptance expired: the values changed").count - 1 == 1)
        #expect(!HTMLReport.render(sampleResult()).contains("new since the last run"), "no marks outside the nightly form")
    }

    @Test("a tenant a rule could not be evaluated for says so in its section")
    func perTenantNotEvaluated() throws {
        let result = sampleResult()
        let tenant = try #require(result.tenantIDs.first)
        var evaluations = result.run.evaluations
        let index = try #require(evaluations.firstIndex { $0.evaluated })
        evaluations[index].notEvaluatedTenants = [tenant: "the SKU of \"X\" is unknown"]
        let changed = ReconcileResult(
            toolVersion: result.toolVersion, generatedAt: result.generatedAt, baselineAsOf: result.baselineAsOf,
            currentAsOf: result.currentAsOf, inputs: result.inputs, tenants: result.tenants, exportingPartners: result.exportingPartners,
            run: RuleRun(findings: result.run.findings, evaluations: evaluations), diff: result.diff, model: result.model,
            costs: result.costs, failOn: result.failOn, nothingAudited: false)
        let html = HTMLReport.render(changed)
        #expect(
            html.contains(
                "Not evaluated for this tenant: <code class=\"rule\">\(evaluations[index].id)</code> (\(evaluations[index].severity)): "
                    + "the SKU of &quot;X&quot; is unknown"))
        #expect(!HTMLReport.render(result).contains("Not evaluated for this tenant"))
    }

    @Test func moneyTotalsPerCurrencyMatchTheJSON() {
        let html = HTMLReport.render(sampleResult())
        #expect(html.contains("<td class=\"num\"><b>+110.00 EUR</b></td>"))
        #expect(html.contains("<td class=\"num\"><b>+30\u{202F}000 JPY</b></td>"), "thousands grouped for people")
        #expect(html.contains("<td class=\"num\"><b>\u{2212}37.50 USD</b></td>"))
        let json = JSONReport.render(sampleResult())
        #expect(json.contains("\"monthlyNet\": 110.00"))
        #expect(json.contains("\"monthlyNet\": -37.50"))
        #expect(json.contains("\"monthlyEffect\": 30000"))
    }

    @Test func figuresAreGroupedByThousandsFromFiveDigits() {
        #expect(HTMLPage.grouped("1234") == "1234")
        #expect(HTMLPage.grouped("12345") == "12\u{202F}345")
        #expect(HTMLPage.grouped("\u{2212}13018471.00 EUR") == "\u{2212}13\u{202F}018\u{202F}471.00 EUR")
        #expect(HTMLPage.grouped("+1000000.5") == "+1\u{202F}000\u{202F}000.5")
    }

    @Test func bigRunsListWithinLimitsAndSayWhereTheRestIs() {
        let limits = HTMLReport.Limits(findingRows: 2, changeRows: 1, unchangedRows: 0, tenantRows: 1)
        let result = sampleResult()
        let html = HTMLReport.render(result, limits: limits)
        #expect(html.components(separatedBy: "<tr class=\"finding\"").count - 1 == 2)
        #expect(html.contains("The sections list 2 of \(result.run.findings.count) findings, errors first"))
        #expect(html.contains("The sections list 1 of \(result.diff.changes.count) changed subscriptions"))
        #expect(html.contains("more changed subscription(s) of this tenant are in <code>changes.csv</code>"))
        #expect(html.contains("more tenants, with fewer findings and changes, are not in this table"))
        #expect(!html.contains("id=\"f-tenant\""), "no tenant filter beyond the limit")
        let listed = html.components(separatedBy: "<tr class=\"finding\"").dropFirst().compactMap { row in
            Severity.allCases.first { row.prefix(80).contains("data-s=\"\($0)\"") }
        }
        let worst = result.run.findings.map(\.severity).sorted(by: >).prefix(2)
        #expect(listed.sorted(by: >) == Array(worst), "the most severe are listed first")
    }

    @Test("the page lists the most severe findings first, as a stable sort by severity would, within any limit")
    func mostSevereFindingsAsASortWouldRankThem() {
        var generator = SystemRandomNumberGenerator()
        let severities: [Severity] = [.info, .warning, .error]
        for round in 0..<40 {
            let count = round < 4 ? round : Int.random(in: 0..<300, using: &generator)
            // Severities drawn unevenly, some rounds without one of them.
            let pool = severities.flatMap { Array(repeating: $0, count: Int.random(in: 0...3, using: &generator)) }
            let findings = (0..<count).map { index in
                Finding(
                    rule: "r\(index)", severity: pool.randomElement(using: &generator) ?? .info, tenant: nil, message: "finding \(index)")
            }
            let ranked = findings.enumerated().sorted { lhs, rhs in
                lhs.element.severity != rhs.element.severity ? lhs.element.severity > rhs.element.severity : lhs.offset < rhs.offset
            }
            #expect(HTMLPage.mostSevereFirst(findings).map(\.rule) == ranked.map(\.element.rule))
            for limit in [0, 1, count / 3, count - 1, count, count + 5] where limit >= 0 {
                let expected = ranked.prefix(limit).sorted { $0.offset < $1.offset }.map(\.element.rule)
                #expect(HTMLPage.mostSevere(findings, limit: limit).map(\.rule) == expected, "limit \(limit) of \(count)")
            }
        }
    }

    @Test func unchangedSubscriptionsAreSummarizedInBigRuns() {
        let same = Scenario.subscription(1, quantity: 7)
        let result = ReconcileResult.reconcile(
            baseline: Scenario.snapshot(partner: [same], relationships: [Scenario.relationship()]),
            current: Scenario.snapshot(partner: [same], relationships: [Scenario.relationship()]),
            configuration: RuleConfiguration(), partnerIDs: [], failOn: .error, runDay: ISODate(day: 0), generatedAt: "",
            toolVersion: "")
        let small = HTMLReport.render(result)
        #expect(small.contains("<span class=\"tag unchanged\">unchanged</span>"))
        #expect(small.contains("<table class=\"sortable relationships\">"))
        let big = HTMLReport.render(result, limits: HTMLReport.Limits(unchangedRows: 0))
        #expect(!big.contains("<span class=\"tag unchanged\">"))
        #expect(big.contains("1 tenants with no finding and no change"))

        let grown = Scenario.subscription(2, quantity: 7)
        let busy = ReconcileResult.reconcile(
            baseline: Scenario.snapshot(partner: [same, grown], relationships: [Scenario.relationship()]),
            current: Scenario.snapshot(partner: [same, grown.with { $0.quantity = 8 }], relationships: [Scenario.relationship()]),
            configuration: RuleConfiguration(), partnerIDs: [], failOn: .error, runDay: ISODate(day: 0), generatedAt: "",
            toolVersion: "")
        let summarized = HTMLReport.render(busy, limits: HTMLReport.Limits(unchangedRows: 0))
        #expect(summarized.contains("1 unchanged subscription(s) with 7 seats in service are not listed"))
        #expect(summarized.contains("1 unchanged relationship(s), not listed."))
        #expect(!summarized.contains("<table class=\"sortable relationships\">"))
    }
}
