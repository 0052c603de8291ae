import CoexistModel
import CoexistReports
import CoexistRules
import CoexistStore
import Foundation
import Logging

/// The nightly form of `reconcile`: today's export set against every tenant's recorded baseline,
/// remembered in the store (run, inputs, findings), in one transaction with the reports.
///
/// The order matters: the lock first (a second run exits 75 before reading anything), then the
/// inputs (a bad file is exit 2 with the store untouched), then the staleness check against the last
/// run, then one write transaction that stores the snapshot, records the baselines of tenants seen for
/// the first time, reconciles, records the run and writes the reports. A kill at any moment leaves
/// either all of it or none of it, and the previous reports.
struct NightlyReconcile {
    let current: [String]
    let out: String
    let failOn: Severity?
    let asOf: ISODate?
    let partnerIDs: Set<PartnerID>
    let config: String?
    let allowStale: Bool
    let allowIncomplete: Bool
    let quiet: Bool
    let verbose: Bool
    let store: StoreOption
    /// `--mapping`, `--language`, `--offer-catalogue`, `--tenant` and `--limit`, over the configuration's.
    let ingest: IngestArguments

    func run() throws {
        let token = newRunToken()
        var logger = StderrLogHandler.logger(verbose: verbose, quiet: quiet)
        logger[metadataKey: "run"] = "\(token)"
        let file = try ConfigurationFile.resolve(option: config)
        let opened = try store.open(.write, logger: logger)
        let startedAt = Date()
        ProgressLine.start(quiet: quiet)
        defer { ProgressLine.stop() }
        var currentSet = try loadExportSet(current, asOf: asOf, options: try ingest.options(file.ingest), logger: logger)
        let currentAsOf = currentSet.asOf ?? calendarDay(of: startedAt)
        currentSet.asOf = currentAsOf
        let inputsKey = StoreSession.inputsKey(currentSet.inputs)

        let last = try withStore { try opened.read { try $0.lastRun() } }
        if let last, ISODate.compare(currentAsOf, last.currentAsOf) < 0, !allowStale {
            throw CommandFailure(
                status: .invalidInput,
                message: "the current export set is as of \(currentAsOf.calendarDay), older than run \(last.id)'s "
                    + "(\(last.currentAsOf.calendarDay)): refusing stale input; --allow-stale runs it anyway")
        }
        logger.notice("nightly run", metadata: ["store": "\(opened.path)", "asOf": "\(currentAsOf.calendarDay)"])
        let progress = ProgressLine.counter("storing records")
        let result = try withStore {
            try opened.write { session in
                logger.debug("phase", metadata: ["step": "read", "seconds": "\(Date().timeIntervalSince(startedAt))"])
                let stored = try session.importSnapshot(
                    currentSet, asOf: currentAsOf, label: "run \(token)", importedAt: startedAt, progress: progress)
                let firstSeen = Set(
                    try session.recordFirstBaselines(snapshotID: stored.snapshotID, origin: .firstSeen, runID: nil, at: startedAt))
                logger.debug("phase", metadata: ["step": "stored", "seconds": "\(Date().timeIntervalSince(startedAt))"])
                let baseline = try session.assembleBaseline()
                logger.debug("phase", metadata: ["step": "baseline", "seconds": "\(Date().timeIntervalSince(startedAt))"])
                var result = ReconcileResult.reconcile(
                    baseline: baseline.snapshot, current: currentSet, configuration: file.rules,
                    partnerIDs: file.partnerIDs.union(partnerIDs), failOn: failOn ?? file.failOn ?? .error,
                    runDay: calendarDay(of: startedAt), generatedAt: ISO8601DateFormatter().string(from: startedAt),
                    toolVersion: Coexist.version)
                logger.debug("phase", metadata: ["step": "reconciled", "seconds": "\(Date().timeIntervalSince(startedAt))"])
                let memory = try session.remember(result.run.findings)
                let unchangedSince = try session.runWithSameInputs(inputsKey)
                var notes = NightlyNotes(
                    store: opened.path, run: 0, previousRun: last?.id, inputsUnchangedSinceRun: unchangedSince,
                    baselines: baselineNotes(baseline, current: currentSet, firstSeen: firstSeen, partners: result.exportingPartners),
                    findings: memory.map(NightlyReconcile.note))
                result.annotate(notes)
                let draft = RunDraft(
                    token: token, startedAt: startedAt, finishedAt: Date(), snapshotID: stored.snapshotID, inputsKey: inputsKey,
                    inputs: currentSet.inputs.map {
                        RunInput(file: $0.file, sha256: $0.sha256, kind: $0.kind.rawValue, records: $0.records)
                    },
                    currentAsOf: currentAsOf, status: RunVerdict(rawValue: result.status.rawValue) ?? .findings,
                    failOn: result.failOn, tenants: result.tenants.count, subscriptions: result.diff.counts.current,
                    newBaselines: firstSeen.count, inputsUnchangedSince: unchangedSince)
                notes.run = try session.recordRun(draft, findings: result.run.findings, memory: memory)
                logger.debug("phase", metadata: ["step": "recorded", "seconds": "\(Date().timeIntervalSince(startedAt))"])
                result.annotate(notes)
                // Inside the transaction: reports that cannot be written undo the run, so history never
                // lists a run whose reports are missing.
                try writeReports(result)
                return result
            }
        }
        logger.notice(
            "nightly run recorded",
            metadata: [
                "runNumber": "\(result.nightly?.run ?? 0)", "status": "\(result.status.rawValue)",
                "new": "\(result.nightly?.newCount ?? 0)",
            ])
        ProgressLine.stop()
        if !quiet && out != "-" {
            TerminalSummary.print(result, reportDirectory: out)
            NightlySummary.print(result)
        }
        // The process ends now: freeing millions of records one by one would only delay it.
        RunResources.keepUntilExit(currentSet, result)
        let status = exitStatus(result.status)
        if status != .success { throw CommandOutcome(status: status) }
    }

    private func writeReports(_ result: ReconcileResult) throws {
        let files = result.reportFiles()
        if out == "-" {
            FileHandle.standardOutput.write(Data(files[0].render().utf8))
            return
        }
        do {
            try ReportWriter(directory: out).write(files)
        } catch {
            throw CommandFailure(status: .internalFailure, message: "\(error.description); the run was not recorded")
        }
    }

    private func baselineNotes(_ baseline: AssembledBaseline, current: Snapshot, firstSeen: Set<TenantID>, partners: Set<PartnerID>)
        -> [NightlyNotes.BaselineNote]
    {
        let relationships = (baseline.snapshot.relationships ?? []) + (current.relationships ?? [])
        return baseline.baselines.map { tenant in
            NightlyNotes.BaselineNote(
                tenant: tenant.tenant, snapshot: tenant.snapshotID, asOf: tenant.asOf, origin: tenant.origin.rawValue,
                recordedThisRun: firstSeen.contains(tenant.tenant),
                late: BaselineTiming.lateness(
                    tenant: tenant.tenant, baselineAsOf: tenant.asOf, relationships: relationships, exportingPartners: partners))
        }
    }

    private static func note(_ memory: FindingMemory) -> NightlyNotes.FindingNote {
        NightlyNotes.FindingNote(
            newSinceLastRun: !memory.inLastRun, firstSeenRun: memory.firstRunID,
            accepted: memory.accepted
                ? memory.acceptance.map { NightlyNotes.Acceptance(by: $0.acceptedBy, at: $0.acceptedAt, reason: $0.reason) } : nil,
            acceptanceExpired: memory.acceptance != nil && !memory.accepted)
    }

    private func exitStatus(_ status: ReportStatus) -> ExitStatus {
        switch status {
        case .clean: .success
        case .findings: .findings
        case .nothingAudited: .nothingAudited
        case .incomplete: allowIncomplete ? .success : .incomplete
        }
    }
}

/// The nightly lines printed after the usual summary.
enum NightlySummary {
    static func print(_ result: ReconcileResult) {
        guard let nightly = result.nightly else { return }
        let previous = nightly.previousRun.map { "since run \($0)" } ?? "(first run)"
        Terminal.out(
            "  nightly    run \(nightly.run) in \(nightly.store): \(nightly.newCount) new \(previous), \(nightly.acceptedCount) accepted"
                + (nightly.expiredCount > 0 ? ", \(nightly.expiredCount) acceptance(s) expired (values changed)" : ""))
        if let since = nightly.inputsUnchangedSinceRun {
            Terminal.out("  inputs unchanged since run \(since): the exports have the same content")
        }
        let accepted = result.run.findings.indices.filter { result.nightlyNote(at: $0)?.accepted != nil }
        for index in accepted.prefix(5) {
            let finding = result.run.findings[index]
            Terminal.out("  accepted   \(finding.rule): \(finding.message) (\(result.nightlyNote(at: index)?.accepted?.by ?? ""))")
        }
        if accepted.count > 5 { Terminal.out("  accepted   … \(accepted.count - 5) more in report.json") }
        let recorded = nightly.baselines.filter(\.recordedThisRun)
        if !recorded.isEmpty {
            Terminal.out(
                "  baselines  recorded for \(recorded.count) tenant(s) seen for the first time (compared with themselves tonight): "
                    + recorded.prefix(5).map { result.name(of: $0.tenant) }.joined(separator: ", ") + (recorded.count > 5 ? ", …" : ""))
        }
        let late = nightly.baselines.filter { $0.late != nil }
        if !late.isEmpty {
            Terminal.out(
                "  late baseline for \(late.count) tenant(s) (taken after the reseller relationship was established): "
                    + late.prefix(5).map { result.name(of: $0.tenant) }.joined(separator: ", ") + (late.count > 5 ? ", …" : ""))
        }
    }
}
