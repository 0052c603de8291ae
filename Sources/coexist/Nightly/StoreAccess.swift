import ArgumentParser
import CoexistIngest
import CoexistModel
import CoexistStore
import Foundation
import Logging

/// `--store`, shared by every command that uses the store.
struct StoreOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The store file (SQLite); default $COEXIST_STORE, else ./coexist.sqlite.", valueName: "file"))
    var store: String?

    /// The path in force: the option, else the environment, else the default.
    var path: String { Store.resolvePath(option: store, environment: ProcessInfo.processInfo.environment) }

    /// Opens the store; a writer takes the lock first (exit 75 when another run holds it).
    func open(_ access: Store.Access, logger: Logger) throws(CommandFailure) -> Store {
        do {
            return try Store(path: path, access: access, logger: logger)
        } catch {
            throw CommandFailure(error)
        }
    }
}

extension CommandFailure {
    /// The exit status and message for a store error (SPEC §6: 75 locked, 4 storage, 2 a request the store cannot answer).
    init(_ error: StoreError) {
        let status: ExitStatus
        switch error {
        case .locked: status = .locked
        case .storage, .corrupt, .newerSchema: status = .internalFailure
        case .missing, .notFound: status = .invalidInput
        }
        self.init(status: status, message: error.description)
    }

    /// Store errors become their exit status; command failures and outcomes pass; anything else is internal.
    static func wrapping(_ error: any Error) -> any Error {
        if let error = error as? StoreError { return CommandFailure(error) }
        if error is CommandFailure || error is CommandOutcome { return error }
        return CommandFailure(status: .internalFailure, message: "\(error)")
    }
}

/// Runs a store operation and maps its errors to exit statuses.
func withStore<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw CommandFailure.wrapping(error)
    }
}

/// `$USER`, for `--by` when it is not given.
func currentUserName() -> String {
    ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown"
}

/// A short random id for the log lines of one run.
func newRunToken() -> String {
    String(UUID().uuidString.lowercased().prefix(8))
}

/// The UTC calendar day of a moment: the as-of of an export set that says none.
func calendarDay(of moment: Date) -> ISODate {
    ISODate(day: Int((moment.timeIntervalSince1970 / 86_400).rounded(.down)))
}

extension ConfigurationFile {
    /// `--config`, else `$COEXIST_CONFIG`, else the defaults.
    static func resolve(option: String?) throws(CommandFailure) -> ConfigurationFile {
        guard let path = option ?? ProcessInfo.processInfo.environment["COEXIST_CONFIG"] else { return ConfigurationFile() }
        return try load(path: path)
    }
}

/// Reads an export set; an unreadable file is exit 2, and nothing is stored.
func loadExportSet(_ paths: [String], asOf: ISODate?, options: IngestOptions, logger: Logger) throws(CommandFailure) -> Snapshot {
    do {
        return try ExportSetLoader(logger: logger, options: options).load(paths, asOf: asOf)
    } catch {
        throw CommandFailure(status: .invalidInput, message: "\(error.description)\nnothing was stored; the store is unchanged")
    }
}
