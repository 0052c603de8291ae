import CoexistDiff
import CoexistModel
import CoexistRules
import Foundation

/// The per-tenant part of the page: the tenant table, the filter bar, one section per tenant.
extension HTMLPage {
    func tenantSections(into html: inout ReportOutput) {
        var severities: [TenantID: [Severity: Int]] = [:]
        let all = result.run.findings
        for index in all.indices {
            if let tenant = all[index].tenant { severities[tenant, default: [:]][all[index].severity, default: 0] += 1 }
        }
        let sectioned = tenants.filter(hasSection)
        let withSection = Set(sectioned)
        html += "<section id=\"tenants\"><h2>Tenants</h2>\n"
        tenantTable(severities: severities, withSection: withSection, into: &html)
        filterBar(sectioned: sectioned, into: &html)
        if findingsListed < result.run.findings.count {
            html +=
                "<p class=\"note\">The sections list \(figure(findingsListed)) of \(figure(result.run.findings.count)) findings, errors first; "
                + "<code>findings.csv</code> has every one.</p>\n"
        }
        if changes.count < result.diff.changes.count {
            html +=
                "<p class=\"note\">The sections list \(figure(changes.count)) of \(figure(result.diff.changes.count)) changed subscriptions; "
                + "<code>changes.csv</code> has every one.</p>\n"
        }
        for tenant in sectioned {
            article(tenant, severities: severities[tenant] ?? [:], into: &html)
        }
        let unsectioned = tenants.filter { !withSection.contains($0) }
        let quiet = unsectioned.filter { severities[$0] == nil && changesPerTenant[$0] == nil }
        if quiet.count < unsectioned.count {
            html +=
                "<p class=\"note\">\(figure(unsectioned.count - quiet.count)) more tenant(s) have findings or changes beyond what this page "
                + "lists; <code>findings.csv</code> and <code>changes.csv</code> have them all.</p>\n"
        }
        quietTenants(quiet, into: &html)
        if let loose = findings[nil], !loose.isEmpty {
            html += "<article class=\"tenant\" id=\"t0\" data-t=\"t0\"><header><h3>Not tied to a tenant</h3></header>\n"
            findingsTable(loose, tenantKey: "t0", into: &html)
            html += "</article>\n"
        }
        html += "</section>\n"
    }

    /// A tenant gets a section when it has something to list.
    func hasSection(_ tenant: TenantID) -> Bool {
        if listsUnchanged || !(findings[tenant] ?? []).isEmpty { return true }
        // A tenant some rule could not be evaluated for says so in its section.
        if notEvaluatedTenants.contains(tenant) { return true }
        // Asked of each of 50,000 tenants: a set of them, not a lookup per subscription of each.
        return tenantsWithShownChanges.contains(tenant)
    }

    /// Net monthly effect per currency of a tenant's changes.
    func netPerCurrency(_ tenant: TenantID) -> [(CurrencyCode, Decimal)] {
        var totals: [CurrencyCode: Decimal] = [:]
        for id in result.model.subscriptionsByTenant[tenant] ?? [] {
            for line in result.costs.cost(of: id)?.lines ?? [] { totals[line.currency, default: 0] += line.monthlyEffect }
        }
        return totals.sorted { $0.key < $1.key }
    }

    private func tenantTable(severities: [TenantID: [Severity: Int]], withSection: Set<TenantID>, into html: inout ReportOutput) {
        var shown = tenants
        if shown.count > limits.tenantRows {
            // Weighed once per tenant, in page order, which breaks ties.
            let weights = tenants.map { tenant in
                let counts = severities[tenant] ?? [:]
                return [counts[.error] ?? 0, counts[.warning] ?? 0, counts[.info] ?? 0, changesPerTenant[tenant] ?? 0]
            }
            let top = Set(
                tenants.indices.sorted { lhs, rhs in
                    weights[lhs] != weights[rhs] ? weights[rhs].lexicographicallyPrecedes(weights[lhs]) : lhs < rhs
                }.prefix(limits.tenantRows).map { tenants[$0] })
            shown = tenants.filter(top.contains)
        }
        html += """
            <table class="sortable tenants"><thead><tr><th>Tenant</th><th>Domain</th><th class="num">Errors</th>\
            <th class="num">Warnings</th><th class="num">Info</th><th class="num">Subscriptions</th>\
            <th class="num">Changes</th><th class="num">Net / month</th></tr></thead><tbody>

            """
        for tenant in shown {
            let key = key[tenant] ?? ""
            let counts = severities[tenant] ?? [:]
            let ids = result.model.subscriptionsByTenant[tenant] ?? []
            let before = ids.filter { result.model.baseline.index(forKey: $0) != nil }.count
            let after = ids.filter { result.model.current.index(forKey: $0) != nil }.count
            let name = escape(result.name(of: tenant))
            let link = withSection.contains(tenant) ? "<a href=\"#\(key)\">\(name)</a>" : name
            let net = netPerCurrency(tenant)
            html +=
                "<tr data-o=\"\(key)\"><td>\(link)</td><td>\(escape(result.tenants[tenant]?.domain ?? ""))</td>"
                + "<td class=\"num\">\(counts[.error] ?? 0)</td><td class=\"num\">\(counts[.warning] ?? 0)</td>"
                + "<td class=\"num\">\(counts[.info] ?? 0)</td><td class=\"num\" data-v=\"\(after)\">\(before) → \(after)</td>"
                + "<td class=\"num\">\(changesPerTenant[tenant] ?? 0)</td>"
                + "<td class=\"num\" data-v=\"\(net.first?.1.plainText ?? "0")\">"
                + net.map { money($0.1, $0.0) }.joined(separator: "<br>") + "</td></tr>\n"
        }
        html += "</tbody></table>\n"
        if shown.count < tenants.count {
            html +=
                "<p class=\"note\">\(figure(tenants.count - shown.count)) more tenants, with fewer findings and changes, "
                + "are not in this table.</p>\n"
        }
    }

    private func filterBar(sectioned: [TenantID], into html: inout ReportOutput) {
        var byRule: [String: Int] = [:]
        for list in findings.values { for finding in list { byRule[finding.rule, default: 0] += 1 } }
        html += "<nav id=\"filters\" class=\"filters\" hidden aria-label=\"Filters\">\n"
        html += "<label>Severity<select id=\"f-severity\"><option value=\"\">all</option>"
        for severity in Severity.allCases.reversed() { html += "<option value=\"\(severity)\">\(severity)</option>" }
        html += "</select></label>\n<label>Rule<select id=\"f-rule\"><option value=\"\">all</option>"
        for evaluation in result.run.evaluations where byRule[evaluation.id] != nil {
            html += "<option value=\"\(evaluation.id)\">\(evaluation.id) (\(byRule[evaluation.id] ?? 0))</option>"
        }
        html += "</select></label>\n"
        if sectioned.count <= limits.tenantRows {
            html += "<label>Tenant<select id=\"f-tenant\"><option value=\"\">all</option>"
            for tenant in sectioned { html += "<option value=\"\(key[tenant] ?? "")\">\(escape(result.name(of: tenant)))</option>" }
            html += "</select></label>\n"
        }
        html += "<label>Channel<select id=\"f-channel\"><option value=\"\">all</option>"
        for count in result.model.channels where count.channel != nil { html += "<option>\(count.name)</option>" }
        html += """
            </select></label>
            <label>Search<input id="f-q" type="search" placeholder="name, id, product, file…" size="28"></label>
            <button type="button" id="f-reset">Reset</button>
            <output id="f-status" aria-live="polite"></output>
            </nav>

            """
    }

    private func article(_ tenant: TenantID, severities: [Severity: Int], into html: inout ReportOutput) {
        let key = key[tenant] ?? ""
        let info = result.tenants[tenant]
        html += "<article class=\"tenant\" id=\"\(key)\" data-t=\"\(key)\" aria-labelledby=\"\(key)-h\">\n"
        html += "<header><h3 id=\"\(key)-h\">\(escape(result.name(of: tenant)))</h3>"
        if let domain = info?.domain { html += "<span class=\"muted\">\(escape(domain))</span>" }
        html += "<code class=\"muted\">\(tenant)</code></header>\n<div class=\"badges\">"
        for severity in Severity.allCases.reversed() {
            if let count = severities[severity] {
                let noun = severity == .info || count == 1 ? "\(severity)" : "\(severity)s"
                html += "<span class=\"sev \(severity)\">\(count) \(noun)</span>"
            }
        }
        if severities.isEmpty { html += "<span class=\"sev ok\">no findings</span>" }
        for (currency, net) in netPerCurrency(tenant) { html += "<span class=\"tag\">\(money(net, currency)) / month</span>" }
        html += "</div>\n"
        for evaluation in result.run.evaluations {
            guard let reason = evaluation.notEvaluatedTenants[tenant] else { continue }
            html +=
                "<p class=\"note\">Not evaluated for this tenant: <code class=\"rule\">\(escape(evaluation.id))</code> "
                + "(\(evaluation.severity)): \(escape(reason))</p>\n"
        }
        let found = findings[tenant] ?? []
        if !found.isEmpty { findingsTable(found, tenantKey: key, into: &html) }
        let unlisted = severities.values.reduce(0, +) - found.count
        if unlisted > 0 {
            html += "<p class=\"note\">\(unlisted) more finding(s) of this tenant are in <code>findings.csv</code>.</p>\n"
        }
        subscriptionsTable(tenant, tenantKey: key, into: &html)
        relationshipsTable(tenant, tenantKey: key, into: &html)
        html += "</article>\n"
    }

    private func quietTenants(_ quiet: [TenantID], into html: inout ReportOutput) {
        guard !quiet.isEmpty else { return }
        html +=
            "<h3>\(figure(quiet.count)) tenants with no finding and no change</h3>\n<p class=\"note\">Their subscriptions are the same "
            + "in both export sets.</p>\n<table class=\"sortable\"><thead><tr><th>Tenant</th><th>Domain</th><th>Tenant id</th>"
            + "<th class=\"num\">Subscriptions</th><th class=\"num\">Seats in service</th></tr></thead><tbody>\n"
        for tenant in quiet.prefix(limits.tenantRows) {
            let ids = result.model.subscriptionsByTenant[tenant] ?? []
            let seats = ids.reduce(into: DecimalSum()) { $0 += result.model.current[$1]?.seatsInService ?? 0 }.total
            html +=
                "<tr><td>\(escape(result.name(of: tenant)))</td><td>\(escape(result.tenants[tenant]?.domain ?? ""))</td>"
                + "<td><code>\(tenant)</code></td><td class=\"num\">\(ids.count)</td><td class=\"num\">\(figure(seats))</td></tr>\n"
        }
        html += "</tbody></table>\n"
        if quiet.count > limits.tenantRows {
            html += "<p class=\"note\">\(figure(quiet.count - limits.tenantRows)) more, not listed here.</p>\n"
        }
    }
}
