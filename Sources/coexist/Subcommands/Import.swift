import ArgumentParser
import CoexistModel
import CoexistStore
import Foundation

/// `coexist import`: normalize an export set and store it as a snapshot.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Store an export set as a snapshot (records stored once; the same files again store nothing).",
        discussion: """
            Every tenant seen for the first time gets this snapshot as its baseline (its state before the \
            CSP relationship), unless --no-baseline. `coexist preflight` checks one tenant before onboarding \
            and records its baseline; `coexist baseline reset` replaces one.

            Example:
              coexist import SampleData/baseline --label onboarding
            """)

    @Argument(help: ArgumentHelp("The export set: a directory or files.", valueName: "path"))
    var paths: [String]

    @Option(name: .long, help: ArgumentHelp("A label for the snapshot, shown by `history`.", valueName: "text"))
    var label: String?

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("As-of date of the export set (default: XML exportedAt, else today).", valueName: "date"))
    var asOf: DateArgument?

    @Flag(name: .customLong("no-baseline"), help: "Do not record baselines for tenants seen for the first time.")
    var noBaseline = false

    @OptionGroup var store: StoreOption

    @OptionGroup(title: "Reading real-world exports") var ingest: IngestArguments

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print debug diagnostics.")
    var verbose = false

    func run() throws {
        let logger = StderrLogHandler.logger(verbose: verbose, quiet: quiet)
        let opened = try store.open(.write, logger: logger)
        // Import has no --config: the ingest settings of $COEXIST_CONFIG, then the options.
        let file = try ConfigurationFile.resolve(option: nil)
        ProgressLine.start(quiet: quiet)
        defer { ProgressLine.stop() }
        let snapshot = try loadExportSet(paths, asOf: asOf?.date, options: try ingest.options(file.ingest), logger: logger)
        let now = Date()
        let effectiveAsOf = snapshot.asOf ?? calendarDay(of: now)
        let progress = ProgressLine.counter("storing records")
        logger.notice("storing snapshot", metadata: ["store": "\(opened.path)", "records": "\(snapshot.subscriptionRecordCount)"])
        let (outcome, baselines) = try withStore {
            try opened.write { session in
                let outcome = try session.importSnapshot(
                    snapshot, asOf: effectiveAsOf, label: label, importedAt: now, progress: progress)
                let baselines =
                    noBaseline
                    ? [] : try session.recordFirstBaselines(snapshotID: outcome.snapshotID, origin: .imported, runID: nil, at: now)
                return (outcome, baselines)
            }
        }
        ProgressLine.stop()
        guard !quiet else { return }
        if outcome.reused {
            let when = outcome.existingImportedAt.map { ", imported \($0)" } ?? ""
            let name = outcome.existingLabel.map { " \"\($0)\"" } ?? ""
            Terminal.out("coexist: nothing new: these exports are snapshot \(outcome.snapshotID)\(name)\(when); nothing was stored")
        } else {
            Terminal.out(
                "coexist: stored snapshot \(outcome.snapshotID)\(label.map { " \"\($0)\"" } ?? "") as of \(outcome.asOf.calendarDay): "
                    + "\(outcome.tenants) tenants, \(outcome.subscriptions) subscriptions, "
                    + "\(outcome.records) records, \(outcome.newRecords) of them new to the store")
        }
        if !baselines.isEmpty {
            Terminal.out("  baselines  recorded for \(baselines.count) tenant(s) seen for the first time")
        }
        Terminal.out("  store      \(opened.path) (\(ByteCountFormatter.string(fromByteCount: opened.sizeOnDisk, countStyle: .file)))")
    }
}
