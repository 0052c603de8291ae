import ArgumentParser
import CoexistIngest
import CoexistModel
import CoexistReports
import Foundation

/// `coexist validate`: read export files without reconciling; say what each is and what is wrong.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read export files without reconciling: kind, record count and problems per file.",
        discussion: """
            Exit 0 when every file was read without a problem, 1 when some records have problems \
            (invalid values, duplicate ids), 2 when a file cannot be read at all. With --mapping (or \
            --columns) it also shows how each column was read: into which canonical field, or not at all.
            """)

    @Argument(help: ArgumentHelp("Export files or directories.", valueName: "path"))
    var paths: [String]

    @Flag(name: .long, help: "Print one JSON document instead of text.")
    var json = false

    @Flag(name: .long, help: "Show how each column was read (always with --mapping).")
    var columns = false

    @Option(name: .long, help: ArgumentHelp("Configuration file (JSON); default $COEXIST_CONFIG.", valueName: "file"))
    var config: String?

    @OptionGroup(title: "Reading real-world exports")
    var ingest: IngestArguments

    func run() throws {
        let logger = StderrLogHandler.logger(verbose: false, quiet: json)
        let file =
            try (config ?? ProcessInfo.processInfo.environment["COEXIST_CONFIG"]).map { path throws(CommandFailure) in
                try ConfigurationFile.load(path: path)
            } ?? ConfigurationFile()
        let options = try ingest.options(file.ingest)
        let results: [Result<FileReport, IngestError>]
        // The progress line is on stderr, so `--json` on stdout stays clean; a pipe shows none.
        ProgressLine.start(quiet: false)
        do {
            defer { ProgressLine.stop() }
            results = try ExportSetLoader(logger: logger, options: options).inspect(paths)
        } catch {
            throw CommandFailure(status: .invalidInput, message: error.description)
        }
        var entries: [JSONValue] = []
        var status = ExitStatus.success
        for result in results {
            switch result {
            case .success(let report):
                if !report.problems.isEmpty && status == .success { status = .findings }
                let problems = report.problems.map { problem in
                    JSONValue.object([
                        ("line", .number(String(problem.source.line))), ("column", .number(String(problem.column))),
                        ("message", .string("\(problem.kind.rawValue): \(problem.message)")),
                    ])
                }
                let kinds = report.kinds.sorted { $0.key < $1.key }
                for (index, (kind, records)) in kinds.enumerated() {
                    entries.append(
                        .object([
                            ("file", .string(report.file)), ("kind", .string(kind.rawValue)), ("format", .string(report.format)),
                            ("records", .number(String(records))), ("problems", .array(index == 0 ? problems : [])),
                            ("language", report.language.map { .string($0) } ?? .null),
                            ("columns", .array(report.columns.map(Self.column))),
                        ]))
                    let language = report.language.map { ", language \($0)" } ?? ""
                    if !json { Terminal.out("\(report.file): \(kind) (\(report.format)\(language)), \(records) records") }
                }
                if !json && (columns || !ingest.mapping.isEmpty) {
                    for use in report.columns { Terminal.out("    \(Self.describe(use))") }
                }
                if !json {
                    for problem in report.problems {
                        Terminal.out(
                            "\(problem.source.file):\(problem.source.line):\(problem.column): \(problem.kind.rawValue): \(problem.message)")
                    }
                }
            case .failure(let error):
                status = .invalidInput
                let position = error.position ?? (line: 0, column: 0)
                entries.append(
                    .object([
                        ("file", .string(error.file)), ("kind", .string("unknown")), ("format", .string("unknown")),
                        ("records", .number("0")),
                        (
                            "problems",
                            .array([
                                .object([
                                    ("line", .number(String(position.line))), ("column", .number(String(position.column))),
                                    ("message", .string(error.reason)),
                                ])
                            ])
                        ),
                    ]))
                if !json { Terminal.error(error.description) }
            }
        }
        if json { FileHandle.standardOutput.write(Data(JSONValue.object([("files", .array(entries))]).serialized().utf8)) }
        if status != .success { throw CommandOutcome(status: status) }
    }

    private static func column(_ use: ColumnUse) -> JSONValue {
        let field: JSONValue
        switch use.use {
        case .field(let name): field = .string(name)
        case .ignored, .undecided, .unknown: field = .null
        }
        let status: String
        switch use.use {
        case .field: status = "read"
        case .ignored: status = "ignored"
        case .undecided: status = "undecided"
        case .unknown: status = "unknown"
        }
        return .object([("source", .string(use.source)), ("field", field), ("status", .string(status))])
    }

    private static func describe(_ use: ColumnUse) -> String {
        switch use.use {
        case .field(let name): "\(use.source) → \(name)"
        case .ignored: "\(use.source): ignored"
        case .undecided: "\(use.source): not read (marked \"?\" in the mapping)"
        case .unknown: "\(use.source): not read (unknown column)"
        }
    }
}
