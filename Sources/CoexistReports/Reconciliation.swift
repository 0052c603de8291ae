import CoexistDiff
import CoexistModel
import CoexistRules
import Dispatch

extension ReconcileResult {
    /// Runs the rules and the diff over two export sets: the whole reconcile, minus reading and writing files.
    ///
    /// The exporting partner is one per run (SPEC §4.1): the union of `partnerIDs` (options and
    /// configuration) and every XML `partnerId` of either set.
    public static func reconcile(
        baseline: Snapshot, current: Snapshot, configuration: RuleConfiguration, partnerIDs: Set<PartnerID>,
        failOn: Severity, runDay: ISODate, generatedAt: String, toolVersion: String, prices: PriceList = PriceList()
    ) -> ReconcileResult {
        let partners = partnerIDs.union(baseline.exportingPartners).union(current.exportingPartners)
        let clock = ContinuousClock()
        let started = clock.now
        let context = RuleContext(
            baseline: baseline, current: current, configuration: configuration,
            exportingPartners: partners, runDay: runDay)
        let contextDuration = clock.now - started
        // The diff with its costs, and the per-tenant model, are two more pieces of work beside the
        // rules: all of them only read the context.
        let (engineRun, others) = RuleEngine(configuration: configuration).run(
            context,
            alongside: [
                (
                    "diff and costs",
                    { @Sendable in
                        let diff = SnapshotDiff(
                            join: context.join, currentCount: context.currentSubscriptions.count,
                            invalid: baseline.invalidSubscriptionIDs.union(current.invalidSubscriptionIDs))
                        let costs = CostReport(
                            changes: diff.changes, baseline: context.baselineSubscriptions, current: context.currentSubscriptions,
                            prices: prices)
                        return BesideRules.diff(diff, costs)
                    }
                ),
                (
                    "per-tenant model",
                    { @Sendable in
                        BesideRules.model(
                            ReconciledModel(
                                baseline: context.baselineSubscriptions, current: context.currentSubscriptions,
                                baselineOrder: context.baselineOrder, currentOrder: context.currentOrder,
                                baselineRelationships: baseline.relationships, currentRelationships: current.relationships))
                    }
                ),
            ])
        guard case .diff(let diff, let costs) = others[0], case .model(let model) = others[1] else {
            preconditionFailure("the work beside the rules came back out of order")
        }
        var run = engineRun
        run.durations.insert(("rule context", contextDuration), at: 0)
        var tenants = baseline.tenants
        for (id, info) in current.tenants {
            var merged = info
            if merged.name == nil { merged.name = tenants[id]?.name }
            if merged.domain == nil { merged.domain = tenants[id]?.domain }
            tenants[id] = merged
        }
        let inputs = baseline.inputs.map { (side: Side.baseline, file: $0) } + current.inputs.map { (side: Side.current, file: $0) }
        let result = ReconcileResult(
            toolVersion: toolVersion, generatedAt: generatedAt, baselineAsOf: context.baselineAsOf, currentAsOf: context.currentAsOf,
            inputs: inputs, tenants: tenants, exportingPartners: partners, run: run, diff: diff, model: model, costs: costs, failOn: failOn,
            nothingAudited: !context.comparesStates)
        ContextDisposal.release(consume context)
        return result
    }

    /// Every report file by name, rendered; the CSV files in `csvDialect`.
    public func renderAll(csvDialect: CSVDialect = .standard) -> [(name: String, contents: String)] {
        reportFiles(csvDialect: csvDialect).map { ($0.name, $0.render()) }
    }

    /// Every report file by name, to be rendered when written (``ReportWriter`` renders them side by
    /// side and never holds all of them at once).
    public func reportFiles(csvDialect: CSVDialect = .standard) -> [ReportFile] {
        // Priorities by how long each takes on a 1M-subscription run, longest first (the page ≈ 1.2 s,
        // the JSON ≈ 0.6 s, changes.csv ≈ 0.3 s, costs.csv ≈ 0.25 s, findings.csv ≈ 0.2 s, the summary
        // ≈ 0.1 s): two at a time, the short ones fill in at the end. With changes.csv after the
        // others it ran alone on one core for ≈ 0.2 s at the end of the run (perf timeline).
        [
            ReportFile(name: "report.json", priority: 4) { JSONReport.write(self, into: &$0) },
            ReportFile(name: "summary.md", render: { MarkdownSummary.render(self) }),
            ReportFile(name: "findings.csv", priority: 1) { FindingsCSV.write(self, dialect: csvDialect, into: &$0) },
            ReportFile(name: "changes.csv", priority: 3) { ChangesCSV.write(self, dialect: csvDialect, into: &$0) },
            ReportFile(name: "costs.csv", priority: 2) { CostsCSV.write(self, dialect: csvDialect, into: &$0) },
            ReportFile(name: "report.html", priority: 5) { HTMLReport.write(self, into: &$0) },
        ]
    }

    /// The names of the files ``renderAll(csvDialect:)`` writes, in its order.
    public static let reportFiles = ["report.json", "summary.md", "findings.csv", "changes.csv", "costs.csv", "report.html"]
}

/// The work a reconcile runs beside the rules.
private enum BesideRules: Sendable {
    case diff(SnapshotDiff, CostReport)
    case model(ReconciledModel)
}

/// Lets go of a rule context on another thread.
///
/// The context holds millions of record copies (both tenant orders, the SKU groups' first records);
/// releasing them is a reference count each on records scattered over the heap, and on the caller's
/// thread it ran alone for ≈ 0.8 s at 1M between the rules and the reports (measured). Released in
/// the background, it overlaps the reports' rendering, which needs nothing of it.
enum ContextDisposal {
    private final class Held: @unchecked Sendable {
        // Touched only by `release` and then by the one block it schedules.
        var context: RuleContext?
        init(_ context: consuming RuleContext) { self.context = context }
    }

    static func release(_ context: consuming RuleContext) {
        let held = Held(context)
        DispatchQueue.global(qos: .utility).async { held.context = nil }
    }
}
