import CoexistModel
import CoexistRules
import Foundation

/// The top of the page: verdict, as-of dates, key figures, money, charts, counts, inputs.
extension HTMLPage {
    func overview(into html: inout ReportOutput) {
        verdict(into: &html)
        keyFigures(into: &html)
        money(into: &html)
        charts(into: &html)
        counts(into: &html)
    }

    private func verdict(into html: inout ReportOutput) {
        let failing = result.run.findings.filter { $0.severity >= result.failOn }.count
        let notEvaluated = result.notEvaluated.filter { $0.severity == .error }.count
        let (mark, headline): (String, String) =
            switch result.status {
            case .findings: ("!", "Findings: \(figure(failing)) at or above \(result.failOn) severity need review")
            case .clean: ("✓", "Clean: every promise checked holds")
            case .incomplete: ("?", "Incomplete: \(notEvaluated) error rule(s) could not be evaluated")
            case .nothingAudited: ("–", "Nothing audited: an export set holds no subscription")
            }
        var facts = [
            "Baseline as of <b>\(result.baselineAsOf.calendarDay)</b>", "current as of <b>\(result.currentAsOf.calendarDay)</b>",
        ]
        if !result.exportingPartners.isEmpty {
            facts.append("exporting partner <b>\(result.exportingPartners.sorted().map(\.description).joined(separator: ", "))</b>")
        }
        facts.append("the run fails on \(result.failOn) and above")
        let files = { (side: Side) in Set(result.inputs.filter { $0.side == side }.map(\.file.file)).count }
        let records = { (side: Side) in result.inputs.filter { $0.side == side }.reduce(0) { $0 + $1.file.records } }
        html += """
            <section class="verdict \(result.status.rawValue)" aria-label="Verdict">
            <div class="mark" aria-hidden="true">\(mark)</div>
            <div><h1 id="verdict">\(escape(headline))</h1><p>\(facts.joined(separator: " · ")).</p>
            <p class="inputs-line">Inputs: \(files(.baseline)) baseline file(s) with \(figure(records(.baseline))) records, \(files(.current)) current \
            file(s) with \(figure(records(.current))) records (<a href="#inputs">listed with their SHA-256 at the end</a>).</p></div>
            </section>

            """
    }

    private func keyFigures(into html: inout ReportOutput) {
        let counts = result.diff.counts
        let figures: [(String, String, String)] = [
            ("error", figure(result.count(.error)), "errors"),
            ("warning", figure(result.count(.warning)), "warnings"),
            ("info", figure(result.count(.info)), "info"), ("", figure(tenants.count), "tenants"),
            ("wide", "\(figure(counts.baseline)) → \(figure(counts.current))", "subscriptions, baseline → current"),
            ("", figure(counts.added), "added"),
            ("", figure(counts.removed), "removed"), ("", figure(counts.changed), "changed"), ("", figure(counts.unchanged), "unchanged"),
        ]
        html += "<section class=\"kpis\" aria-label=\"Key figures\">"
        for (kind, value, label) in figures {
            let long = value.count > 12 ? " long" : ""
            html += "<div class=\"kpi \(kind)\(long)\"><b>\(value)</b><span>\(label)</span></div>"
        }
        html += "</section>\n"
    }

    private func money(into html: inout ReportOutput) {
        let costs = result.costs
        html += "<section id=\"money\"><h2>Monthly cost effect</h2>\n"
        if costs.totals.isEmpty {
            html += "<p class=\"note\">No change moves money"
            html += costs.unpricedChanges > 0 ? " that coexist could price" : ""
            html += ".</p>\n"
        } else {
            let oneTime = costs.totals.contains { $0.oneTime != 0 }
            html +=
                "<table class=\"money\"><thead><tr><th>Currency</th><th class=\"num\">Increases / month</th>"
                + "<th class=\"num\">Decreases / month</th><th class=\"num\">Net / month</th>"
                + (oneTime ? "<th class=\"num\">One-time</th>" : "") + "<th class=\"num\">Changes</th></tr></thead><tbody>\n"
            for total in costs.totals {
                let currency = total.currency
                html +=
                    "<tr><td><b>\(currency)</b></td><td class=\"num\(total.monthlyIncrease != 0 ? " up" : "")\">"
                    + "\(money(total.monthlyIncrease, currency))</td>"
                    + "<td class=\"num\(total.monthlyDecrease != 0 ? " down" : "")\">\(money(total.monthlyDecrease, currency))</td>"
                    + "<td class=\"num\"><b>\(money(total.monthlyNet, currency))</b></td>"
                    + (oneTime ? "<td class=\"num\">\(money(total.oneTime, currency))</td>" : "")
                    + "<td class=\"num\">\(figure(total.changes))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        if costs.unpricedChanges > 0 {
            html +=
                "<p class=\"note\">\(figure(costs.unpricedChanges)) change(s) move seats but have no price "
                + "(no UnitPrice and Currency in the export, no match in a price list); <code>costs.csv</code> says why for each.</p>\n"
        }
        html += "</section>\n"
    }

    private func charts(into html: inout ReportOutput) {
        let ruleBars = result.run.evaluations.compactMap { evaluation in
            findingsPerRule[evaluation.id].map {
                SVGChart.Bar(label: evaluation.id, values: [Decimal($0)], classes: ["bar-\(evaluation.severity)"])
            }
        }
        let channels = result.model.channels
        let subscriptionBars = channels.map { count in
            SVGChart.Bar(
                label: count.name, values: [Decimal(count.baselineSubscriptions), Decimal(count.currentSubscriptions)],
                classes: ["bar-baseline", "bar-current"])
        }
        let seatBars = channels.map { count in
            SVGChart.Bar(label: count.name, values: [count.baselineSeats, count.currentSeats], classes: ["bar-baseline", "bar-current"])
        }
        let legend =
            "<div class=\"legend\"><span class=\"swatch baseline\"></span>baseline \(result.baselineAsOf.calendarDay)"
            + "<span class=\"swatch current\"></span>current \(result.currentAsOf.calendarDay)</div>"
        html += "<section id=\"charts\"><h2>At a glance</h2><div class=\"charts\">\n"
        html += "<figure><figcaption>Findings by rule</figcaption>"
        html += ruleBars.isEmpty ? "<p class=\"ok\">No findings.</p>" : SVGChart.horizontal(ruleBars, title: "Findings by rule")
        html += "</figure>\n<figure><figcaption>Subscriptions by channel</figcaption>"
        html +=
            SVGChart.horizontal(
                subscriptionBars, title: "Subscriptions by channel, baseline and current", width: 380, labelWidth: 70) + legend
        html += "</figure>\n<figure><figcaption>Seats in service by channel</figcaption>"
        html +=
            SVGChart.horizontal(
                seatBars, title: "Seats in service by channel, baseline and current", width: 380, labelWidth: 70) + legend
        html += "</figure>\n</div></section>\n"
    }

    private func counts(into html: inout ReportOutput) {
        html += "<section id=\"counts\"><div class=\"grid\"><div><h2>Rules</h2>\n"
        html +=
            "<table class=\"sortable\"><thead><tr><th>Rule</th><th>Severity</th><th>Evaluated</th><th class=\"num\">Findings</th></tr>"
            + "</thead><tbody>\n"
        for evaluation in result.run.evaluations {
            let evaluated = evaluation.evaluated ? "yes" : "<b>no</b>: \(escape(evaluation.reason ?? ""))"
            html +=
                "<tr><td><code>\(evaluation.id)</code></td><td><span class=\"sev \(evaluation.severity)\">\(evaluation.severity)</span></td>"
                + "<td>\(evaluated)</td><td class=\"num\">\(figure(findingsPerRule[evaluation.id] ?? 0))</td></tr>\n"
        }
        html += "</tbody></table></div>\n<div><h2>Channels</h2>\n"
        html +=
            "<table class=\"sortable\"><thead><tr><th>Channel</th><th class=\"num\">Subscriptions before</th>"
            + "<th class=\"num\">after</th><th class=\"num\">Seats in service before</th><th class=\"num\">after</th></tr></thead><tbody>\n"
        for count in result.model.channels {
            html +=
                "<tr><td>\(count.name)</td><td class=\"num\">\(figure(count.baselineSubscriptions))</td><td class=\"num\">\(figure(count.currentSubscriptions))</td>"
                + "<td class=\"num\">\(figure(count.baselineSeats))</td><td class=\"num\">\(figure(count.currentSeats))</td></tr>\n"
        }
        html += "</tbody></table>\n"
        html += "<h2>Severities</h2><table><thead><tr><th>Severity</th><th class=\"num\">Findings</th></tr></thead><tbody>\n"
        for severity in Severity.allCases.reversed() {
            html +=
                "<tr><td><span class=\"sev \(severity)\">\(severity)</span></td><td class=\"num\">\(figure(result.count(severity)))</td></tr>\n"
        }
        html += "</tbody></table></div></div></section>\n"
    }

    /// The full list of input files with their digests (at the end of the page: the top says how many).
    func inputs(into html: inout ReportOutput) {
        html += "<section id=\"inputs\"><h2>Inputs</h2>\n"
        html +=
            "<table class=\"sortable\"><thead><tr><th>Side</th><th>File</th><th>Kind</th><th>Format</th><th class=\"num\">Records</th>"
            + "<th>SHA-256</th></tr></thead><tbody>\n"
        for input in result.inputs {
            let digest = input.file.sha256
            html +=
                "<tr><td>\(input.side.rawValue)</td><td><code>\(escape(input.file.file))</code></td><td>\(input.file.kind)</td>"
                + "<td>\(escape(input.file.format))</td><td class=\"num\">\(figure(input.file.records))</td>"
                + "<td><code title=\"\(escape(digest))\">\(escape(String(digest.prefix(16))))…</code></td></tr>\n"
        }
        html += "</tbody></table></section>\n"
    }
}
