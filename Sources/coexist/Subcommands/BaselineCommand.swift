import ArgumentParser
import CoexistModel
import CoexistStore
import Foundation

/// `coexist baseline`: list or reset the tenants' baselines.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline", abstract: "List the tenants' baselines, or reset one after a legitimate change.",
        subcommands: [List.self, Reset.self], defaultSubcommand: List.self)

    /// `coexist baseline list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every tenant's baseline in force.")

        @OptionGroup var store: StoreOption

        func run() throws {
            let opened = try store.open(.read, logger: StderrLogHandler.logger(verbose: false, quiet: false))
            let baselines = try withStore { try opened.read { try $0.baselines() } }
            if baselines.isEmpty { Terminal.out("no baseline recorded yet; `coexist import` or `coexist preflight` records them") }
            for baseline in baselines {
                Terminal.out(
                    "\(baseline.tenant)  \(baseline.tenantName ?? "")  snapshot \(baseline.snapshotID) as of \(baseline.asOf.calendarDay), "
                        + "\(baseline.origin.phrase) \(baseline.recordedAt)")
            }
        }
    }

    /// `coexist baseline reset`.
    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the tenant's latest stored snapshot its baseline (recorded in history; the old one is kept).",
            discussion: """
                Use after a legitimate change (a migration the customer asked for) so that later runs stop \
                reporting it. The latest snapshot is the newest stored one holding the tenant, usually the \
                last nightly run's.

                Example:
                  coexist baseline reset --tenant muellersoehne.onmicrosoft.com --reason "moved to EA, ticket 88"
                """)

        @Option(name: .long, help: ArgumentHelp("The tenant: its id, domain or name.", valueName: "tenant"))
        var tenant: String

        @Option(name: .long, help: ArgumentHelp("Why (kept in history).", valueName: "text"))
        var reason: String?

        @Option(name: .long, help: ArgumentHelp("Who resets it (default $USER).", valueName: "name"))
        var by: String?

        @OptionGroup var store: StoreOption

        func run() throws {
            let opened = try store.open(.write, logger: StderrLogHandler.logger(verbose: false, quiet: false))
            let (old, new) = try withStore {
                try opened.write { session -> (TenantBaseline?, TenantBaseline) in
                    let id = try session.resolveTenant(tenant)
                    guard let latest = try session.latestSnapshot(containing: id) else {
                        throw StoreError.notFound(store: opened.path, what: "no stored snapshot holds tenant \(id)")
                    }
                    let old = try session.baseline(of: id)
                    let new = try session.setBaseline(
                        tenant: id, snapshotID: latest, origin: .reset, runID: try session.lastRun()?.id,
                        by: by ?? currentUserName(), note: reason, at: Date())
                    return (old, new)
                }
            }
            let was = old.map { "was snapshot \($0.snapshotID) as of \($0.asOf.calendarDay)" } ?? "had none"
            Terminal.out(
                "\(new.tenantName ?? new.tenant.description): baseline is now snapshot \(new.snapshotID) as of \(new.asOf.calendarDay) (\(was))"
            )
        }
    }
}
