import CoexistModel
import CoexistReports
import CoexistRules

/// The short human summary `reconcile` prints after writing the reports.
enum TerminalSummary {
    static func print(_ result: ReconcileResult, reportDirectory: String) {
        let counts = result.diff.counts
        Terminal.out("coexist: \(result.status.rawValue.uppercased())")
        Terminal.out("  as of      baseline \(result.baselineAsOf.calendarDay), current \(result.currentAsOf.calendarDay)")
        Terminal.out("  tenants    \(result.tenants.count)")
        Terminal.out(
            "  subs       \(counts.baseline) → \(counts.current): +\(counts.added) added, -\(counts.removed) removed, "
                + "\(counts.changed) changed, \(counts.unchanged) unchanged")
        Terminal.out("  findings   \(result.count(.error)) error, \(result.count(.warning)) warning, \(result.count(.info)) info")
        for total in result.costs.totals {
            let currency = total.currency
            var line = "  cost/month \(total.monthlyNet.signed(currency)) net: \(total.monthlyIncrease.signed(currency)) up, "
            line += "\(total.monthlyDecrease.signed(currency)) down"
            if total.oneTime != 0 { line += "; one-time \(total.oneTime.signed(currency))" }
            Terminal.out(line)
        }
        if result.costs.unpricedChanges > 0 {
            Terminal.out("  unpriced   \(result.costs.unpricedChanges) change(s) move seats without a known price (costs.csv)")
        }
        for evaluation in result.notEvaluated {
            Terminal.out("  not evaluated: \(evaluation.id) (\(evaluation.severity)): \(evaluation.reason ?? "")")
        }
        for evaluation in result.run.evaluations where !evaluation.notEvaluatedTenants.isEmpty {
            for (tenant, reason) in evaluation.notEvaluatedTenants.sorted(by: { $0.key < $1.key }) {
                Terminal.out("  not evaluated for \(result.name(of: tenant)): \(evaluation.id): \(reason)")
            }
        }
        // Accepted findings (nightly form) no longer fail the run: counted, not listed. New ones first.
        // By index: a pass by element would copy every finding (tens of thousands on a big run) to print 12.
        let findings = result.run.findings
        let accepted = findings.indices.filter { result.nightlyNote(at: $0)?.accepted != nil }.count
        if accepted > 0 {
            Terminal.out("  accepted   \(accepted) finding(s) accepted by finance: listed in the reports, not failing the run")
        }
        let serious = findings.indices.filter { findings[$0].severity >= .warning && result.nightlyNote(at: $0)?.accepted == nil }
            .sorted { lhs, rhs in
                let (leftNew, rightNew) = (
                    result.nightlyNote(at: lhs)?.newSinceLastRun == true, result.nightlyNote(at: rhs)?.newSinceLastRun == true
                )
                return leftNew != rightNew ? leftNew : findings[lhs].severity > findings[rhs].severity
            }
        if !serious.isEmpty {
            Terminal.out("")
            for index in serious.prefix(12) {
                let finding = findings[index]
                let new = result.nightlyNote(at: index)?.newSinceLastRun == true ? " (new)" : ""
                Terminal.out("  \(finding.severity == .error ? "✗" : "!") \(finding.rule)\(new): \(finding.message)")
            }
            if serious.count > 12 { Terminal.out("  … \(serious.count - 12) more in findings.csv") }
        }
        Terminal.out("")
        Terminal.out("  reports    \(reportDirectory)/report.json, summary.md, findings.csv, changes.csv, costs.csv, report.html")
    }
}
