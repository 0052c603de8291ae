import CoexistDiff
import CoexistModel
import CoexistRules
import Foundation

/// The three tables of a tenant section: findings, subscriptions, relationships.
///
/// Rows carry the filter keys the script reads, all our own words: `data-t` (tenant key `t3`),
/// `data-s` (severities), `data-r` (rule ids), `data-c` (channels).
extension HTMLPage {
    /// The columns of the subscriptions table that show one field each, with before → after when it changed.
    static let subscriptionColumns: [(title: String, field: SubscriptionField, css: String)] = [
        ("Channel", .channel, ""), ("Status", .status, ""), ("Seats", .quantity, "num"), ("Billing", .billingCycle, ""),
        ("Ends", .endDate, "date"), ("Reseller", .resellerPartnerId, ""), ("Advisors", .advisors, ""),
    ]

    func findingsTable(_ found: [Finding], tenantKey: String, into html: inout ReportOutput) {
        html += """
            <div class="block"><h4>Findings</h4><table class="sortable findings"><thead><tr><th>Severity</th><th>Rule</th>\
            <th>Subject</th><th>Finding</th><th>Before → after</th><th>Evidence</th></tr></thead><tbody>

            """
        for finding in found {
            let record = finding.subscription.flatMap { result.model.latest($0) }
            let channels = finding.subscription.map { channelKeys($0) } ?? ""
            let rank = [Severity.error: 1, .warning: 2, .info: 3][finding.severity] ?? 4
            html +=
                "<tr class=\"finding\" data-t=\"\(tenantKey)\" data-s=\"\(finding.severity)\" data-r=\"\(escape(finding.rule))\" "
                + "data-c=\"\(channels)\"><td data-v=\"\(rank)\"><span class=\"sev \(finding.severity)\">\(finding.severity)</span></td>"
                + "<td><code class=\"rule\">\(escape(finding.rule))</code></td><td class=\"subject\">\(subject(finding, record))</td>"
                + "<td class=\"message\">\(escape(finding.message))\(marks(finding))</td><td>\(beforeAfter(finding.before, finding.after))</td>"
                + "<td class=\"evidence\">\(evidence(finding.source, finding.baselineSource))</td></tr>\n"
        }
        html += "</tbody></table></div>\n"
    }

    func subscriptionsTable(_ tenant: TenantID, tenantKey: String, into html: inout ReportOutput) {
        let ids = result.model.subscriptionsByTenant[tenant] ?? []
        var unchanged = 0
        var unchangedSeats = DecimalSum()
        var hidden = 0
        var rows = ReportOutput()
        for id in ids {
            // Most subscriptions of a big run are unchanged: one look-up tells, before the listed changes are searched.
            if changed.contains(id) {
                if let change = changes[id] {
                    subscriptionRow(id, change: change, tenantKey: tenantKey, into: &rows)
                } else {
                    hidden += 1
                }
            } else if let record = result.model.current[id], result.model.baseline.index(forKey: id) != nil {
                if listsUnchanged {
                    subscriptionRow(id, change: nil, tenantKey: tenantKey, into: &rows)
                } else {
                    unchanged += 1
                    if let seats = record.seatsInServiceIfAny { unchangedSeats += seats }
                }
            }
        }
        html += "<div class=\"block\"><h4>Subscriptions</h4>\n"
        if !rows.isEmpty {
            html += "<table class=\"sortable subscriptions\"><thead><tr><th>Product</th>"
            for column in HTMLPage.subscriptionColumns {
                html += column.css == "num" ? "<th class=\"num\">\(column.title)</th>" : "<th>\(column.title)</th>"
            }
            html += "<th class=\"num\">Monthly effect</th><th>Change</th></tr></thead><tbody>\n"
            html.append(rows)
            html += "</tbody></table>\n"
        } else if ids.isEmpty {
            html += "<p class=\"note\">No subscription in either export set.</p>\n"
        }
        if unchanged > 0 {
            html +=
                "<p class=\"note\">\(figure(unchanged)) unchanged subscription(s) with \(figure(unchangedSeats.total)) seats in service are not "
                + "listed: they are the same in both export sets.</p>\n"
        }
        if hidden > 0 {
            html += "<p class=\"note\">\(hidden) more changed subscription(s) of this tenant are in <code>changes.csv</code>.</p>\n"
        }
        html += "</div>\n"
    }

    private func subscriptionRow(_ id: SubscriptionID, change: SubscriptionChange?, tenantKey: String, into html: inout ReportOutput) {
        let before = result.model.baseline[id]
        let after = result.model.current[id]
        guard let record = after ?? before else { return }
        let kind = change?.kind.rawValue ?? "unchanged"
        let changed = Set(change?.kind == .changed ? change?.fields.map(\.field) ?? [] : [])
        let related = findingsBySubscription[id] ?? []
        html +=
            "<tr class=\"\(kind)\" data-t=\"\(tenantKey)\" data-c=\"\(channelKeys(id))\""
            + filterKeys(related) + ">"
        let name = { (side: Subscription?) in side?.offerName ?? side?.offerId ?? "" }
        let product =
            changed.contains(.offerName) || changed.contains(.offerId)
            ? beforeAfter(name(before), name(after)) : escape(name(record))
        html +=
            "<td class=\"product\">\(product)<br><code class=\"muted\">\(id)</code>"
            + "<div class=\"evidence\">\(evidence(after?.source, before?.source))</div></td>"
        for column in HTMLPage.subscriptionColumns {
            let css = column.css.isEmpty ? "" : " class=\"\(column.css)\""
            if changed.contains(column.field) {
                // A changed date may wrap between before and after, never inside a date.
                let css = column.css == "date" ? " class=\"dates\"" : css
                html += "<td\(css) data-v=\"\(escape(after?.text(of: column.field) ?? ""))\">"
                html += beforeAfter(before?.text(of: column.field), after?.text(of: column.field)) + "</td>"
            } else {
                html += "<td\(css)>\(escape(display(record, column.field)))</td>"
            }
        }
        html += monthlyCell(id)
        html += "<td><span class=\"tag \(kind)\">\(kind)</span>"
        let shown = Set(HTMLPage.subscriptionColumns.map(\.field)).union([.offerName, .offerId])
        for field in change?.fields ?? [] where change?.kind == .changed && !shown.contains(field.field) {
            html += "<div class=\"note\">\(field.field.name): \(beforeAfter(field.before, field.after))</div>"
        }
        html += "</td></tr>\n"
    }

    private func monthlyCell(_ id: SubscriptionID) -> String {
        guard let cost = result.costs.cost(of: id) else { return "<td class=\"num\" data-v=\"0\"></td>" }
        if let reason = cost.unpriced {
            return "<td class=\"num\" data-v=\"0\"><span class=\"muted\" title=\"\(escape(reason))\">no price</span></td>"
        }
        let lines = cost.lines.map { line in
            let effect = line.monthlyEffect
            let css = effect > 0 ? "up" : effect < 0 ? "down" : ""
            var text = "<span class=\"\(css)\" title=\"\(basis(line))\">\(money(effect, line.currency))</span>"
            if line.oneTimeEffect != 0 { text += "<br><small>one-time \(money(line.oneTimeEffect, line.currency))</small>" }
            return text
        }
        return "<td class=\"num\" data-v=\"\(cost.lines.first?.monthlyEffect.plainText ?? "0")\">\(lines.joined(separator: "<br>"))</td>"
    }

    func relationshipsTable(_ tenant: TenantID, tenantKey: String, into html: inout ReportOutput) {
        guard result.model.hasRelationships else { return }
        let pairs = result.model.relationshipsByTenant[tenant] ?? []
        html += "<div class=\"block\"><h4>Relationships</h4>\n"
        guard !pairs.isEmpty else {
            html += "<p class=\"note\">No partner relationship in either export set.</p></div>\n"
            return
        }
        // Big runs list what changed or has a finding, like subscriptions; the rest is counted.
        let listed = pairs.filter { pair in
            listsUnchanged || pair.baseline?.state != pair.current?.state
                || pair.key.partner.flatMap { findingsByPartner[tenant]?[$0] } != nil
        }
        guard !listed.isEmpty else {
            html += "<p class=\"note\">\(pairs.count) unchanged relationship(s), not listed.</p></div>\n"
            return
        }
        html += """
            <table class="sortable relationships"><thead><tr><th>Partner</th><th>Type</th><th>State before → after</th>\
            <th>Established</th><th>Invited by</th><th>Evidence</th></tr></thead><tbody>

            """
        for pair in listed {
            let latest = pair.current ?? pair.baseline
            let related = pair.key.partner.flatMap { findingsByPartner[tenant]?[$0] } ?? []
            let before = pair.baseline?.state.canonicalName
            let after = pair.current?.state.canonicalName
            let state = before == after ? escape(after ?? "") : beforeAfter(before, after)
            html +=
                "<tr data-t=\"\(tenantKey)\"\(filterKeys(related))>"
                + "<td>\(pair.key.partner?.description ?? "—")</td><td>\(pair.key.type.canonicalName)</td><td>\(state)</td>"
                + "<td>\(latest?.establishedAt?.description ?? "")</td><td>\(escape(latest?.invitedBy ?? ""))</td>"
                + "<td class=\"evidence\">\(evidence(pair.current?.source, pair.baseline?.source))</td></tr>\n"
        }
        html += "</tbody></table>"
        if listed.count < pairs.count {
            html += "<p class=\"note\">\(pairs.count - listed.count) unchanged relationship(s), not listed.</p>"
        }
        html += "</div>\n"
    }

    // MARK: - Cells

    /// ` data-s="error info" data-r="…"` for the findings about a row; nothing when there are none.
    /// The filter keys of a row the findings at these positions are about.
    private func filterKeys(_ related: [Int]) -> String {
        guard !related.isEmpty else { return "" }
        let findings = result.run.findings
        let severities = Set(related.map { findings[$0].severity.rawValue }).sorted().joined(separator: " ")
        return " data-s=\"\(severities)\" data-r=\"\(escape(Set(related.map { findings[$0].rule }).sorted().joined(separator: " ")))\""
    }

    /// How a cost line was computed, for a tooltip: `25 → 30 seats × 264.00 EUR per annual period ÷ 12`.
    private func basis(_ line: CostLine) -> String {
        let minor = line.currency.minorUnits
        let side = { (cost: SideCost?) -> String in
            guard let cost else { return "0" }
            let period = cost.billingCycle.months.map { " ÷ \($0)" } ?? " once"
            return "\(cost.seats.plainText) × \(cost.unitPrice.price(minor)) \(line.currency) per \(cost.billingCycle) period\(period)"
        }
        return "before: \(side(line.before)); after: \(side(line.after))"
    }

    /// The channels of a subscription on either side, for `data-c`: `Direct` or `Direct CSP`.
    func channelKeys(_ id: SubscriptionID) -> String {
        let channels = [result.model.baseline[id]?.channel, result.model.current[id]?.channel].compactMap { $0?.canonicalName }
        return Set(channels).sorted().joined(separator: " ")
    }

    /// What a finding is about, in words: the product and id, the SKU, or the partner.
    private func subject(_ finding: Finding, _ record: Subscription?) -> String {
        if let subscription = finding.subscription {
            let name = record?.offerName ?? record?.offerId ?? "subscription"
            return "\(escape(name))<br><code class=\"muted\">\(subscription)</code>"
        }
        if let sku = finding.sku, let tenant = finding.tenant {
            let named = (result.model.subscriptionsByTenant[tenant] ?? []).lazy.compactMap { self.result.model.latest($0) }
                .first { $0.sku == sku && $0.offerName != nil }
            return "\(escape(named?.offerName ?? "SKU"))<br><code class=\"muted\">\(sku)</code>"
        }
        if let partner = finding.partner { return "partner \(partner)" }
        return ""
    }

    /// `<del>before</del> → <ins>after</ins>`; either may be absent.
    func beforeAfter(_ before: String?, _ after: String?) -> String {
        switch (before.flatMap { $0.isEmpty ? nil : $0 }, after.flatMap { $0.isEmpty ? nil : $0 }) {
        case (nil, nil): ""
        case (let old?, nil): "<del>\(escape(old))</del><span class=\"arrow\">→</span>—"
        case (nil, let new?): "—<span class=\"arrow\">→</span><ins>\(escape(new))</ins>"
        case (let old?, let new?): "<del>\(escape(old))</del><span class=\"arrow\">→</span><ins>\(escape(new))</ins>"
        }
    }

    /// `file:line` of the current side, then of the baseline.
    /// What the store says of a finding in a nightly run: new since the last run, accepted by finance
    /// (and by whom), or an acceptance that no longer holds because the values changed.
    func marks(_ finding: Finding) -> String {
        guard let note = notes[finding] else { return "" }
        var marks: [String] = []
        if note.newSinceLastRun { marks.append("<span class=\"tag\">new since the last run</span>") }
        if let accepted = note.accepted {
            marks.append("<span class=\"tag\">accepted by \(escape(accepted.by)): \(escape(accepted.reason))</span>")
        }
        if note.acceptanceExpired { marks.append("<span class=\"tag changed\">acceptance expired: the values changed</span>") }
        return marks.isEmpty ? "" : "<br>" + marks.joined(separator: " ")
    }

    func evidence(_ current: Provenance?, _ baseline: Provenance?) -> String {
        var parts: [String] = []
        // <wbr> after each '/' lets a long path wrap at its directories, not inside a name.
        let breakable = { (source: Provenance) in
            var out = ReportOutput()
            out.appendHTMLEscaped(source.description, wrappingAfterSlashes: true)
            return out.text
        }
        if let current { parts.append(breakable(current)) }
        if let baseline { parts.append("baseline " + breakable(baseline)) }
        return parts.joined(separator: "<br>")
    }

    private func display(_ record: Subscription, _ field: SubscriptionField) -> String {
        let text = record.text(of: field) ?? ""
        return field == .advisors ? text.replacingOccurrences(of: ";", with: ", ") : text
    }
}
