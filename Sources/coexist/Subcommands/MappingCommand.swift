import ArgumentParser
import CoexistIngest
import CoexistModel
import CoexistReports
import Foundation

extension ExportKind: ExpressibleByArgument {}

/// `coexist mapping`: mapping files for export layouts coexist does not know (docs/formats.md).
struct MappingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mapping", abstract: "Write and check mapping files for export layouts coexist does not know.",
        subcommands: [MappingInit.self])
}

/// `coexist mapping init <sample>`: a starting mapping from a sample file, guesses filled in.
struct MappingInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a starting mapping for a sample export (CSV, JSON or XML).",
        discussion: """
            Every column is mapped to the canonical field it most likely is; a column nothing fits is \
            marked "?" (not read until you decide: a canonical field, or null to ignore it). Values of \
            enumerated fields that coexist cannot read (a status "läuft") are listed under "values" with \
            "?". Then check it: coexist validate --mapping <mapping> <sample>.
            """)

    @Argument(help: ArgumentHelp("A sample export file.", valueName: "sample"))
    var sample: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the mapping to this file instead of stdout.", valueName: "file"))
    var out: String?

    @Option(name: .long, help: "The kind of export, when the guess is wrong (e.g. customer-subscriptions).")
    var kind: ExportKind?

    @Flag(name: .long, help: "Overwrite --out if it exists.")
    var force = false

    @OptionGroup(title: "Reading real-world exports")
    var ingest: IngestArguments

    func run() throws {
        let draft: MappingDraft
        do {
            draft = try MappingDraft.make(path: sample, kind: kind, options: try ingest.options(IngestSettings()))
        } catch let error as IngestError {
            throw CommandFailure(status: .invalidInput, message: error.description)
        }
        let text = Self.render(draft).serialized()
        if let out {
            if FileManager.default.fileExists(atPath: out) && !force {
                throw CommandFailure(status: .invalidInput, message: "\(out) exists; pass --force to overwrite it")
            }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw CommandFailure(status: .internalFailure, message: "\(out): cannot write: \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        let undecided = draft.fields.filter { $0.field == nil }.map(\.source)
        if !undecided.isEmpty { Terminal.note("to decide (\"?\"): \(undecided.joined(separator: ", "))") }
        for value in draft.values { Terminal.note("values of \(value.field) to map: \(value.sources.joined(separator: ", "))") }
        for note in draft.notes { Terminal.note(note) }
    }

    /// The mapping file, keys in the documented order.
    static func render(_ draft: MappingDraft) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("coexistMapping", .number("1")), ("format", .string(draft.format)), ("kind", .string(draft.kind.rawValue)),
            ("source", .string(draft.source)),
        ]
        if let records = draft.records { members.append(("records", .string(records))) }
        if let language = draft.language { members.append(("language", .string(language))) }
        if draft.tenantFromPath { members.append(("tenant", .string("path"))) }
        members.append(("fields", .object(draft.fields.map { ($0.source, .string($0.field ?? "?")) })))
        if !draft.values.isEmpty {
            members.append(
                ("values", .object(draft.values.map { value in (value.field, .object(value.sources.map { ($0, .string("?")) })) })))
        }
        return .object(members)
    }
}
