import ArgumentParser
import CoexistIngest
import CoexistModel
import CoexistReports
import CoexistRules
import CoexistStore
import Foundation

/// `coexist preflight`: the check before a direct customer is onboarded; records its baseline.
struct PreflightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Check one tenant before onboarding: what will be protected, who may invite, what is missing.",
        discussion: """
            Prints the subscriptions the baseline will protect (channel, quantity, status, advisors), the \
            partner users whose role allows them to send the reseller invitation, and the data problems \
            that would make later reconciliation unreliable. When the tenant is ready, stores the export set \
            and records it as the tenant's baseline (replacing the one in force, except a `baseline reset` \
            or an earlier baseline when this one would be late).

            Exit 0: ready, baseline recorded. Exit 1: not ready (a blocker below), nothing recorded unless \
            --force. Blockers: no-partner-view, no-subscriptions, no-advisor-column, no-sku, duplicate-key, \
            invalid-value, no-relationships, no-partner-users, no-allowed-inviter. Warnings (ready anyway): \
            no-customer-view, no-licenses, unknown-partner, not-healthy, late-baseline.

            Example:
              coexist preflight --tenant muellersoehne.onmicrosoft.com SampleData/baseline
            """)

    @Option(name: .long, help: ArgumentHelp("The tenant: its id, domain or name.", valueName: "tenant"))
    var tenant: String

    @Argument(help: ArgumentHelp("The export set: a directory or files.", valueName: "path"))
    var paths: [String]

    @Flag(name: .long, help: "Print one JSON document instead of text.")
    var json = false

    @Flag(name: .long, help: "Record the baseline even when the tenant is not ready.")
    var force = false

    @Option(name: .customLong("as-of"), help: ArgumentHelp("As-of date of the export set.", valueName: "date"))
    var asOf: DateArgument?

    @Option(name: .customLong("partner-id"), help: ArgumentHelp("MPN id of the exporting CSP partner (repeatable).", valueName: "id"))
    var partnerIDs: [PartnerArgument] = []

    @Option(name: .long, help: ArgumentHelp("Configuration file (JSON); default $COEXIST_CONFIG.", valueName: "file"))
    var config: String?

    @OptionGroup var store: StoreOption

    // Not IngestArguments: its --tenant (of per-customer exports) would clash with the tenant checked here.
    @OptionGroup var limits: LimitArguments

    func run() throws {
        let logger = StderrLogHandler.logger(verbose: false, quiet: json)
        let file = try ConfigurationFile.resolve(option: config)
        let opened = try store.open(.write, logger: logger)
        let snapshot = try loadExportSet(
            paths, asOf: asOf?.date, options: IngestOptions(limits: limits.applied(to: file.ingest.limits)), logger: logger)
        guard let id = PreflightCommand.find(tenant, in: snapshot) else {
            throw CommandFailure(
                status: .invalidInput,
                message: "no tenant with id, domain or name \"\(tenant)\" in \(paths.joined(separator: ", ")) "
                    + "(\(snapshot.tenants.count) tenants, e.g. \(snapshot.tenants.values.compactMap(\.domain).sorted().prefix(3).joined(separator: ", ")))"
            )
        }
        let now = Date()
        let partners = file.partnerIDs.union(partnerIDs.map(\.id)).union(snapshot.exportingPartners)
        var dated = snapshot
        dated.asOf = snapshot.asOf ?? calendarDay(of: now)
        let report = Preflight.check(tenant: id, in: dated, configuration: file.rules, exportingPartners: partners)
        let recording = try withStore {
            try opened.write { session -> BaselineRecording in
                guard report.verdict == .ready || force else { return .notRecorded }
                let stored = try session.importSnapshot(dated, asOf: dated.asOf!, label: "preflight \(id)", importedAt: now)
                // An explicit reset stays; so does an earlier baseline when this one would start protection late.
                if let existing = try session.baseline(of: id), existing.snapshotID != stored.snapshotID,
                    existing.origin == .reset || report.lateBaseline != nil && ISODate.compare(existing.asOf, dated.asOf!) < 0
                {
                    return .kept(existing)
                }
                if let existing = try session.baseline(of: id), existing.snapshotID == stored.snapshotID {
                    return .unchanged(existing)
                }
                let baseline = try session.setBaseline(
                    tenant: id, snapshotID: stored.snapshotID, origin: .preflight, by: currentUserName(),
                    note: report.verdict == .ready ? nil : "recorded with --force while not ready", at: now)
                return .recorded(baseline)
            }
        }
        if json {
            FileHandle.standardOutput.write(Data(PreflightOutput.json(report, recording: recording).serialized().utf8))
        } else {
            for line in PreflightOutput.text(report, recording: recording) { Terminal.out(line) }
        }
        if report.verdict != .ready { throw CommandOutcome(status: .findings) }
    }

    /// The tenant named by id, domain or name (case-insensitive) in the export set.
    static func find(_ text: String, in snapshot: Snapshot) -> TenantID? {
        let key = text.trimmingWhitespace().lowercased()
        if let id = TenantID(parsing: key), snapshot.tenants[id] != nil { return id }
        let matches = snapshot.tenants.values.filter { $0.domain?.lowercased() == key || $0.name?.lowercased() == key }
        return matches.count == 1 ? matches[0].id : nil
    }
}

/// What preflight did about the baseline.
enum BaselineRecording {
    case recorded(TenantBaseline)
    /// The tenant keeps its baseline: a reset, or an earlier one when this one would be late.
    case kept(TenantBaseline)
    /// The baseline in force is already this snapshot.
    case unchanged(TenantBaseline)
    case notRecorded
}
