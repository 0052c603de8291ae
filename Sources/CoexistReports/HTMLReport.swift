import CoexistDiff
import CoexistModel
import CoexistRules

/// `report.html`: one self-contained page (inline CSS, no network reference, a strict
/// Content-Security-Policy) that opens from a mail attachment or a file share.
///
/// Every value from an export goes through ``escape(_:)`` and only into element text or quoted
/// attribute values of our own; none ever reaches a URL, style, script or event handler.
public enum HTMLReport {
    public static func render(_ result: ReconcileResult) -> String {
        let counts = result.diff.counts
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>coexist report: \(escape(result.status.rawValue))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header class="verdict \(result.status.rawValue)">
            <h1>coexist: \(escape(MarkdownSummary.verdict(result.status)))</h1>
            <p>Baseline as of <b>\(result.baselineAsOf.calendarDay)</b>, current as of <b>\(result.currentAsOf.calendarDay)</b>.
            Generated \(escape(result.generatedAt)) by coexist \(escape(result.toolVersion)).</p>
            </header>
            <section class="cards">
            \(card("Errors", result.count(.error), "error"))\(card("Warnings", result.count(.warning), "warning"))\(card("Info", result.count(.info), "info"))\
            \(card("Tenants", result.tenants.count, ""))\(card("Added", counts.added, ""))\(card("Removed", counts.removed, ""))\(card("Changed", counts.changed, ""))\(card("Unchanged", counts.unchanged, ""))
            </section>

            """
        if !result.notEvaluated.isEmpty {
            html +=
                "<section><h2>Rules not evaluated</h2><table><thead><tr><th>Rule</th><th>Severity</th><th>Why</th></tr></thead><tbody>\n"
            for evaluation in result.notEvaluated {
                html +=
                    "<tr><td><code>\(escape(evaluation.id))</code></td><td>\(evaluation.severity)</td><td>\(escape(evaluation.reason ?? ""))</td></tr>\n"
            }
            html += "</tbody></table></section>\n"
        }
        let findingsByTenant = Dictionary(grouping: result.run.findings, by: { $0.tenant })
        let changesByTenant = Dictionary(grouping: result.diff.changes, by: \.tenant)
        html += "<section><h2>Tenants</h2>\n"
        for tenant in result.tenantIDs {
            let found = findingsByTenant[tenant] ?? []
            let changes = changesByTenant[tenant] ?? []
            let info = result.tenants[tenant]
            html +=
                "<article class=\"tenant\"><h3>\(escape(result.name(of: tenant))) <small>\(escape(info?.domain ?? "")) <code>\(tenant)</code></small></h3>\n"
            if found.isEmpty {
                html += "<p class=\"ok\">No findings.</p>\n"
            } else {
                html +=
                    "<table><thead><tr><th>Severity</th><th>Rule</th><th>Subscription / SKU</th><th>Finding</th><th>Before</th><th>After</th><th>Evidence</th></tr></thead><tbody>\n"
                for finding in found {
                    let subject = finding.subscription?.description ?? finding.sku.map { "SKU \($0)" } ?? ""
                    let evidence = [
                        finding.source.map { "\($0.file):\($0.line)" }, finding.baselineSource.map { "baseline \($0.file):\($0.line)" },
                    ]
                    .compactMap { $0 }.joined(separator: "<br>")
                    html +=
                        "<tr class=\"\(finding.severity)\"><td>\(finding.severity)</td><td><code>\(escape(finding.rule))</code></td><td><code>\(escape(subject))</code></td>"
                        + "<td>\(escape(finding.message))</td><td>\(escape(finding.before ?? ""))</td><td>\(escape(finding.after ?? ""))</td>"
                        + "<td class=\"evidence\">\(evidence.split(separator: "<br>").map { escape(String($0)) }.joined(separator: "<br>"))</td></tr>\n"
                }
                html += "</tbody></table>\n"
            }
            if !changes.isEmpty {
                html +=
                    "<details><summary>\(changes.count) changed subscription(s)</summary><table><thead><tr><th>Subscription</th><th>Change</th><th>Field</th><th>Before</th><th>After</th></tr></thead><tbody>\n"
                for change in changes {
                    for field in change.fields {
                        html +=
                            "<tr><td><code>\(change.subscription)</code></td><td>\(change.kind.rawValue)</td><td>\(field.field.name)</td>"
                            + "<td class=\"before\">\(escape(field.before ?? ""))</td><td class=\"after\">\(escape(field.after ?? ""))</td></tr>\n"
                    }
                }
                html += "</tbody></table></details>\n"
            }
            html += "</article>\n"
        }
        if let partnerWide = findingsByTenant[nil], !partnerWide.isEmpty {
            html += "<article class=\"tenant\"><h3>Not tied to a tenant</h3><ul>"
            for finding in partnerWide { html += "<li><code>\(escape(finding.rule))</code> \(escape(finding.message))</li>" }
            html += "</ul></article>\n"
        }
        html +=
            "</section>\n<footer>Complete lists: <code>findings.csv</code> and <code>changes.csv</code> beside this file.</footer>\n</body>\n</html>\n"
        return html
    }

    private static func card(_ label: String, _ value: Int, _ kind: String) -> String {
        "<div class=\"card \(kind)\"><span>\(value)</span>\(label)</div>"
    }

    /// HTML-escapes text for element content and double- or single-quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:0 16px 32px;color:#1b1f24}
        header.verdict{padding:16px;border-radius:8px;margin:16px 0;border-left:8px solid #888;background:#f4f5f7}
        header.clean{border-color:#1a7f37}header.findings{border-color:#cf222e}header.incomplete{border-color:#bf8700}header.nothing-audited{border-color:#6e7781}
        h1{margin:0 0 6px;font-size:22px}h3 small{font-weight:normal;color:#57606a}
        .cards{display:flex;flex-wrap:wrap;gap:8px}.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:90px}
        .card span{display:block;font-size:22px;font-weight:600}.card.error span{color:#cf222e}.card.warning span{color:#9a6700}.card.info span{color:#0969da}
        table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border-bottom:1px solid #d8dee4;padding:4px 6px;text-align:left;vertical-align:top}
        th{background:#f6f8fa}tr.error td:first-child{color:#cf222e;font-weight:600}tr.warning td:first-child{color:#9a6700}
        td.before{background:#ffebe9}td.after{background:#dafbe1}.evidence{font-size:12px;color:#57606a}.ok{color:#1a7f37}
        article.tenant{border-top:1px solid #d0d7de;padding-top:4px}code{font-size:12px}
        @media print{details{display:block}details>summary{display:none}}
        """
}
