import ArgumentParser
import CoexistReports
import CoexistStore
import Foundation

/// `coexist history`: the runs, snapshots, baselines and acceptances the store remembers.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the nightly runs (date, inputs, counts, status), snapshots, baseline changes and acceptances.")

    @Flag(name: .long, help: "Print one JSON document instead of text.")
    var json = false

    @OptionGroup var store: StoreOption

    func run() throws {
        let opened = try store.open(.read, logger: StderrLogHandler.logger(verbose: false, quiet: json))
        let (runs, snapshots, baselines, acceptances) = try withStore {
            try opened.read { session in
                (try session.runs(), try session.snapshots(), try session.allBaselineEvents(), try session.acceptances())
            }
        }
        if json {
            let document = HistoryOutput.json(
                store: opened.path, runs: runs, snapshots: snapshots, baselines: baselines, acceptances: acceptances)
            FileHandle.standardOutput.write(Data(document.serialized().utf8))
            return
        }
        let size = ByteCountFormatter.string(fromByteCount: opened.sizeOnDisk, countStyle: .file)
        Terminal.out(
            "store \(opened.path) (\(size)): \(runs.count) run(s), \(snapshots.count) snapshot(s), "
                + "\(Set(baselines.map(\.tenant)).count) tenant baseline(s), \(acceptances.count) acceptance(s)")
        for line in HistoryOutput.text(runs: runs, snapshots: snapshots, baselines: baselines, acceptances: acceptances) {
            Terminal.out(line)
        }
    }
}

/// The lines and the JSON of `coexist history`.
enum HistoryOutput {
    static func text(runs: [RunSummary], snapshots: [SnapshotSummary], baselines: [TenantBaseline], acceptances: [Acceptance]) -> [String] {
        var lines = ["", "runs"]
        if runs.isEmpty { lines.append("  none yet: `coexist reconcile --current <export set>` is the nightly run") }
        for run in runs {
            let inputs =
                run.inputsUnchangedSince.map { "inputs unchanged since run \($0)" }
                ?? "\(Set(run.inputs.map(\.file)).count) file(s), \(run.inputs.reduce(0) { $0 + $1.records }) records"
            lines.append(
                "  run \(run.id)  \(run.finishedAt)  as of \(run.currentAsOf.calendarDay)  \(run.status.rawValue)  "
                    + "\(run.errors) error, \(run.warnings) warning, \(run.infos) info; \(run.newFindings) new, \(run.accepted) accepted"
                    + (run.newBaselines > 0 ? "; \(run.newBaselines) baseline(s) recorded" : "") + "; \(inputs)")
        }
        lines += ["", "snapshots"]
        for snapshot in snapshots {
            lines.append(
                "  #\(snapshot.id)  as of \(snapshot.asOf.calendarDay)  imported \(snapshot.importedAt)"
                    + (snapshot.label.map { "  \"\($0)\"" } ?? "")
                    + "  \(snapshot.tenants) tenants, \(snapshot.subscriptions) subscriptions, \(snapshot.records) records (\(snapshot.newRecords) new)"
            )
        }
        lines += ["", "baselines"]
        for baseline in baselines {
            let who = baseline.recordedBy.map { " by \($0)" } ?? ""
            let note = baseline.note.map { ": \($0)" } ?? ""
            lines.append(
                "  \(baseline.recordedAt)  \(baseline.tenantName ?? baseline.tenant.description): snapshot \(baseline.snapshotID) "
                    + "as of \(baseline.asOf.calendarDay), \(baseline.origin.phrase)\(who)\(note)")
        }
        if !acceptances.isEmpty { lines += ["", "acceptances"] }
        for acceptance in acceptances {
            lines.append(
                "  \(acceptance.acceptedAt)  \(acceptance.acceptedBy) accepted \(acceptance.rule) (run \(acceptance.runID)) "
                    + "\(acceptance.tenant?.description ?? "")\(acceptance.subscription.map { " / \($0)" } ?? ""): \"\(acceptance.reason)\""
            )
        }
        return lines
    }

    static func json(
        store: String, runs: [RunSummary], snapshots: [SnapshotSummary], baselines: [TenantBaseline], acceptances: [Acceptance]
    ) -> JSONValue {
        func int(_ value: Int) -> JSONValue { .number(String(value)) }
        func id(_ value: Int64?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return .object([
            ("store", .string(store)),
            (
                "runs",
                .array(
                    runs.map { run in
                        .object([
                            ("run", id(run.id)), ("logId", .string(run.token)), ("startedAt", .string(run.startedAt)),
                            ("finishedAt", .string(run.finishedAt)), ("asOf", .string(run.currentAsOf.calendarDay.description)),
                            ("status", .string(run.status.rawValue)), ("snapshot", id(run.snapshotID)),
                            (
                                "findings",
                                .object([
                                    ("error", int(run.errors)), ("warning", int(run.warnings)), ("info", int(run.infos)),
                                    ("new", int(run.newFindings)), ("accepted", int(run.accepted)),
                                ])
                            ),
                            ("tenants", int(run.tenants)), ("subscriptions", int(run.subscriptions)),
                            ("baselinesRecorded", int(run.newBaselines)), ("inputsUnchangedSinceRun", id(run.inputsUnchangedSince)),
                            (
                                "inputs",
                                .array(
                                    run.inputs.map {
                                        .object([
                                            ("file", .string($0.file)), ("sha256", .string($0.sha256)), ("kind", .string($0.kind)),
                                            ("records", int($0.records)),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
            (
                "snapshots",
                .array(
                    snapshots.map { snapshot in
                        .object([
                            ("snapshot", id(snapshot.id)), ("label", text(snapshot.label)),
                            ("asOf", .string(snapshot.asOf.calendarDay.description)), ("importedAt", .string(snapshot.importedAt)),
                            ("tenants", int(snapshot.tenants)), ("subscriptions", int(snapshot.subscriptions)),
                            ("records", int(snapshot.records)), ("newRecords", int(snapshot.newRecords)),
                        ])
                    })
            ),
            (
                "baselines",
                .array(
                    baselines.map { baseline in
                        .object([
                            ("tenantId", .string(baseline.tenant.description)), ("tenantName", text(baseline.tenantName)),
                            ("snapshot", id(baseline.snapshotID)), ("asOf", .string(baseline.asOf.calendarDay.description)),
                            ("origin", .string(baseline.origin.rawValue)), ("recordedAt", .string(baseline.recordedAt)),
                            ("recordedBy", text(baseline.recordedBy)), ("note", text(baseline.note)), ("run", id(baseline.runID)),
                        ])
                    })
            ),
            (
                "acceptances",
                .array(
                    acceptances.map { acceptance in
                        .object([
                            ("rule", .string(acceptance.rule)), ("tenantId", text(acceptance.tenant?.description)),
                            ("subscriptionId", text(acceptance.subscription?.description)), ("skuId", text(acceptance.sku?.description)),
                            ("acceptedAt", .string(acceptance.acceptedAt)), ("acceptedBy", .string(acceptance.acceptedBy)),
                            ("reason", .string(acceptance.reason)), ("run", id(acceptance.runID)),
                        ])
                    })
            ),
        ])
    }
}
