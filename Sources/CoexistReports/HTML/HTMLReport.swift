import CoexistDiff
import CoexistModel
import CoexistRules
import Foundation

/// `report.html`: one self-contained page for finance reviewers that opens from a mail attachment
/// or a file share.
///
/// - Self-contained: inline CSS and script, no URL to anywhere, a Content-Security-Policy that
///   allows exactly the page's own style and script by hash (``HTMLAssets``).
/// - Safe: every value from an export goes through ``escape(_:)`` into element text or a quoted
///   attribute of our own (`data-*`, `title`); none reaches a URL, style, script or event handler.
///   Anchors and filter keys are our own (`t3`), never export values.
/// - Works without JavaScript: everything is in the markup; the script only adds filtering,
///   sorting and search (driven by the URL fragment too: `#rule=license-mismatch&tenant=t3`).
/// - Scales: findings and changed subscriptions are listed in full up to ``Limits``; unchanged
///   subscriptions are listed only in small runs and summarized per tenant otherwise; the page says
///   where the complete CSV files are.
public enum HTMLReport {
    /// How much the page lists before it summarizes and points at the CSV files.
    public struct Limits: Sendable {
        /// Findings listed (errors first, then warnings, then info); all are in `findings.csv`.
        public var findingRows: Int
        /// Changed, added and removed subscriptions listed; all are in `changes.csv`.
        public var changeRows: Int
        /// Unchanged subscriptions are listed when the run has at most this many; else counted per tenant.
        public var unchangedRows: Int
        /// Tenants in the overview table, the tenant filter, and the list of quiet tenants.
        public var tenantRows: Int

        public init(findingRows: Int = 10_000, changeRows: Int = 10_000, unchangedRows: Int = 2_000, tenantRows: Int = 2_000) {
            self.findingRows = findingRows
            self.changeRows = changeRows
            self.unchangedRows = unchangedRows
            self.tenantRows = tenantRows
        }

        /// The limits `coexist reconcile` uses: a page of a few tens of MB at most.
        public static let standard = Limits()
    }

    public static func render(_ result: ReconcileResult, limits: Limits = .standard) -> String {
        var out = ReportOutput()
        write(result, limits: limits, into: &out)
        return out.text
    }

    /// Streams the page into `html`.
    public static func write(_ result: ReconcileResult, limits: Limits = .standard, into html: inout ReportOutput) {
        let page = HTMLPage(result: result, limits: limits)
        html += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(HTMLAssets.policy)">
            <meta name="referrer" content="no-referrer">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="coexist \(escape(result.toolVersion))">
            <title>coexist report: \(escape(page.verdictTitle)), as of \(result.currentAsOf.calendarDay)</title>
            <style>\(HTMLAssets.style)</style>
            </head>
            <body>
            <div class="masthead"><div><b>coexist · Microsoft 365 direct / CSP coexistence report</b>
            <span>Generated \(escape(result.generatedAt)) by coexist \(escape(result.toolVersion))</span>
            </div></div>
            <main>

            """
        page.overview(into: &html)
        page.tenantSections(into: &html)
        page.inputs(into: &html)
        html += """
            <footer>
            <p>Complete lists, beside this file: <code>findings.csv</code> (every finding), <code>changes.csv</code> (every changed \
            field), <code>costs.csv</code> (every cost effect), <code>report.json</code> (all of it, machine-readable), \
            <code>summary.md</code>.</p>
            <p>Monthly cost effect = billed seats × unit price ÷ months of the billing period (monthly 1, annual 12, triennial 36), \
            after minus before, rounded per subscription to the currency’s minor unit; one-time prices are totalled apart. \
            Currencies are never added together. Billed seats are the quantity of an active or grace-period subscription, else 0.</p>
            </footer>
            </main>
            <script>\(HTMLAssets.script)</script>
            </body>
            </html>

            """
    }

    /// HTML-escapes text for element content and double- or single-quoted attribute values.
    public static func escape(_ text: String) -> String {
        // Most export values need no escape: they come back as they are, without a copy.
        let plain = text.utf8.allSatisfy { byte in
            byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "\"")
                && byte != UInt8(ascii: "'") && byte != 0
        }
        if plain { return text }
        var out = ReportOutput()
        out.appendHTMLEscaped(text)
        return out.text
    }
}

/// What one rendering of the page knows: the result plus the indexes the sections share.
struct HTMLPage {
    let result: ReconcileResult
    let limits: HTMLReport.Limits
    /// Tenants in page order: by name (case and accents folded), then id.
    let tenants: [TenantID]
    /// Our own anchor and filter key of each tenant: `t1`, `t2`, …
    let key: [TenantID: String]
    /// The findings the page lists, per tenant (nil: not tied to a tenant), in report order.
    let findings: [TenantID?: [Finding]]
    let findingsListed: Int
    /// How many findings each rule has (``ReconcileResult/findingsPerRule``).
    let findingsPerRule: [String: Int]
    /// The store's note of each finding (nightly form): new since the last run, accepted.
    let notes: [Finding: NightlyNotes.FindingNote]
    /// The findings about each subscription, and about each relationship (tenant, partner): their
    /// positions in `result.run.findings` (a list of copies was a dozen references per finding, made
    /// and freed again for every one of a big run's findings).
    let findingsBySubscription: [SubscriptionID: [Int]]
    let findingsByPartner: [TenantID: [PartnerID: [Int]]]
    /// The changes the page lists, by subscription.
    let changes: [SubscriptionID: SubscriptionChange]
    let changesPerTenant: [TenantID: Int]
    /// The tenants that list a shown change's subscription on either side (a subscription that moved
    /// tenant is listed under both).
    let tenantsWithShownChanges: Set<TenantID>
    /// Every subscription with a change, listed or not.
    let changed: Set<SubscriptionID>
    /// Whether unchanged subscriptions are listed (small runs) or counted.
    let listsUnchanged: Bool
    /// Tenants some rule could not be evaluated for.
    let notEvaluatedTenants: Set<TenantID>

    init(result: ReconcileResult, limits: HTMLReport.Limits) {
        self.result = result
        self.limits = limits
        // Each name folded once, not once per comparison (50,000 tenants on a big run).
        tenants = result.tenantIDs.map { (name: HTMLPage.sortKey(result.name(of: $0)), id: $0) }
            .sorted { lhs, rhs in lhs.name != rhs.name ? lhs.name < rhs.name : lhs.id < rhs.id }.map(\.id)
        key = Dictionary(uniqueKeysWithValues: tenants.enumerated().map { ($1, "t\($0 + 1)") })

        let listed = HTMLPage.mostSevere(result.run.findings, limit: limits.findingRows)
        // Within a tenant, the most severe first (then report order): what a reviewer reads first.
        findings = Dictionary(grouping: listed, by: \.tenant).mapValues(HTMLPage.mostSevereFirst)
        findingsListed = listed.count
        findingsPerRule = result.findingsPerRule
        let all = result.run.findings
        notes = Dictionary(
            result.run.findings.indices.compactMap { index in result.nightlyNote(at: index).map { (result.run.findings[index], $0) } },
            uniquingKeysWith: { first, _ in first })
        var bySubscription: [SubscriptionID: [Int]] = [:]
        var byPartner: [TenantID: [PartnerID: [Int]]] = [:]
        for index in all.indices {
            if let subscription = all[index].subscription {
                bySubscription[subscription, default: []].append(index)
            } else if let tenant = all[index].tenant, let partner = all[index].partner, all[index].sku == nil {
                byPartner[tenant, default: [:]][partner, default: []].append(index)
            }
        }
        findingsBySubscription = bySubscription
        findingsByPartner = byPartner

        let shownChanges = result.diff.changes.prefix(limits.changeRows)
        changes = Dictionary(shownChanges.map { ($0.subscription, $0) }, uniquingKeysWith: { first, _ in first })
        // Counted by index: grouping copied every change.
        let allChanges = result.diff.changes
        var perTenant: [TenantID: Int] = [:]
        for index in allChanges.indices { perTenant[allChanges[index].tenant, default: 0] += 1 }
        changesPerTenant = perTenant
        tenantsWithShownChanges = Set(
            changes.keys.flatMap { id in [result.model.baseline[id]?.tenant, result.model.current[id]?.tenant].compactMap { $0 } })
        changed = Set(allChanges.indices.lazy.map { allChanges[$0].subscription })
        listsUnchanged = result.diff.counts.unchanged <= limits.unchangedRows
        notEvaluatedTenants = Set(result.run.evaluations.flatMap(\.notEvaluatedTenants.keys))
    }

    /// The first `limit` findings when ranked by severity (most severe first, then report order), kept
    /// in report order. Counted per severity rather than sorted: a sort moves every finding (a dozen
    /// references each) some twenty times at 1M subscriptions.
    static func mostSevere(_ findings: [Finding], limit: Int) -> [Finding] {
        guard findings.count > limit else { return findings }
        // By index: a pass by element copies every finding.
        var perSeverity = [Severity: Int]()
        for index in findings.indices { perSeverity[findings[index].severity, default: 0] += 1 }
        var room = [Severity: Int]()
        var left = limit
        for severity in Severity.allCases.sorted(by: >) {
            room[severity] = min(perSeverity[severity, default: 0], max(left, 0))
            left -= room[severity] ?? 0
        }
        var listed: [Finding] = []
        listed.reserveCapacity(max(limit, 0))
        for index in findings.indices where room[findings[index].severity, default: 0] > 0 {
            room[findings[index].severity, default: 0] -= 1
            listed.append(findings[index])
        }
        return listed
    }

    /// The findings, most severe first, each severity's in report order.
    static func mostSevereFirst(_ findings: [Finding]) -> [Finding] {
        Severity.allCases.sorted(by: >).flatMap { severity in
            findings.indices.filter { findings[$0].severity == severity }.map { findings[$0] }
        }
    }

    /// A name folded for ordering people expect: `Ærø` near `A`, `zürich` with `Zurich`.
    static func sortKey(_ name: String) -> String {
        // An ASCII name (nearly every one) folds to its lower case, for a fraction of Foundation's cost.
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return name.lowercased() }
        return name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// The verdict in a few words, for the title and the banner.
    var verdictTitle: String {
        switch result.status {
        case .clean: "clean"
        case .findings: "findings"
        case .incomplete: "incomplete"
        case .nothingAudited: "nothing audited"
        }
    }

    func escape(_ text: String) -> String { HTMLReport.escape(text) }

    /// A count for people: `197 504` (narrow no-break spaces between thousands from five digits on).
    func figure(_ value: Int) -> String { HTMLPage.grouped(String(value)) }
    func figure(_ value: Decimal) -> String { HTMLPage.grouped(value.plainText) }
    /// An effect for people: `−13 018 471.00 EUR`.
    func money(_ value: Decimal, _ currency: CurrencyCode) -> String { HTMLPage.grouped(value.signed(currency)) }

    /// Groups the integer digits of the first number in `text` by thousands when it has five or more.
    static func grouped(_ text: String) -> String {
        let characters = Array(text)
        guard let start = characters.firstIndex(where: \.isASCIIDigit) else { return text }
        let end = characters[start...].firstIndex { !$0.isASCIIDigit } ?? characters.endIndex
        guard end - start >= 5 else { return text }
        var digits = ""
        for (offset, character) in characters[start..<end].enumerated() {
            if offset > 0 && (end - start - offset) % 3 == 0 { digits.append("\u{202F}") }
            digits.append(character)
        }
        return String(characters[..<start]) + digits + String(characters[end...])
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
