import ArgumentParser
import CoexistIngest
import CoexistModel
import CoexistReports
import CoexistRules
import Foundation

/// `coexist reconcile`: today's exports against a baseline, rule by rule, into reports.
struct Reconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a current export set with a baseline (or the stored baselines) and write the reports.",
        discussion: """
            An export set is a directory or a list of files (repeat the option). Files are recognized by \
            content: canonical CSV (',' or ';'), canonical XML, Microsoft's exports (Partner Center CSV and \
            API JSON, Graph JSON, Insights reports; also in German) and the layouts of --mapping files. Reports are written atomically to --out: \
            report.json, summary.md, findings.csv, changes.csv, costs.csv, report.html (open it in a browser).

            Without --baseline this is the nightly form: each tenant is compared with its baseline recorded \
            in the store (--store, $COEXIST_STORE, ./coexist.sqlite); a tenant seen for the first time gets \
            one; the run, its inputs and findings are recorded, and the reports mark what is new since the \
            last run and what finance accepted. A current as-of older than the last run's is refused (exit 2) \
            unless --allow-stale; a second run while one holds the store exits 75.

            Examples:
              coexist reconcile --baseline SampleData/baseline \\
                                --current SampleData/current --out reports
              coexist reconcile --current exports/today --store coexist.sqlite \\
                                --out reports/today
            """)

    @Option(name: .long, help: ArgumentHelp("The baseline export set: a directory or a file (repeatable).", valueName: "path"))
    var baseline: [String] = []

    @Option(name: .long, help: ArgumentHelp("The current export set: a directory or a file (repeatable).", valueName: "path"))
    var current: [String] = []

    @Option(
        name: .long, help: ArgumentHelp("Directory for the reports; '-' prints report.json to stdout and writes no file.", valueName: "dir")
    )
    var out: String = "reports"

    @Option(name: .customLong("fail-on"), help: "Lowest severity that fails the run (exit 1): error, warning or info.")
    var failOn: Severity?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("As-of date of both export sets (ISO 8601).", valueName: "date"))
    var asOf: DateArgument?

    @Option(name: .customLong("baseline-as-of"), help: ArgumentHelp("As-of date of the baseline.", valueName: "date"))
    var baselineAsOf: DateArgument?

    @Option(name: .customLong("current-as-of"), help: ArgumentHelp("As-of date of the current export set.", valueName: "date"))
    var currentAsOf: DateArgument?

    @Option(name: .customLong("partner-id"), help: ArgumentHelp("MPN id of the exporting CSP partner (repeatable).", valueName: "id"))
    var partnerIDs: [PartnerArgument] = []

    @Option(name: .long, help: ArgumentHelp("Configuration file (JSON); default $COEXIST_CONFIG.", valueName: "file"))
    var config: String?

    @OptionGroup(title: "Reading real-world exports")
    var ingest: IngestArguments

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Price list (CSV: OfferId or SkuId, UnitPrice, Currency, BillingCycle) for subscriptions whose export has no UnitPrice.",
            valueName: "csv"))
    var prices: String?

    @Option(
        name: .customLong("csv-dialect"),
        help: ArgumentHelp("CSV reports for: standard (',', decimal point) or excel-de (';', UTF-8 BOM, decimal comma).", valueName: "name")
    )
    var csvDialect: CSVDialect = .standard

    @Flag(name: .customLong("allow-incomplete"), help: "Exit 0 instead of 5 when an error rule could not be evaluated.")
    var allowIncomplete = false

    @Flag(name: .customLong("allow-stale"), help: "Nightly form: run even when the current as-of is older than the last run's.")
    var allowStale = false

    @OptionGroup(title: "Nightly form (without --baseline)") var store: StoreOption

    @Flag(name: .shortAndLong, help: "Print only errors; no summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print debug diagnostics.")
    var verbose = false

    func validate() throws {
        if current.isEmpty { throw ValidationError("Missing --current: today's export set (a directory or files).") }
        if !baseline.isEmpty && store.store != nil {
            throw ValidationError("--store is for the nightly form: drop --baseline to compare with the baselines in the store.")
        }
        if baseline.isEmpty && baselineAsOf != nil {
            throw ValidationError("--baseline-as-of needs --baseline; the nightly form takes each tenant's as-of from its stored baseline.")
        }
    }

    func run() throws {
        if baseline.isEmpty {
            // Without --baseline: every tenant against its recorded baseline (see NightlyReconcile).
            return try NightlyReconcile(
                current: current, out: out, failOn: failOn, asOf: (currentAsOf ?? asOf)?.date, partnerIDs: Set(partnerIDs.map(\.id)),
                config: config, allowStale: allowStale, allowIncomplete: allowIncomplete, quiet: quiet, verbose: verbose, store: store,
                ingest: ingest
            ).run()
        }
        let logger = StderrLogHandler.logger(verbose: verbose, quiet: quiet)
        let file =
            try (config ?? ProcessInfo.processInfo.environment["COEXIST_CONFIG"]).map { path throws(CommandFailure) in
                try ConfigurationFile.load(path: path)
            } ?? ConfigurationFile()

        let priceList: PriceList
        do {
            priceList = try prices.map { path throws(PriceListError) in try PriceListReader.read(path: path) } ?? PriceList()
        } catch {
            throw CommandFailure(
                status: .invalidInput, message: "\(error.description)\nno report was written; earlier reports are unchanged")
        }

        var timer = PhaseTimer()
        let loader = ExportSetLoader(logger: logger, options: try ingest.options(file.ingest))
        let baselineSet: Snapshot
        let currentSet: Snapshot
        ProgressLine.start(quiet: quiet)
        defer { ProgressLine.stop() }
        do {
            (baselineSet, currentSet) = try loader.loadPair(
                baseline: baseline, baselineAsOf: (baselineAsOf ?? asOf)?.date, current: current, currentAsOf: (currentAsOf ?? asOf)?.date)
        } catch {
            // The deferred stop clears the line before the error is printed.
            throw CommandFailure(
                status: .invalidInput, message: "\(error.description)\nno report was written; earlier reports are unchanged")
        }
        ProgressLine.phase("checking the rules")

        timer.end("read")
        let now = Date()
        let result = ReconcileResult.reconcile(
            baseline: baselineSet, current: currentSet, configuration: file.rules,
            partnerIDs: file.partnerIDs.union(partnerIDs.map(\.id)), failOn: failOn ?? file.failOn ?? .error,
            runDay: ISODate(day: Int((now.timeIntervalSince1970 / 86_400).rounded(.down))),
            generatedAt: ISO8601DateFormatter().string(from: now), toolVersion: Coexist.version, prices: priceList)

        timer.end("rules and diff")
        ProgressLine.phase("writing the reports")
        let files = result.reportFiles(csvDialect: csvDialect)
        if out == "-" {
            FileHandle.standardOutput.write(Data(files[0].render().utf8))
        } else {
            do {
                try ReportWriter(directory: out).write(files)
            } catch {
                throw CommandFailure(status: .internalFailure, message: error.description)
            }
            timer.end("render and write")
            ProgressLine.stop()
            if !quiet { TerminalSummary.print(result, reportDirectory: out) }
        }
        logger.debug("time: \(timer.description)")
        logger.debug("slowest steps of the rules phase: \(PhaseTimer.slowest(result.run.durations))")
        // The process ends now: freeing millions of records one by one would only delay it.
        RunResources.keepUntilExit(baselineSet, currentSet, result)
        let status = exitStatus(result.status)
        if status != .success { throw CommandOutcome(status: status) }
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
