import CoexistModel
import Foundation
import Logging

/// What a file turned out to be when read on its own (for `coexist validate`).
public struct FileReport: Sendable {
    public let file: String
    public let format: String
    /// Records per kind; one file may hold several kinds.
    public let kinds: [ExportKind: Int]
    public let problems: [RecordProblem]
    /// The language the file was read in (`de`), nil for English.
    public let language: String?
    /// How each column (JSON/XML: each mapped path) was read.
    public let columns: [ColumnUse]
}

/// Reads an export set — a directory or a list of files — into a ``Snapshot``.
///
/// Files are recognized by content, never by name alone (SPEC §2). A file that cannot be read at all
/// throws ``IngestError``; a record with a bad value becomes a ``RecordProblem`` and the rest is read.
public struct ExportSetLoader: Sendable {
    private let logger: Logger
    private let options: IngestOptions

    public init(logger: Logger, options: IngestOptions = IngestOptions()) {
        self.logger = logger
        self.options = options
    }

    /// Extensions of files that must be recognized: anything else unrecognized is skipped with a notice.
    static let dataExtensions: Set<String> = ["csv", "tsv", "xml", "json"]

    /// Loads every file of the set and merges them. `asOf` overrides the files' own `exportedAt`.
    public func load(_ paths: [String], asOf: ISODate? = nil) throws(IngestError) -> Snapshot {
        var dispatcher = FormatDispatcher(context: try IngestContext(options))
        var snapshot = Snapshot()
        // Each file is merged as soon as it is read whole: a file that fails throws before it counts,
        // and the model never holds two copies of every file.
        for file in try expand(paths) {
            guard var content = try read(file, dispatcher) else { continue }
            // The next file may hold what is left of the export set's records (IngestLimits.maxRecords).
            dispatcher.context.recordsLeft = max(0, dispatcher.context.recordsLeft - content.recordsRead)
            merge(&content, into: &snapshot)
        }
        if let asOf { snapshot.asOf = asOf }
        return snapshot
    }

    /// Reads each file alone, for `coexist validate`; a file that cannot be read is returned as its error.
    public func inspect(_ paths: [String]) throws(IngestError) -> [Result<FileReport, IngestError>] {
        let dispatcher = FormatDispatcher(context: try IngestContext(options))
        return try expand(paths).compactMap { file -> Result<FileReport, IngestError>? in
            do throws(IngestError) {
                guard var content = try read(file, dispatcher) else { return nil }
                // Merging the file alone also finds the ids it repeats with different values.
                var alone = Snapshot()
                merge(&content, into: &alone)
                let problems = alone.problems.sorted { ($0.source, $0.column) < ($1.source, $1.column) }
                return .success(
                    FileReport(
                        file: content.file, format: content.format, kinds: content.kinds, problems: problems,
                        language: content.language, columns: content.columns))
            } catch {
                return .failure(error)
            }
        }
    }

    // MARK: - Files

    struct ExportFile {
        let path: String
        let displayName: String
    }

    /// Every file named or under a named directory, sorted so that runs are deterministic.
    func expand(_ paths: [String]) throws(IngestError) -> [ExportFile] {
        var files: [ExportFile] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .unreadable(file: path, reason: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(ExportFile(path: path, displayName: path))
                continue
            }
            guard let enumerator = manager.enumerator(atPath: path) else {
                throw .unreadable(file: path, reason: "cannot list the directory")
            }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(relative)
                var isSubdirectory: ObjCBool = false
                guard manager.fileExists(atPath: full, isDirectory: &isSubdirectory), !isSubdirectory.boolValue else { continue }
                found.append(relative)
            }
            for relative in found.sorted() {
                let full = (path as NSString).appendingPathComponent(relative)
                if (relative as NSString).lastPathComponent.hasPrefix(".") {
                    logger.notice("skipping hidden file", metadata: ["file": "\(full)"])
                    continue
                }
                files.append(ExportFile(path: full, displayName: full))
            }
        }
        return files
    }

    /// Reads one file; nil when it is not an export and may be skipped (a README, a picture).
    func read(_ file: ExportFile, _ dispatcher: FormatDispatcher) throws(IngestError) -> FileContent? {
        let isData = ExportSetLoader.dataExtensions.contains((file.path as NSString).pathExtension.lowercased())
        let head = try readHead(file)
        let content: FileContent?
        do throws(IngestError) {
            content = try readRecognized(file, head: head, isData: isData, dispatcher)
        } catch {
            // A file that is not text and does not claim to be data is someone's picture or notes.
            if !isData, case .notText = error {
                logger.notice(
                    "skipping a file that is not an export", metadata: ["file": "\(file.displayName)", "reason": "\(error.reason)"])
                return nil
            }
            throw error
        }
        guard var content else {
            logger.notice("skipping a file that is not an export", metadata: ["file": "\(file.displayName)"])
            return nil
        }
        for notice in content.notices { logger.notice("\(notice)") }
        content.notices = []
        return content
    }

    private func readRecognized(_ file: ExportFile, head: [UInt8], isData: Bool, _ dispatcher: FormatDispatcher) throws(IngestError)
        -> FileContent?
    {
        switch Sniffer.guess(head) {
        case .empty:
            if isData { throw .unrecognized(file: file.displayName, reason: "the file is empty") }
            return nil
        case .xml:
            return try dispatcher.readXML(path: file.path, displayName: file.displayName, isData: isData)
        case .json:
            return try dispatcher.readJSON(path: file.path, displayName: file.displayName, isData: isData)
        case .text:
            return try dispatcher.readCSV(path: file.path, displayName: file.displayName, isData: isData)
        }
    }

    private func readHead(_ file: ExportFile) throws(IngestError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw .unreadable(file: file.displayName, reason: "permission denied or not a regular file")
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.read(upToCount: 4096) ?? Data())
        } catch {
            throw .unreadable(file: file.displayName, reason: error.localizedDescription)
        }
    }

    // MARK: - Merging

    /// Adds one file's content to the snapshot; must be called in file order.
    /// The file's subscriptions are moved out of `content` as they are inserted.
    private func merge(_ content: inout FileContent, into snapshot: inout Snapshot) {
        for tenant in content.tenants { snapshot.noteTenant(tenant) }
        for (kind, _) in content.kinds {
            switch kind {
            case .partnerSubscriptions, .customerSubscriptions, .tenantSubscriptions:
                if let view = kind.view { snapshot.declareView(view) }
            case .customerLicenses: if snapshot.licenses == nil { snapshot.licenses = [] }
            case .relationships: if snapshot.relationships == nil { snapshot.relationships = [] }
            case .partnerUsers: if snapshot.partnerUsers == nil { snapshot.partnerUsers = [] }
            case .customers: break
            }
        }
        var counts: [SubscriptionView: Int] = [:]
        for subscription in content.subscriptions { counts[subscription.view, default: 0] += 1 }
        for (view, count) in counts { snapshot.reserveCapacity(count, in: view) }
        content.subscriptions.reverse()
        while let subscription = content.subscriptions.popLast() {
            guard let duplicate = snapshot.insert(subscription) else { continue }
            snapshot.problems.append(
                RecordProblem(
                    kind: .duplicateKey, source: duplicate.dropped.source, column: 1,
                    message: "subscription \(subscription.id) appears twice in the \(subscription.view) view with different values; "
                        + "kept the record at \(duplicate.kept.source)",
                    tenant: subscription.tenant, subscription: subscription.id, keptSource: duplicate.kept.source))
        }
        // The first file of a kind hands its array over as it is: appending copied each record.
        func take<Record>(_ records: inout [Record], into target: inout [Record]?) {
            guard target != nil else { return }
            if target?.isEmpty == true { swap(&records, &target!) } else { target?.append(contentsOf: records) }
        }
        take(&content.relationships, into: &snapshot.relationships)
        take(&content.licenses, into: &snapshot.licenses)
        take(&content.partnerUsers, into: &snapshot.partnerUsers)
        snapshot.problems.append(contentsOf: content.problems)
        snapshot.invalidSubscriptionIDs.formUnion(content.invalidSubscriptionIDs)
        if let partner = content.exportingPartner { snapshot.exportingPartners.insert(partner) }
        if let exportedAt = content.exportedAt {
            if let known = snapshot.asOf, !known.sameMoment(as: exportedAt) {
                logger.notice(
                    "export files disagree on exportedAt; using the later",
                    metadata: ["file": "\(content.file)", "exportedAt": "\(exportedAt)", "earlier": "\(known)"])
            }
            if snapshot.asOf.map({ ISODate.compare($0, exportedAt) < 0 }) ?? true { snapshot.asOf = exportedAt }
        }
        let sha = content.sha256 ?? (try? sha256Hex(ofFile: content.file, displayName: content.file)) ?? ""
        for (kind, records) in content.kinds.sorted(by: { $0.key < $1.key }) {
            snapshot.inputs.append(InputFile(file: content.file, sha256: sha, kind: kind, format: content.format, records: records))
        }
    }
}

/// A first look at a file's bytes to choose a reader.
enum Sniffer {
    enum Guess { case empty, xml, json, text }

    static func guess(_ head: [UInt8]) -> Guess {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            return head.isEmpty || bytes.isEmpty ? .empty : .text
        }
        switch first {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
        default: return .text
        }
    }
}
