import CoexistModel
import CoexistRules

/// `summary.md`: counts, rules not evaluated, and the top findings per tenant, for people.
public enum MarkdownSummary {
    /// How many findings each tenant section lists before pointing at `findings.csv`.
    public static let findingsPerTenant = 10
    /// How many tenants get a section by default; beyond, the ones with the most severe findings (a
    /// summary of a run over 50,000 tenants was 64 MB otherwise).
    public static let tenantSections = 200

    public static func render(_ result: ReconcileResult, tenantSections: Int = MarkdownSummary.tenantSections) -> String {
        let counts = result.diff.counts
        var out = "# coexist reconcile: \(verdict(result.status))\n\n"
        out += "- As of: baseline \(result.baselineAsOf.calendarDay), current \(result.currentAsOf.calendarDay)\n"
        out += "- Tenants: \(result.tenants.count)\n"
        out +=
            "- Subscriptions: baseline \(counts.baseline), current \(counts.current) "
            + "(added \(counts.added), removed \(counts.removed), changed \(counts.changed), unchanged \(counts.unchanged))\n"
        out +=
            "- Findings: \(result.count(.error)) error, \(result.count(.warning)) warning, \(result.count(.info)) info "
            + "(the run fails on \(result.failOn) and above)\n"
        for total in result.costs.totals {
            out +=
                "- Monthly cost effect (\(total.currency)): \(total.monthlyNet.signed(total.currency)) net "
                + "(increases \(total.monthlyIncrease.signed(total.currency)), decreases \(total.monthlyDecrease.signed(total.currency)); "
                + "\(total.changes) change(s))"
            out += total.oneTime == 0 ? "\n" : "; one-time \(total.oneTime.signed(total.currency))\n"
        }
        if result.costs.unpricedChanges > 0 {
            out += "- Changes that move seats but have no price: \(result.costs.unpricedChanges) (see `costs.csv`)\n"
        }
        if !result.exportingPartners.isEmpty {
            out += "- Exporting partner: \(result.exportingPartners.sorted().map(\.description).joined(separator: ", "))\n"
        }
        out += "- Generated \(result.generatedAt) by coexist \(result.toolVersion)\n"
        out += nightlySection(result)

        if !result.notEvaluated.isEmpty {
            out += "\n## Rules not evaluated\n\nThese rules proved nothing in this run; their inputs are missing.\n\n"
            out += "| rule | severity | why |\n|---|---|---|\n"
            for evaluation in result.notEvaluated {
                out += "| `\(evaluation.id)` | \(evaluation.severity) | \(cell(evaluation.reason ?? "")) |\n"
            }
        }
        let partial = result.run.evaluations.filter { !$0.notEvaluatedTenants.isEmpty }
        if !partial.isEmpty {
            out += "\n## Rules not evaluated for some tenants\n\n| rule | tenant | why |\n|---|---|---|\n"
            for evaluation in partial {
                for (tenant, reason) in evaluation.notEvaluatedTenants.sorted(by: { $0.key < $1.key }) {
                    out += "| `\(evaluation.id)` | \(cell(result.name(of: tenant))) | \(cell(reason)) |\n"
                }
            }
        }

        // Findings by index: a pass by element (grouping, filtering) copies each one, a dozen
        // references, and a run over 50,000 tenants has a hundred thousand of them (this section was
        // ≈ 3% of a 1M run's CPU, rendering alone at the end).
        let findings = result.run.findings
        let perRule = result.findingsPerRule
        var byTenant: [TenantID?: [Int]] = [:]
        for index in findings.indices { byTenant[findings[index].tenant, default: []].append(index) }
        if !perRule.isEmpty {
            out += "\n## Findings by rule\n\n| rule | severity | findings |\n|---|---|---:|\n"
            for evaluation in result.run.evaluations {
                guard let found = perRule[evaluation.id] else { continue }
                out += "| `\(evaluation.id)` | \(evaluation.severity) | \(found) |\n"
            }
        }

        if !byTenant.isEmpty {
            out += "\n## Top findings per tenant\n"
            // By id text, partner-wide (no tenant) first; ids compare in the order of their texts.
            var tenants = byTenant.keys.sorted { lhs, rhs in
                guard let rhs else { return false }
                guard let lhs else { return true }
                return lhs < rhs
            }
            if tenants.count > tenantSections {
                // Each tenant's findings counted per severity, most severe first; the heaviest tenants
                // kept, ties in id order.
                let severities = Severity.allCases.sorted(by: >)
                let weight = tenants.map { tenant in
                    var counts = [Int](repeating: 0, count: severities.count)
                    for index in byTenant[tenant] ?? [] {
                        counts[severities.firstIndex(of: findings[index].severity) ?? 0] += 1
                    }
                    return counts
                }
                let top = Set(
                    tenants.indices.sorted { lhs, rhs in
                        weight[lhs] != weight[rhs] ? weight[rhs].lexicographicallyPrecedes(weight[lhs]) : lhs < rhs
                    }.prefix(tenantSections).map { tenants[$0] })
                out += "\nThe \(tenantSections) tenants with the most severe findings of \(tenants.count); `findings.csv` has all.\n"
                tenants = tenants.filter { top.contains($0) }
            }
            for tenant in tenants {
                let found = (byTenant[tenant] ?? []).sorted { lhs, rhs in
                    let (left, right) = (findings[lhs].severity, findings[rhs].severity)
                    return left != right ? left > right : Finding.reportOrder(findings[lhs], findings[rhs])
                }
                let title = tenant.map { "\(cell(result.name(of: $0))) (`\($0)`)" } ?? "Partner-wide"
                out += "\n### \(title)\n\n| severity | rule | subscription / SKU | finding | evidence |\n|---|---|---|---|---|\n"
                for index in found.prefix(findingsPerTenant) {
                    let finding = findings[index]
                    let subject = finding.subscription?.description ?? finding.sku.map { "SKU \($0)" } ?? ""
                    let evidence = (finding.source ?? finding.baselineSource).map { "\($0.file):\($0.line)" } ?? ""
                    out += "| \(finding.severity) | `\(finding.rule)` | \(subject) | \(cell(finding.message)) | \(cell(evidence)) |\n"
                }
                if found.count > findingsPerTenant {
                    out += "\n\(found.count - findingsPerTenant) more in `findings.csv`.\n"
                }
            }
        }
        return out
    }

    static func verdict(_ status: ReportStatus) -> String {
        switch status {
        case .clean: "clean"
        case .findings: "findings"
        case .incomplete: "incomplete (some error rules could not be evaluated)"
        case .nothingAudited: "nothing audited (an export set holds no subscription)"
        }
    }

    /// Text made safe for a Markdown table cell: no pipes, line breaks or raw HTML.
    static func cell(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "|": out += "\\|"
            case "\n", "\r", "\r\n": out += " "
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]": out += "\\" + String(character)
            default: out.append(character)
            }
        }
        return out
    }
}
