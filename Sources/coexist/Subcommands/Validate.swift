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
            (invalid values, duplicate ids), 2 when a file cannot be read at all.
            """)

    @Argument(help: ArgumentHelp("Export files or directories.", valueName: "path"))
    var paths: [String]

    @Flag(name: .long, help: "Print one JSON document instead of text.")
    var json = false

    func run() throws {
        let logger = StderrLogHandler.logger(verbose: false, quiet: json)
        let results: [Result<FileReport, IngestError>]
        do {
            results = try ExportSetLoader(logger: logger).inspect(paths)
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
                        ]))
                    if !json { Terminal.out("\(report.file): \(kind) (\(report.format)), \(records) records") }
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
}
